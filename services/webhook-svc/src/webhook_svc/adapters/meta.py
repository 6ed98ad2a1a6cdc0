"""Meta WhatsApp Cloud API webhooks → normalised items.

``{object, entry: [{id, changes: [{field, value}]}]}``; ``value`` carries
``metadata.phone_number_id`` (the session), ``messages[]`` and ``statuses[]``
(sent / delivered / read / failed, the latter with ``errors[]``).
"""

from webhook_svc.adapters.payload import Json, epoch, items, obj, optional_text, text
from webhook_svc.domain.inbound import CallbackItem, InboundMessage, StatusUpdate, Unsupported
from webhook_svc.domain.mapping import CLOUD_STATUSES, message_type

_CAPTIONED = ("image", "video", "document")


def parse_meta(body: object) -> list[CallbackItem]:
    root = obj(body, "body")
    found: list[CallbackItem] = []
    for entry in items(root.get("entry"), "entry"):
        for change in items(entry.get("changes"), "entry[].changes"):
            found.extend(_change(change))
    return found or [Unsupported(str(root.get("object") or "empty"))]


def _change(change: Json) -> list[CallbackItem]:
    value = obj(change.get("value"), "changes[].value")
    metadata = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
    session = optional_text((metadata or {}).get("phone_number_id"))
    phone = optional_text((metadata or {}).get("display_phone_number"))
    if session is None:
        return [Unsupported(f"field:{change.get('field') or 'unknown'}")]
    found: list[CallbackItem] = []
    for status in items(value.get("statuses"), "statuses"):
        found.append(_status(session, phone, status))
    for message in items(value.get("messages"), "messages"):
        found.append(_message(session, phone, message))
    return found or [Unsupported(f"field:{change.get('field') or 'unknown'}")]


def _status(session: str, phone: str | None, status: Json) -> CallbackItem:
    raw = text(status.get("status"), "statuses[].status").lower()
    mapped = CLOUD_STATUSES.get(raw)
    if mapped is None:
        return Unsupported(f"status:{raw}")
    errors = items(status.get("errors"), "statuses[].errors")
    first = errors[0] if errors else {}
    details = first.get("error_data") if isinstance(first.get("error_data"), dict) else {}
    message = (
        optional_text((details or {}).get("details"))
        or optional_text(first.get("message"))
        or optional_text(first.get("title"))
    )
    return StatusUpdate(
        provider_session=session,
        session_phone=phone,
        provider_message_id=text(status.get("id"), "statuses[].id"),
        status=mapped,
        at=epoch(status.get("timestamp")),
        to=optional_text(status.get("recipient_id")),
        error_code=optional_text(first.get("code")),
        error_message=message,
    )


def _message(session: str, phone: str | None, message: Json) -> CallbackItem:
    raw_type = optional_text(message.get("type")) or "unknown"
    return InboundMessage(
        provider_session=session,
        session_phone=phone,
        provider_message_id=text(message.get("id"), "messages[].id"),
        sender=text(message.get("from"), "messages[].from"),
        type=message_type(raw_type),
        text=_text_of(raw_type, message),
        at=epoch(message.get("timestamp")),
    )


def _text_of(raw_type: str, message: Json) -> str | None:
    part = message.get(raw_type)
    if not isinstance(part, dict):
        return None
    if raw_type == "text":
        return optional_text(part.get("body"))
    if raw_type in _CAPTIONED:
        return optional_text(part.get("caption"))
    if raw_type == "button":
        return optional_text(part.get("text"))
    return None
