"""Unit: the projection use case against a fake store (no MongoDB, no broker)."""

from datetime import UTC

import pytest
from stats_svc.domain.dedupe import ConcurrentProjection, Resolution
from stats_svc.service.projector import MAX_ATTEMPTS, Projector

pytestmark = pytest.mark.asyncio


class FakeStore:
    def __init__(self, stored: set[str] | None = None, conflicts: int = 0) -> None:
        self.stored = set(stored or ())
        self.conflicts = conflicts
        self.commits: list[Resolution] = []
        self.lookups = 0

    async def stored_markers(self, keys):
        self.lookups += 1
        return {key for key in keys if key in self.stored}

    async def commit(self, resolution: Resolution) -> None:
        if self.conflicts:
            self.conflicts -= 1
            raise ConcurrentProjection("someone else stored a marker")
        self.commits.append(resolution)
        self.stored.update(resolution.markers)


async def test_a_batch_is_committed_once_with_its_new_facts(events):
    store = FakeStore()
    counted = await Projector(store, UTC).project(
        [events.sent("u", "m1", "s"), events.failed("u", "m2", "s")]
    )
    assert sorted(f.counter for f in counted.counted) == ["failed", "sent"]
    assert [len(r.markers) > 0 for r in store.commits] == [True]
    assert store.lookups == 1


async def test_a_replayed_batch_commits_nothing(events):
    store = FakeStore()
    batch = [events.sent("u", "m1", "s")]
    await Projector(store, UTC).project(batch)
    again = await Projector(store, UTC).project(batch)
    assert again.empty
    assert again.events == 0
    assert len(store.commits) == 1


async def test_a_concurrent_projection_is_resolved_again_then_committed(events):
    store = FakeStore(conflicts=2)
    counted = await Projector(store, UTC).project([events.sent("u", "m1", "s")])
    assert [f.counter for f in counted.counted] == ["sent"]
    assert store.lookups == 3
    assert len(store.commits) == 1


async def test_conflicts_past_the_attempt_limit_are_raised(events):
    store = FakeStore(conflicts=MAX_ATTEMPTS)
    with pytest.raises(ConcurrentProjection):
        await Projector(store, UTC).project([events.sent("u", "m1", "s")])
    assert store.commits == []
