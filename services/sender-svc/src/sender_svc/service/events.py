"""Building the events sender-svc publishes from its message documents."""

from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from wagate_contracts.events import MessageFailed, MessageRequested, MessageSent
from wagate_contracts.message_content import MessageContent
from wagate_contracts.names import Service
from wagate_platform.logging import get_correlation_id
from wagate_platform.mongo import Document

from sender_svc.domain.retry_headers import retry_headers


def requested_event(doc: Document, occurred_at: datetime) -> MessageRequested:
    pinned = doc.get("session_ids") or []
    return MessageRequested(
        event_id=UUID(doc["requested_event_id"]),
        occurred_at=occurred_at,
        producer=Service.SENDER,
        correlation_id=doc.get("correlation_id") or get_correlation_id(),
        user_id=doc["user_id"],
        message_id=doc["_id"],
        to=doc["to"],
        content=MessageContent.model_validate(doc["content"], strict=False),
        session_id=pinned[0] if len(pinned) == 1 else None,
        group_id=doc.get("group_id"),
        strategy=doc.get("strategy", "least_recently_used"),
        campaign_id=doc.get("campaign_id"),
    )


def stored_retry_headers(doc: Document) -> dict[str, Any] | None:
    """The retry state a message document kept (attempts, sessions tried) as the headers
    dispatch reads, for a ``message.requested`` published again from the document."""
    tried = list(doc.get("tried") or [])
    if not tried and not doc.get("attempts"):
        return None
    return retry_headers(int(doc.get("attempts") or 0), tried)


def sent_event(
    request: MessageRequested,
    session_id: str,
    provider: str,
    provider_message_id: str,
    at: datetime,
) -> MessageSent:
    return MessageSent(
        producer=Service.SENDER,
        correlation_id=request.correlation_id,
        user_id=request.user_id,
        message_id=request.message_id,
        session_id=session_id,
        provider=provider,  # type: ignore[arg-type]
        provider_message_id=provider_message_id,
        to=request.to,
        sent_at=at,
        campaign_id=request.campaign_id,
    )


def failed_event(
    request: MessageRequested, code: str, message: str, retryable: bool, session_id: str | None
) -> MessageFailed:
    return MessageFailed(
        producer=Service.SENDER,
        correlation_id=request.correlation_id,
        user_id=request.user_id,
        message_id=request.message_id,
        session_id=session_id,
        error_code=code,
        error_message=message or code,
        retryable=retryable,
        to=request.to,
        campaign_id=request.campaign_id,
    )


OWED_EVENT_IDS = UUID("6f1f3c1e-4d0c-5a54-9a57-2f0c7d1f6b0e")


def owed_failed_event(doc: Document) -> MessageFailed:
    """The ``message.failed`` a bulk update left owed on a message (``event_pending.kind``).

    Built from the message document at publish time, with an event id derived from the
    message id and the kind, so every republish is the same event (consumers dedupe it).
    """
    pending = doc["event_pending"]
    error = doc.get("error") or {}
    return MessageFailed(
        event_id=uuid5(OWED_EVENT_IDS, f"{doc['_id']}/{pending['kind']}"),
        occurred_at=pending["at"],
        producer=Service.SENDER,
        correlation_id=doc.get("correlation_id") or get_correlation_id(),
        user_id=doc["user_id"],
        message_id=doc["_id"],
        error_code=pending["kind"],
        error_message=error.get("message") or pending["kind"],
        retryable=bool(error.get("retryable", False)),
        to=doc["to"],
        campaign_id=doc.get("campaign_id"),
    )


def stored(event: Any) -> Document:
    """The outbox form of an event kept on its message document."""
    return {
        "routing_key": event.event_type,
        "event_id": str(event.event_id),
        "body": event.model_dump(mode="json"),
    }
