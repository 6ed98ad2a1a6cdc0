"""WAHA (and the WAHA-compatible sandbox) webhook envelopes → normalised items.

``{id?, timestamp?, event, session, me?, payload}`` with the events ``message``,
``message.ack`` (ack -1..4) and ``session.status``; anything else is unsupported.
"""

import json

from webhook_svc.adapters.payload import Json, epoch, obj, optional_text, phone_of, text
from webhook_svc.domain.inbound import (
    CallbackItem,
    InboundMessage,
    InvalidPayload,
    SessionReport,
    StatusUpdate,
    Unsupported,
)
from webhook_svc.domain.mapping import (
    WAHA_ACK_NAMES,
    WAHA_ACKS,
    WAHA_SESSION_STATUSES,
    message_type,
)
from webhook_svc.domain.signatures import digest


def parse_waha(body: object) -> list[CallbackItem]:
    envelope = obj(body, "body")
    event = text(envelope.get("event"), "event")
    session = text(envelope.get("session"), "session")
    payload = obj(envelope.get("payload"), "payload")
    if event == "message.ack":
        return [_ack(envelope, session, payload)]
    if event == "message":
        return [_message(envelope, session, payload)]
    if event == "session.status":
        return [_session_status(envelope, session, payload)]
    return [Unsupported(event)]


def _ack(envelope: Json, session: str, payload: Json) -> CallbackItem:
    if payload.get("fromMe") is False:
        return Unsupported("message.ack:inbound")
    ack = payload.get("ack")
    if not isinstance(ack, int) or isinstance(ack, bool):
        ack = WAHA_ACK_NAMES.get(str(payload.get("ackName", "")).upper())
    if ack is None:
        raise InvalidPayload("payload.ack must be an integer from -1 to 4")
    status = WAHA_ACKS.get(ack)
    if status is None:
        return Unsupported(f"message.ack:{ack}")
    return StatusUpdate(
        provider_session=session,
        provider_message_id=text(payload.get("id"), "payload.id"),
        status=status,
        at=epoch(envelope.get("timestamp")),
        to=optional_text(payload.get("to")) or optional_text(payload.get("from")),
        error_code="waha_ack_error" if status == "failed" else None,
        error_message="the provider reported ack ERROR" if status == "failed" else None,
    )


def _message(envelope: Json, session: str, payload: Json) -> CallbackItem:
    if payload.get("fromMe") is True:
        return Unsupported("message:from_me")
    data = payload.get("_data") if isinstance(payload.get("_data"), dict) else {}
    raw_type = data.get("type") if isinstance(data, dict) else None
    if not raw_type:
        raw_type = _media_type(payload) if payload.get("hasMedia") else "text"
    return InboundMessage(
        provider_session=session,
        provider_message_id=text(payload.get("id"), "payload.id"),
        sender=text(payload.get("from"), "payload.from"),
        type=message_type(raw_type),
        text=payload.get("body") if isinstance(payload.get("body"), str) else None,
        at=epoch(payload.get("timestamp")),
    )


def _media_type(payload: Json) -> str:
    media = payload.get("media") if isinstance(payload.get("media"), dict) else {}
    mime = str((media or {}).get("mimetype") or "")
    kind = mime.partition("/")[0]
    return kind if kind in ("image", "video", "audio") else "document"


def _session_status(envelope: Json, session: str, payload: Json) -> CallbackItem:
    raw = text(payload.get("status"), "payload.status").upper()
    status = WAHA_SESSION_STATUSES.get(raw)
    if status is None:
        return Unsupported(f"session.status:{raw}")
    identity = optional_text(envelope.get("id")) or digest(
        session, json.dumps(envelope, sort_keys=True, default=str)
    )
    me = envelope.get("me") if isinstance(envelope.get("me"), dict) else None
    return SessionReport(
        provider_session=session,
        status=status,
        raw_status=raw,
        at=epoch(envelope.get("timestamp")),
        identity=identity,
        phone_number=phone_of(optional_text(me.get("id"))) if me else None,
    )
