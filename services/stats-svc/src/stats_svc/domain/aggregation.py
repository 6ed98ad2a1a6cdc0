"""Summing counted facts per scope: user, user+session, user+day, user+session+day."""

from collections import Counter as Tally
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from stats_svc.domain.facts import CountedFact


@dataclass(frozen=True)
class Scope:
    user_id: str
    session_id: str | None = None
    day: date | None = None


@dataclass
class ScopeDelta:
    counts: Tally[str] = field(default_factory=Tally)
    last_sent_at: datetime | None = None
    last_failed_at: datetime | None = None


def _later(current: datetime | None, candidate: datetime) -> datetime:
    return candidate if current is None or candidate > current else current


def scopes_of(user_id: str, session_id: str | None, day: date) -> list[Scope]:
    scopes = [Scope(user_id), Scope(user_id, day=day)]
    if session_id is not None:
        scopes += [Scope(user_id, session_id), Scope(user_id, session_id, day)]
    return scopes


def aggregate(facts: Iterable[CountedFact]) -> dict[Scope, ScopeDelta]:
    """One delta per touched scope, ready for one upsert each."""
    deltas: dict[Scope, ScopeDelta] = {}
    for fact in facts:
        for scope in scopes_of(fact.user_id, fact.session_id, fact.day):
            delta = deltas.setdefault(scope, ScopeDelta())
            delta.counts[fact.counter] += 1
            if fact.counter == "sent":
                delta.last_sent_at = _later(delta.last_sent_at, fact.at)
            elif fact.counter == "failed":
                delta.last_failed_at = _later(delta.last_failed_at, fact.at)
    return deltas
