"""Exactly-once counting: which facts of a batch are new, given the markers already stored.

Two levels of idempotency:
1. the event: an ``event_id`` already projected is skipped entirely (redelivery,
   republish, a batch replayed after a crash between commit and ack);
2. the fact: a fact key already counted (by another event) is not counted again,
   its ``fallback`` is counted instead when it has one.
Every key claimed here becomes a marker stored in the same transaction as the counters.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from stats_svc.domain.facts import CountedFact, EventProjection, SessionChange


class ConcurrentProjection(Exception):
    """A marker of the batch was stored by someone else meanwhile: resolve it again."""


@dataclass
class Resolution:
    markers: list[str] = field(default_factory=list)
    counted: list[CountedFact] = field(default_factory=list)
    session_changes: list[SessionChange] = field(default_factory=list)
    events: int = 0
    """How many events of the batch were new."""

    @property
    def empty(self) -> bool:
        return not self.markers


def keys_to_check(projections: Iterable[EventProjection]) -> list[str]:
    """Every marker key the batch may claim, to look up in one query."""
    keys: dict[str, None] = {}
    for projection in projections:
        keys[projection.event_key] = None
        for fact in projection.facts:
            candidate: CountedFact | None = fact
            while candidate is not None:
                if candidate.key is not None:
                    keys[candidate.key] = None
                candidate = candidate.fallback
    return list(keys)


def resolve(projections: Sequence[EventProjection], already_stored: set[str]) -> Resolution:
    """The new markers, facts to count and session changes of a batch, in order."""
    taken = set(already_stored)
    result = Resolution()
    for projection in projections:
        if projection.event_key in taken:
            continue
        taken.add(projection.event_key)
        result.markers.append(projection.event_key)
        result.events += 1
        if projection.session_change is not None:
            result.session_changes.append(projection.session_change)
        for fact in projection.facts:
            claimed = _claim(fact, taken, result.markers)
            if claimed is not None:
                result.counted.append(claimed)
    return result


def _claim(fact: CountedFact, taken: set[str], markers: list[str]) -> CountedFact | None:
    candidate: CountedFact | None = fact
    while candidate is not None:
        if candidate.key is None:
            return candidate
        if candidate.key not in taken:
            taken.add(candidate.key)
            markers.append(candidate.key)
            return candidate
        candidate = candidate.fallback
    return None
