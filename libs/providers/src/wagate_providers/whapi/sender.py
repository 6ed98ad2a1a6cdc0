"""Sending through Whapi.cloud (https://whapi.readme.io/reference).

Each Whapi channel (a platform session) has its own API token; ``token_for(session)``
supplies it. Sends are ``POST {base}/messages/<type>`` with ``to`` (phone digits or a
chat id such as ``…@g.us``) and answer ``{"sent": true, "message": {"id": ...}}``;
errors are ``{"error": {"code", "message", "details"}}``.
"""

from collections.abc import Callable
from typing import Any, Final

import httpx
from wagate_contracts.message_content import MessageContent

from wagate_providers.base import ProviderError, SendResult
from wagate_providers.errors import by_http_status, short, transport_error

DEFAULT_BASE_URL = "https://gate.whapi.cloud"
Body = dict[str, Any]
_MEDIA: Final = {"image", "video", "audio", "document", "sticker"}


def _media(content: MessageContent) -> Body:
    media = content.media
    assert media is not None
    body: Body = {"media": media.url}
    if media.caption and content.type in ("image", "video", "document"):
        body["caption"] = media.caption
    if media.filename and content.type == "document":
        body["filename"] = media.filename
    if media.mime_type:
        body["mime_type"] = media.mime_type
    return body


def _interactive(content: MessageContent) -> Body:
    if content.type == "list":
        lst = content.list
        assert lst is not None
        sections = [
            {
                "title": s.title,
                "rows": [
                    {"id": r.id, "title": r.title, "description": r.description} for r in s.rows
                ],
            }
            for s in lst.sections
        ]
        body: Body = {
            "type": "list",
            "body": {"text": lst.description},
            "action": {"list": {"label": lst.button_text, "sections": sections}},
        }
        if lst.title:
            body["header"] = {"text": lst.title}
        footer = lst.footer
    else:
        buttons = content.buttons
        assert buttons is not None
        body = {
            "type": "button",
            "body": {"text": buttons.body},
            "action": {
                "buttons": [
                    {"type": "quick_reply", "title": b.text, "id": b.id} for b in buttons.buttons
                ]
            },
        }
        footer = buttons.footer
    if footer:
        body["footer"] = {"text": footer}
    return body


def _vcard(content: MessageContent) -> str:
    contact = content.contact
    assert contact is not None
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{contact.full_name}"]
    if contact.organization:
        lines.append(f"ORG:{contact.organization}")
    lines.append(f"TEL;type=CELL;waid={contact.phone_number}:+{contact.phone_number}")
    if contact.email:
        lines.append(f"EMAIL:{contact.email}")
    lines.append("END:VCARD")
    return "\n".join(lines)


def request_for(to: str, content: MessageContent) -> tuple[str, Body]:
    """The path and body that send ``content`` to ``to``."""
    kind = content.type
    if kind == "text":
        return "/messages/text", {"to": to, "body": content.text}
    if kind in _MEDIA:
        return f"/messages/{kind}", {"to": to, **_media(content)}
    if kind == "location":
        loc = content.location
        assert loc is not None
        body = {"to": to, "latitude": loc.latitude, "longitude": loc.longitude}
        extra = {"name": loc.name, "address": loc.address}
        return "/messages/location", body | {k: v for k, v in extra.items() if v}
    if kind == "contact":
        assert content.contact is not None
        return "/messages/contact", {
            "to": to,
            "name": content.contact.full_name,
            "vcard": _vcard(content),
        }
    if kind == "poll":
        poll = content.poll
        assert poll is not None
        count = len(poll.options) if poll.multiple_answers else 1
        return "/messages/poll", {
            "to": to,
            "title": poll.name,
            "options": list(poll.options),
            "count": count,
        }
    return "/messages/interactive", {"to": to, **_interactive(content)}


def classify_whapi_error(response: httpx.Response) -> ProviderError:
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    detail = short(
        (error.get("details") or error.get("message")) if isinstance(error, dict) else response.text
    )
    lowered = detail.lower()
    if response.status_code == 404 and ("not found" in lowered and "recipient" in lowered):
        return ProviderError("permanent", "invalid_recipient", detail, http_status=404)
    if response.status_code in (400, 404) and (
        "not exist" in lowered or "not on whatsapp" in lowered
    ):
        return ProviderError(
            "permanent", "invalid_recipient", detail, http_status=response.status_code
        )
    if (
        response.status_code == 409
        or "not authorized" in lowered
        or ("channel" in lowered and "not" in lowered)
    ):
        # the channel (session) is stopped, not paired or being restarted
        return ProviderError(
            "session", "session_not_ready", detail, http_status=response.status_code
        )
    return by_http_status(response, detail)


class WhapiSender:
    def __init__(
        self,
        token_for: Callable[[str], str],
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._token_for = token_for
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=timeout_s, transport=transport
        )

    async def send(self, session: str, to: str, content: MessageContent) -> SendResult:
        path, body = request_for(to, content)
        headers = {"Authorization": f"Bearer {self._token_for(session)}"}
        try:
            response = await self._http.post(path, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise transport_error(exc) from exc
        if not response.is_success:
            raise classify_whapi_error(response)
        answer = response.json()
        message = answer.get("message") if isinstance(answer, dict) else None
        message_id = message.get("id") if isinstance(message, dict) else None
        if not message_id or answer.get("sent") is False:
            raise ProviderError("transient", "provider_bad_response", "no message id in answer")
        return SendResult(provider_message_id=str(message_id), raw=answer)

    async def aclose(self) -> None:
        await self._http.aclose()
