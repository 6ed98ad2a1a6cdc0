"""WAHA's send endpoints for all 11 message types (the provider sandbox speaks the same).

Bodies follow WAHA's API (https://waha.devlike.pro/docs/how-to/send-messages/):
``POST /api/sendText|sendImage|sendVideo|sendVoice|sendFile|sendLocation|
sendContactVcard|sendPoll|sendList|sendButtons`` with ``session`` and ``chatId``.
Stickers go to ``/api/sendSticker`` (the sandbox's extension; WAHA sends them as images).
Errors are classified by :func:`classify_send_error` on top of the client's mapping:
WhatsApp's 463 "reach-out timelock" (a 500 from the engine) is ``session``-level, a
recipient that is not on WhatsApp is a ``permanent`` ``invalid_recipient``.
"""

from typing import Any, Final

from wagate_contracts.message_content import MessageContent

from wagate_providers.base import ProviderError, SendResult
from wagate_providers.waha.client import WahaClient

_MEDIA_ENDPOINTS: Final = {
    "image": "sendImage",
    "video": "sendVideo",
    "audio": "sendVoice",
    "document": "sendFile",
    "sticker": "sendSticker",
}


def chat_id(to: str) -> str:
    """WAHA's chat id: a bare phone number becomes ``<digits>@c.us``."""
    return to if "@" in to else f"{to}@c.us"


def _vcard(content: MessageContent) -> dict[str, Any]:
    contact = content.contact
    assert contact is not None
    card: dict[str, Any] = {
        "fullName": contact.full_name,
        "phoneNumber": f"+{contact.phone_number}",
        "whatsappId": contact.phone_number,
    }
    if contact.organization:
        card["organization"] = contact.organization
    return card


def request_for(content: MessageContent) -> tuple[str, dict[str, Any]]:
    """The endpoint and the type-specific part of the body for ``content``."""
    kind = content.type
    if kind == "text":
        return "sendText", {"text": content.text}
    if kind in _MEDIA_ENDPOINTS:
        media = content.media
        assert media is not None
        file = {"url": media.url, "mimetype": media.mime_type, "filename": media.filename}
        body: dict[str, Any] = {"file": {k: v for k, v in file.items() if v is not None}}
        if media.caption and kind not in ("audio", "sticker"):
            body["caption"] = media.caption
        return _MEDIA_ENDPOINTS[kind], body
    if kind == "location":
        loc = content.location
        assert loc is not None
        title = ", ".join(part for part in (loc.name, loc.address) if part) or None
        return "sendLocation", {
            "latitude": loc.latitude,
            "longitude": loc.longitude,
            "title": title,
        }
    if kind == "contact":
        return "sendContactVcard", {"contacts": [_vcard(content)]}
    if kind == "poll":
        poll = content.poll
        assert poll is not None
        spec = {"name": poll.name, "options": list(poll.options)}
        return "sendPoll", {"poll": {**spec, "multipleAnswers": poll.multiple_answers}}
    if kind == "list":
        lst = content.list
        assert lst is not None
        sections = [
            {
                "title": section.title,
                "rows": [
                    {"title": r.title, "rowId": r.id, "description": r.description}
                    for r in section.rows
                ],
            }
            for section in lst.sections
        ]
        message = {
            "title": lst.title,
            "description": lst.description,
            "footer": lst.footer,
            "button": lst.button_text,
            "sections": sections,
        }
        return "sendList", {"message": message}
    buttons = content.buttons
    assert buttons is not None
    return "sendButtons", {
        "body": buttons.body,
        "footer": buttons.footer,
        "buttons": [{"type": "reply", "text": b.text, "id": b.id} for b in buttons.buttons],
    }


def classify_send_error(error: ProviderError) -> ProviderError:
    """Refine the client's classification with what a failed *send* means."""
    text = error.message.lower()
    if "463" in text:
        return ProviderError(
            "session", "reach_out_timelock", error.message, http_status=error.http_status
        )
    if error.http_status == 400 and "not registered" in text:
        return ProviderError(
            "permanent", "invalid_recipient", error.message, http_status=error.http_status
        )
    if error.code == "session_not_ready" or error.code == "not_found":
        # the session is not WORKING (logged out, failed, unknown): try another session
        return ProviderError(
            "session", "session_not_ready", error.message, http_status=error.http_status
        )
    return error


class WahaSender:
    """Sends messages through one WAHA server."""

    def __init__(self, client: WahaClient) -> None:
        self._client = client

    async def send(self, session: str, to: str, content: MessageContent) -> SendResult:
        endpoint, part = request_for(content)
        body = {"session": session, "chatId": chat_id(to), **part}
        try:
            answer = await self._client.json("POST", f"/api/{endpoint}", json=body)
        except ProviderError as exc:
            raise classify_send_error(exc) from exc
        message_id = _message_id(answer)
        if not message_id:
            raise ProviderError(
                "transient", "provider_bad_response", "WAHA answered without a message id"
            )
        return SendResult(provider_message_id=message_id, raw=answer)


def _message_id(answer: Any) -> str | None:
    """WAHA answers the message object; ``id`` is a string or ``{_serialized: ...}``."""
    if not isinstance(answer, dict):
        return None
    value = answer.get("id")
    if isinstance(value, dict):
        value = value.get("_serialized") or value.get("id")
    if isinstance(value, str) and value:
        return value
    key = answer.get("key")
    if isinstance(key, dict) and isinstance(key.get("id"), str):
        return str(key["id"])
    return None
