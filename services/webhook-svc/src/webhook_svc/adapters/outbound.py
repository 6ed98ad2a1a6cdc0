"""Signed HTTP POSTs to customer endpoints, refusing unsafe targets (SSRF).

The client is ``wagate_platform.netguard``'s guarded one: at every connection the host is
resolved, every address it resolves to must be public, and the socket is opened to one of
those checked addresses (no DNS-rebinding window), unless development mode allows private
targets. Redirects are not followed; the timeout is short so a slow endpoint only holds its
own delivery.
"""

import time

import httpx
from wagate_platform.netguard import (
    NetworkBackend,
    Resolver,
    UnsafeTarget,
    guarded_client,
    target_of,
)

from webhook_svc.domain.delivery import DeliveryOutcome, outcome_of_status
from webhook_svc.domain.signatures import outbound_signature


class WebhookPoster:
    def __init__(
        self,
        timeout_s: float,
        allow_private: bool,
        *,
        resolver: Resolver | None = None,
        network_backend: NetworkBackend | None = None,
    ) -> None:
        self._client = guarded_client(
            allow_private=allow_private,
            timeout_s=timeout_s,
            resolver=resolver,
            network_backend=network_backend,
        )

    async def post(
        self, url: str, secret: str, body: bytes, delivery_id: str, event_type: str
    ) -> DeliveryOutcome:
        """Deliver once. An unsafe target is a final failure ("refused: …"); a network error
        (a name that does not resolve included) is retried."""
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
            target_of(url)
            response = await self._client.post(url, content=body, headers=headers)
        except UnsafeTarget as exc:
            return DeliveryOutcome(False, False, None, f"refused: {exc}")
        except httpx.HTTPError as exc:
            return DeliveryOutcome(False, True, None, f"{type(exc).__name__}: {str(exc)[:200]}")
        return outcome_of_status(response.status_code)

    async def aclose(self) -> None:
        await self._client.aclose()
