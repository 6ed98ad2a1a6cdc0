"""What each consumed event means for the statistics: the facts it establishes.

An event is projected into ``CountedFact``s (one counter increment each) and at
most one ``SessionChange``. A fact with a ``key`` is counted once per key, across
all events (e.g. a ``delivered`` receipt sent twice by the provider under two
event ids); a fact without a key is counted once per event id. A ``fallback`` is
counted instead when the fact's key was already counted by another event (an
inbound message redelivered by the provider counts as ``deduplicated``).
"""

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from urllib.parse import quote

from wagate_contracts.envelope import Event

from stats_svc.domain.counters import Counter


def marker_key(*parts: object) -> str:
    """An unambiguous key from free-form parts (each part is percent-encoded)."""
    return ":".join(quote(str(part), safe="") for part in parts)


@dataclass(frozen=True)
class CountedFact:
    counter: Counter
    user_id: str
    session_id: str | None
    day: date
    at: datetime
    provider: str
    key: str | None = None
    fallback: "CountedFact | None" = None


@dataclass(frozen=True)
class SessionChange:
    """Idempotent, order-independent session metadata: later ``at`` wins."""

    user_id: str
    session_id: str
    at: datetime
    name: str | None = None
    status: str | None = None
    phone_number: str | None = None
    created: bool = False
    deleted: bool = False


@dataclass(frozen=True)
class EventProjection:
    event_key: str
    """The consumer-level idempotency key of the event (its ``event_id``)."""
    facts: tuple[CountedFact, ...] = ()
    session_change: SessionChange | None = None


def local_day(at: datetime, tz: tzinfo) -> date:
    """The calendar day of ``at`` in the configured timezone."""
    return at.astimezone(tz).date()


def event_key(event: Event) -> str:
    return marker_key("event", event.event_id)
