"""Unit (fake collection): a counter upsert that lost a race is counted again, not a 500."""

from typing import Any

import pytest
from pymongo.errors import DuplicateKeyError
from session_svc.adapters.rate_limiter import RateLimiter


class RacingCounters:
    """Answers the given outcomes in turn: None (a lost upsert race), an error, a document."""

    def __init__(self, *outcomes: Any) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    async def find_one_and_update(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def limiter(counters: RacingCounters) -> RateLimiter:
    return RateLimiter({"rate_limits": counters}, limit=3, window_s=60)  # type: ignore[arg-type]


@pytest.mark.asyncio
async def test_a_lost_upsert_race_is_counted_again():
    counters = RacingCounters(None, DuplicateKeyError("dup"), {"count": 2})
    verdict = await limiter(counters).hit("create:u1")
    assert verdict.allowed
    assert counters.calls == 3


@pytest.mark.asyncio
async def test_a_counter_that_never_settles_raises():
    counters = RacingCounters(*([None] * 5))
    with pytest.raises(RuntimeError, match="kept conflicting"):
        await limiter(counters).hit("create:u1")
