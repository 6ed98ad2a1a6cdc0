"""Authentication: frontends' HS256 JWTs and customer apps' API keys.

A JWT needs ``sub`` (the user id), ``role`` (customer or admin) and ``exp``; ``exp``,
``nbf`` and ``iat``, when present, must be JSON numbers (RFC 7519 NumericDate): PyJWT
alone would take ``"exp": "1999999999"``.
The principal and the API key rules live in ``wagate_platform.identity`` (no FastAPI),
re-exported here.
"""

import time

import jwt
from fastapi import Request

from wagate_platform.errors import ApiError
from wagate_platform.identity import (
    API_KEY_PREFIX,
    Principal,
    Role,
    api_key_display_prefix,
    generate_api_key,
    hash_api_key,
    looks_like_api_key,
)

__all__ = [
    "API_KEY_PREFIX",
    "JwtAuthenticator",
    "Principal",
    "Role",
    "api_key_display_prefix",
    "api_key_from_request",
    "bearer_token",
    "decode_jwt",
    "generate_api_key",
    "hash_api_key",
    "issue_jwt",
    "looks_like_api_key",
    "unauthorized",
]
JWT_ALGORITHM = "HS256"
NUMERIC_DATE_CLAIMS = ("exp", "nbf", "iat")


def unauthorized(message: str = "missing or invalid credentials") -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def decode_jwt(token: str, secret: str) -> Principal:
    try:
        claims = jwt.decode(
            token, secret, algorithms=[JWT_ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise unauthorized("token expired") from exc
    except jwt.PyJWTError as exc:
        raise unauthorized("invalid token") from exc
    for name in NUMERIC_DATE_CLAIMS:
        if name in claims and not _is_numeric_date(claims[name]):
            raise unauthorized(f"invalid token: {name} must be a NumericDate")
    role = claims.get("role")
    if role not in ("customer", "admin"):
        raise unauthorized("token has no valid role")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > 128:
        raise unauthorized("token has no valid subject")
    return Principal(user_id=sub, role=role)


def _is_numeric_date(value: object) -> bool:
    """A JSON number (seconds since the epoch); a string or a boolean is not one."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def issue_jwt(user_id: str, role: Role, secret: str, ttl_s: int = 3600) -> str:
    """Mint a token (dev tooling and tests; production tokens come from the identity provider)."""
    now = int(time.time())
    return jwt.encode(
        {"sub": user_id, "role": role, "iat": now, "exp": now + ttl_s}, secret, JWT_ALGORITHM
    )


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def api_key_from_request(request: Request) -> str | None:
    """The API key from ``X-Api-Key`` or ``Authorization: Bearer wg_live_...``."""
    key = request.headers.get("x-api-key")
    if key:
        return key.strip()
    token = bearer_token(request)
    if token and looks_like_api_key(token):
        return token
    return None


class JwtAuthenticator:
    """FastAPI dependency factory: resolves the request's JWT into a ``Principal``."""

    def __init__(self, secret: str) -> None:
        self._secret = secret

    def principal(self, request: Request) -> Principal:
        token = bearer_token(request)
        if token is None:
            raise unauthorized()
        return decode_jwt(token, self._secret)

    def admin(self, request: Request) -> Principal:
        principal = self.principal(request)
        if not principal.is_admin:
            raise ApiError(403, "forbidden", "admin role required")
        return principal
