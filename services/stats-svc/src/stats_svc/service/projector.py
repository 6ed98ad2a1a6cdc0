"""The projection use case: a batch of events becomes exact counters in one transaction."""

import time
from collections.abc import Sequence
from datetime import tzinfo
from typing import Final, Protocol

from wagate_contracts.envelope import Event
from wagate_platform.logging import get_logger

from stats_svc.domain.dedupe import ConcurrentProjection, Resolution, keys_to_check, resolve
from stats_svc.domain.projection import project_event
from stats_svc.service.metrics import DUPLICATES, FLUSH_SECONDS, FLUSH_SIZE, MESSAGES

log = get_logger(__name__)
MAX_ATTEMPTS: Final = 5


class ProjectionWriter(Protocol):
    async def stored_markers(self, keys: Sequence[str]) -> set[str]: ...

    async def commit(self, resolution: Resolution) -> None: ...


class Projector:
    def __init__(self, store: ProjectionWriter, tz: tzinfo) -> None:
        self._store = store
        self._tz = tz

    async def project(self, events: Sequence[Event]) -> Resolution:
        """Count what is new in ``events``; returns what was counted."""
        started = time.perf_counter()
        projections = [project_event(event, self._tz) for event in events]
        keys = keys_to_check(projections)
        resolution = Resolution()
        for attempt in range(1, MAX_ATTEMPTS + 1):
            resolution = resolve(projections, await self._store.stored_markers(keys))
            if resolution.empty:
                break
            try:
                await self._store.commit(resolution)
                break
            except ConcurrentProjection as exc:
                if attempt == MAX_ATTEMPTS:
                    raise
                log.info("stats_flush_conflict", attempt=attempt, error=str(exc)[:200])
        FLUSH_SIZE.observe(len(events))
        FLUSH_SECONDS.observe(time.perf_counter() - started)
        DUPLICATES.inc(len(events) - resolution.events)
        for fact in resolution.counted:
            MESSAGES.labels(fact.counter, fact.provider).inc()
        return resolution
