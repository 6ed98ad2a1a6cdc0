"""Signed HTTP POSTs to customer endpoints, refusing unsafe targets (SSRF).

The host is resolved before each request and every address it resolves to must
be public, unless development mode allows private targets. Redirects are not
followed; the timeout is short so a slow endpoint only holds its own delivery.
"""

import asyncio
import socket
import time
from urllib.parse import urlsplit

import httpx

from webhook_svc.domain.delivery import DeliveryOutcome, is_public_address, outcome_of_status
from webhook_svc.domain.signatures import outbound_signature


class UnsafeTarget(ValueError):
    """The URL points at a private, loopback or link-local address (or cannot be resolved)."""


async def check_target(url: str, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget("the URL must be an absolute http(s) URL")
    if allow_private:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname, port, type=socket.SOCK_STREAM
        )
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeTarget(f"the host {parts.hostname!r} cannot be resolved") from exc
    addresses = {str(info[4][0]) for info in infos}
    if not addresses or not all(is_public_address(a) for a in addresses):
        raise UnsafeTarget("the URL resolves to a private, loopback or link-local address")


class WebhookPoster:
    def __init__(self, timeout_s: float, allow_private: bool) -> None:
        self._allow_private = allow_private
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s), follow_redirects=False, trust_env=False
        )

    async def post(
        self, url: str, secret: str, body: bytes, delivery_id: str, event_type: str
    ) -> DeliveryOutcome:
        try:
            await check_target(url, self._allow_private)
        except UnsafeTarget as exc:
            return DeliveryOutcome(False, False, None, f"refused: {exc}")
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "wagate-webhooks/1",
            "X-Wagate-Event": event_type,
            "X-Wagate-Delivery-Id": delivery_id,
            "X-Wagate-Timestamp": str(timestamp),
            "X-Wagate-Signature": outbound_signature(secret, timestamp, body),
        }
        try:
            response = await self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return DeliveryOutcome(False, True, None, f"{type(exc).__name__}: {str(exc)[:200]}")
        return outcome_of_status(response.status_code)

    async def aclose(self) -> None:
        await self._client.aclose()
