"""WAHA session lifecycle: create (with our webhook), start/stop/logout/delete, status, QR.

Endpoints (https://waha.devlike.pro/docs/how-to/sessions/):
``POST /api/sessions``, ``PUT|GET|DELETE /api/sessions/{name}``,
``POST /api/sessions/{name}/start|stop|logout``, ``GET /api/{name}/auth/qr``.
"""

import base64
from typing import Any, Final

from wagate_providers.base import ProviderError, ProviderSession, ProviderSessionStatus, QrCode
from wagate_providers.waha.client import WahaClient

WEBHOOK_EVENTS: Final = ("session.status", "message", "message.ack")
_STATUSES: Final[dict[str, ProviderSessionStatus]] = {
    "STOPPED": "disconnected",
    "STARTING": "starting",
    "SCAN_QR_CODE": "scan_qr",
    "WORKING": "connected",
    "FAILED": "failed",
}


def normalize_status(raw: str) -> ProviderSessionStatus:
    """WAHA's session status in the platform's words (unknown values read as ``starting``)."""
    return _STATUSES.get(raw.upper(), "starting")


def _phone(me: Any) -> str | None:
    if isinstance(me, dict) and isinstance(me.get("id"), str):
        number = me["id"].partition("@")[0]
        return number or None
    return None


def session_from_dto(dto: Any, name: str) -> ProviderSession:
    if not isinstance(dto, dict):
        raise ProviderError("transient", "provider_bad_response", "unexpected session payload")
    raw = str(dto.get("status") or "STARTING")
    return ProviderSession(
        name=str(dto.get("name") or name),
        status=normalize_status(raw),
        raw_status=raw,
        phone_number=_phone(dto.get("me")),
    )


def webhook_config(webhook_url: str, hmac_key: str) -> dict[str, Any]:
    return {
        "webhooks": [
            {
                "url": webhook_url,
                "events": list(WEBHOOK_EVENTS),
                "hmac": {"key": hmac_key},
                "retries": {"policy": "exponential", "delaySeconds": 2, "attempts": 15},
            }
        ]
    }


class WahaSessionManager:
    """``SessionManager`` over WAHA's HTTP API."""

    def __init__(self, client: WahaClient) -> None:
        self._client = client

    async def create(self, session: str, webhook_url: str, hmac_key: str) -> ProviderSession:
        """Create the session (not started) with our webhook; an existing one is reconfigured."""
        config = webhook_config(webhook_url, hmac_key)
        try:
            dto = await self._client.json(
                "POST", "/api/sessions", json={"name": session, "start": False, "config": config}
            )
        except ProviderError as exc:
            if exc.code != "already_exists":
                raise
            dto = await self._client.json(
                "PUT", f"/api/sessions/{session}", json={"config": config}
            )
        return session_from_dto(dto, session)

    async def start(self, session: str) -> ProviderSession:
        return await self._action(session, "start")

    async def stop(self, session: str) -> ProviderSession:
        return await self._action(session, "stop")

    async def logout(self, session: str) -> ProviderSession:
        return await self._action(session, "logout")

    async def delete(self, session: str) -> None:
        """Delete the session; one that does not exist (any more) is not an error."""
        try:
            await self._client.request("DELETE", f"/api/sessions/{session}")
        except ProviderError as exc:
            if exc.code != "not_found":
                raise

    async def status(self, session: str) -> ProviderSession:
        return session_from_dto(await self._client.json("GET", f"/api/sessions/{session}"), session)

    async def qr(self, session: str) -> QrCode:
        """The QR code to pair the phone: its raw value and the PNG WAHA renders."""
        raw = await self._client.json("GET", f"/api/{session}/auth/qr", params={"format": "raw"})
        if not isinstance(raw, dict) or not isinstance(raw.get("value"), str):
            raise ProviderError("transient", "provider_bad_response", "unexpected QR payload")
        image = await self._client.json("GET", f"/api/{session}/auth/qr")
        png = None
        if isinstance(image, dict) and isinstance(image.get("data"), str):
            png = base64.b64decode(image["data"])
        return QrCode(value=raw["value"], png=png)

    async def _action(self, session: str, action: str) -> ProviderSession:
        dto = await self._client.json("POST", f"/api/sessions/{session}/{action}")
        return session_from_dto(dto, session)
