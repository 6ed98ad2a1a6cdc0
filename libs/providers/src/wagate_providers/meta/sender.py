"""Sending through the Meta WhatsApp Cloud API.

A platform session is one business phone number: its ``provider_session`` is the
phone-number id, so a send is ``POST {base}/{version}/{phone-number-id}/messages``
with ``Authorization: Bearer <access token>`` (never logged).
"""

from typing import Any

import httpx
from wagate_contracts.message_content import MessageContent

from wagate_providers.base import ProviderError, SendResult
from wagate_providers.errors import transport_error
from wagate_providers.meta.errors import classify_meta_error
from wagate_providers.meta.messages import message_body, template_body

DEFAULT_BASE_URL = "https://graph.facebook.com"
DEFAULT_VERSION = "v21.0"


class MetaSender:
    def __init__(
        self,
        access_token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        api_version: str = DEFAULT_VERSION,
        timeout_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._version = api_version
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=timeout_s,
            transport=transport,
        )

    async def send(self, session: str, to: str, content: MessageContent) -> SendResult:
        return await self._post(session, message_body(to, content))

    async def send_template(
        self,
        session: str,
        to: str,
        name: str,
        language: str,
        components: list[dict[str, Any]] | None = None,
    ) -> SendResult:
        return await self._post(session, template_body(to, name, language, components))

    async def _post(self, phone_number_id: str, body: dict[str, Any]) -> SendResult:
        try:
            response = await self._http.post(
                f"/{self._version}/{phone_number_id}/messages", json=body
            )
        except httpx.HTTPError as exc:
            raise transport_error(exc) from exc
        if not response.is_success:
            raise classify_meta_error(response)
        answer = response.json()
        messages = answer.get("messages") if isinstance(answer, dict) else None
        if not messages or not isinstance(messages[0], dict) or not messages[0].get("id"):
            raise ProviderError("transient", "provider_bad_response", "no message id in answer")
        return SendResult(provider_message_id=str(messages[0]["id"]), raw=answer)

    async def aclose(self) -> None:
        await self._http.aclose()
