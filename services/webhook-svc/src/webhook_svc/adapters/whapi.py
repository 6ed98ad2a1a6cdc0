"""Whapi.Cloud webhooks → normalised items.

``{messages?: [...], statuses?: [...], health?: {...}, event: {type, event}, channel_id}``;
the channel id names the session.
"""

from webhook_svc.adapters.payload import Json, epoch, items, obj, optional_text, text
from webhook_svc.domain.inbound import (
    CallbackItem,
    InboundMessage,
    SessionReport,
    StatusUpdate,
    Unsupported,
)
from webhook_svc.domain.mapping import CLOUD_STATUSES, WHAPI_CHANNEL_STATUSES, message_type
from webhook_svc.domain.signatures import digest

_CAPTIONED = ("image", "video", "document", "gif", "short")


def parse_whapi(body: object) -> list[CallbackItem]:
    root = obj(body, "body")
    event = root.get("event") if isinstance(root.get("event"), dict) else {}
    kind = str((event or {}).get("type") or "unknown")
    channel = text(root.get("channel_id"), "channel_id")
    found: list[CallbackItem] = []
    for message in items(root.get("messages"), "messages"):
        found.append(_message(channel, message))
    for status in items(root.get("statuses"), "statuses"):
        found.append(_status(channel, status))
    if isinstance(root.get("health"), dict):
        found.append(_health(channel, root["health"]))
    return found or [Unsupported(kind)]


def _message(channel: str, message: Json) -> CallbackItem:
    if message.get("from_me") is True:
        return Unsupported("messages:from_me")
    raw_type = optional_text(message.get("type")) or "unknown"
    sender = optional_text(message.get("from")) or text(message.get("chat_id"), "chat_id")
    return InboundMessage(
        provider_session=channel,
        provider_message_id=text(message.get("id"), "messages[].id"),
        sender=sender,
        type=message_type(raw_type),
        text=_text_of(raw_type, message),
        at=epoch(message.get("timestamp")),
    )


def _text_of(raw_type: str, message: Json) -> str | None:
    part = message.get(raw_type)
    if not isinstance(part, dict):
        return None
    if raw_type in ("text", "link_preview"):
        return optional_text(part.get("body"))
    if raw_type in _CAPTIONED:
        return optional_text(part.get("caption"))
    return None


def _status(channel: str, status: Json) -> CallbackItem:
    raw = text(status.get("status"), "statuses[].status").lower()
    mapped = CLOUD_STATUSES.get(raw)
    if mapped is None:
        return Unsupported(f"statuses:{raw}")
    return StatusUpdate(
        provider_session=channel,
        provider_message_id=text(status.get("id"), "statuses[].id"),
        status=mapped,
        at=epoch(status.get("timestamp")),
        to=optional_text(status.get("recipient_id")),
        error_code=optional_text(status.get("code")) if mapped == "failed" else None,
        error_message="the provider reported the message as failed" if mapped == "failed" else None,
    )


def _health(channel: str, health: Json) -> CallbackItem:
    status = health.get("status") if isinstance(health.get("status"), dict) else {}
    raw = (optional_text((status or {}).get("text")) or "UNKNOWN").upper()
    mapped = WHAPI_CHANNEL_STATUSES.get(raw)
    if mapped is None:
        return Unsupported(f"channel:{raw}")
    identity = digest(channel, raw, str(health.get("start_at")), str(health.get("uptime")))
    return SessionReport(
        provider_session=channel,
        status=mapped,
        raw_status=raw,
        at=epoch(health.get("start_at")),
        identity=identity,
    )
