"""Projecting one contract event into counted facts and session changes (pure)."""

from dataclasses import replace
from datetime import datetime, tzinfo
from typing import Final

from wagate_contracts import (
    MessageFailed,
    MessageReceived,
    MessageRequested,
    MessageSent,
    MessageStatus,
    SessionCreated,
    SessionDeleted,
    SessionStatusChanged,
    SessionUpdated,
)
from wagate_contracts.envelope import Event

from stats_svc.domain.counters import Counter
from stats_svc.domain.facts import (
    CountedFact,
    EventProjection,
    SessionChange,
    event_key,
    local_day,
    marker_key,
)

NO_PROVIDER: Final = "none"
IMPLIED_RECEIPTS: Final[dict[str, tuple[Counter, ...]]] = {
    "delivered": ("delivered",),
    "read": ("read", "delivered"),
    "played": ("played", "read", "delivered"),
    "failed": ("delivery_failed",),
}
"""A receipt implies the earlier ones (read ⇒ delivered), so counts do not depend on
whether the provider sent every step, nor on the order they arrive in."""


def project_event(event: Event, tz: tzinfo) -> EventProjection:
    """The facts ``event`` establishes; unknown event types establish none."""
    key = event_key(event)
    if isinstance(event, MessageStatus):
        return EventProjection(key, _receipt_facts(event, tz))
    if isinstance(event, MessageReceived):
        return EventProjection(key, (_inbound_fact(event, tz),))
    fact = _outcome_fact(event, tz)
    if fact is not None:
        return EventProjection(key, (fact,))
    return EventProjection(key, session_change=_session_change(event))


def _fact(
    event: Event, counter: Counter, at: datetime, tz: tzinfo, session_id: str | None, **extra: str
) -> CountedFact:
    return CountedFact(
        counter=counter,
        user_id=event.user_id,
        session_id=session_id,
        day=local_day(at, tz),
        at=at,
        provider=extra.get("provider", NO_PROVIDER),
        key=extra.get("key"),
    )


def _outcome_fact(event: Event, tz: tzinfo) -> CountedFact | None:
    """requested / sent / failed: once per platform message id."""
    user = event.user_id
    if isinstance(event, MessageRequested):
        key = marker_key(user, "requested", event.message_id)
        return _fact(event, "requested", event.occurred_at, tz, event.session_id, key=key)
    if isinstance(event, MessageSent):
        key = marker_key(user, "sent", event.message_id)
        return _fact(
            event, "sent", event.sent_at, tz, event.session_id, key=key, provider=event.provider
        )
    if isinstance(event, MessageFailed):
        key = marker_key(user, "failed", event.message_id)
        return _fact(event, "failed", event.occurred_at, tz, event.session_id, key=key)
    return None


def _receipt_facts(event: MessageStatus, tz: tzinfo) -> tuple[CountedFact, ...]:
    """delivered / read / played / failed receipts: once per provider message and status."""
    facts = []
    for counter in IMPLIED_RECEIPTS.get(event.status, ()):
        key = marker_key(
            event.user_id, "receipt", event.provider, event.provider_message_id, counter
        )
        facts.append(
            _fact(event, counter, event.at, tz, event.session_id, key=key, provider=event.provider)
        )
    return tuple(facts)


def _inbound_fact(event: MessageReceived, tz: tzinfo) -> CountedFact:
    """An inbound message counts once per provider message id; repeats count as deduplicated."""
    duplicate = _fact(
        event, "deduplicated", event.received_at, tz, event.session_id, provider=event.provider
    )
    if event.deduplicated:
        return duplicate
    key = marker_key(event.user_id, "inbound", event.provider, event.provider_message_id)
    received = _fact(
        event, "received", event.received_at, tz, event.session_id, key=key, provider=event.provider
    )
    return replace(received, fallback=duplicate)


def _session_change(event: Event) -> SessionChange | None:
    user, at = event.user_id, event.occurred_at
    if isinstance(event, SessionCreated | SessionUpdated):
        return SessionChange(
            user,
            event.session_id,
            at,
            name=event.name,
            status=event.status,
            phone_number=event.phone_number,
            created=isinstance(event, SessionCreated),
        )
    if isinstance(event, SessionStatusChanged):
        return SessionChange(
            user, event.session_id, at, status=event.status, phone_number=event.phone_number
        )
    if isinstance(event, SessionDeleted):
        return SessionChange(user, event.session_id, at, deleted=True)
    return None
