"""HTTP plumbing shared by the WAHA adapters: one ``httpx`` client, errors classified.

Every failure leaves as a :class:`~wagate_providers.base.ProviderError`:
- connection errors, timeouts and 5xx are ``transient``;
- 429 is ``session`` (rate limited, with ``retry_after_s`` from ``Retry-After``);
- 422 "session status is not as expected" is ``session`` (the session is not ready);
- 401/403 and other 4xx are ``permanent``; 404 has the code ``not_found``.
The API key travels in ``X-Api-Key`` and never appears in an error or a log.
"""

from typing import Any

import httpx

from wagate_providers.base import ProviderError
from wagate_providers.errors import by_http_status, transport_error

_MAX_DETAIL = 300


class WahaClient:
    """A thin async client for one WAHA server (``base_url`` without ``/api``)."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        timeout_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        headers = {"Accept": "application/json"}
        if api_key:
            headers["X-Api-Key"] = api_key
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=timeout_s,
            transport=transport,
        )

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Send a request; a non-2xx answer or a transport failure raises ``ProviderError``."""
        try:
            response = await self._http.request(
                method, path, json=json, params=params, headers=headers
            )
        except httpx.HTTPError as exc:
            raise transport_error(exc) from exc
        if response.is_success:
            return response
        raise classify_response(response)

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.request(method, path, **kwargs)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ProviderError(
                "transient", "provider_bad_response", "the provider answered invalid JSON"
            ) from exc

    async def aclose(self) -> None:
        await self._http.aclose()


def _detail(response: httpx.Response) -> str:
    """A short human-readable reason from a WAHA/NestJS error body."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:_MAX_DETAIL] or response.reason_phrase
    if isinstance(body, dict):
        exception = body.get("exception")
        if isinstance(exception, dict) and exception.get("message"):
            return str(exception["message"])[:_MAX_DETAIL]
        for key in ("message", "error"):
            if body.get(key):
                return str(body[key])[:_MAX_DETAIL]
    return str(body)[:_MAX_DETAIL]


def classify_response(response: httpx.Response) -> ProviderError:
    """The ``ProviderError`` a non-2xx WAHA answer stands for."""
    status = response.status_code
    detail = _detail(response)
    if status == 404:
        return ProviderError("permanent", "not_found", detail, http_status=status)
    if status == 422 and "status is not as expected" in detail.lower():
        return ProviderError("session", "session_not_ready", detail, http_status=status)
    if status == 409 or (status == 422 and "already exists" in detail.lower()):
        return ProviderError("permanent", "already_exists", detail, http_status=status)
    return by_http_status(response, detail)
