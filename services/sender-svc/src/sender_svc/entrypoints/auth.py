"""Who is calling, as FastAPI dependencies: the headers are read and a JWT verified here,
then the :class:`~sender_svc.service.auth.Authenticator` use case gets plain strings."""

from fastapi import Request
from wagate_platform.auth import api_key_from_request, bearer_token, decode_jwt, unauthorized

from sender_svc.domain.errors import NotAuthenticated
from sender_svc.service.auth import Authenticator, Caller


class CallerAuth:
    """``reader`` for reads and campaign control; ``sender`` also counts the request.

    A 401 is answered with the platform's ``unauthorized`` (it carries
    ``WWW-Authenticate: Bearer``, which a domain error has no place for)."""

    def __init__(self, authenticator: Authenticator, jwt_secret: str) -> None:
        self._auth = authenticator
        self._secret = jwt_secret

    def _credentials(self, request: Request) -> tuple[str | None, str | None]:
        """The API key, else the verified JWT's user id (an invalid token is a 401 here)."""
        key = api_key_from_request(request)
        if key:
            return key, None
        token = bearer_token(request)
        if token is None:
            return None, None
        return None, decode_jwt(token, self._secret).user_id

    async def reader(self, request: Request) -> str:
        api_key, user_id = self._credentials(request)
        try:
            return await self._auth.user_id(api_key=api_key, user_id=user_id)
        except NotAuthenticated as exc:
            raise unauthorized(exc.message) from exc

    async def sender(self, request: Request) -> Caller:
        api_key, user_id = self._credentials(request)
        try:
            return await self._auth.sender(api_key=api_key, user_id=user_id)
        except NotAuthenticated as exc:
            raise unauthorized(exc.message) from exc
