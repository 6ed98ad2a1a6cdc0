"""Unit: the read side and the reset against a fake repository and a fixed clock."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from stats_svc.domain.errors import InvalidDateRange, SessionNotFound
from stats_svc.service.queries import StatsQueries

pytestmark = pytest.mark.asyncio
NOW = datetime(2025, 3, 10, 23, 30, 0, 123456, tzinfo=UTC)


class FakeRepository:
    def __init__(self) -> None:
        self.user_doc = None
        self.session_docs: list[dict] = []
        self.day_docs: list[dict] = []
        self.asked_days = None
        self.resets: list[tuple[str, str, datetime]] = []

    async def user_and_sessions(self, user_id):
        return self.user_doc, self.session_docs

    async def session(self, user_id, session_id):
        found = [d for d in self.session_docs if d["session_id"] == session_id]
        return found[0] if found else None

    async def days(self, user_id, days):
        self.asked_days = days
        return self.day_docs

    async def reset(self, user_id, by, at):
        self.resets.append((user_id, by, at))


def _queries(repository: FakeRepository, tz_name: str = "UTC") -> StatsQueries:
    return StatsQueries(repository, ZoneInfo(tz_name), tz_name, lambda: NOW)


async def test_a_user_nothing_was_counted_for_has_zero_totals():
    view = await _queries(FakeRepository()).user("u1")
    assert view["user_id"] == "u1"
    assert view["sent"] == 0
    assert view["success_rate"] == 0
    assert view["sessions"] == []
    assert view["last_reset"] is None


async def test_a_session_no_event_was_seen_for_is_not_found():
    with pytest.raises(SessionNotFound) as raised:
        await _queries(FakeRepository()).session("u1", "s-unknown")
    assert raised.value.message == "session not found"


async def test_a_known_session_is_shown_with_its_counters():
    repository = FakeRepository()
    repository.session_docs = [{"session_id": "s1", "c": {"sent": 3, "failed": 1}}]
    view = await _queries(repository).session("u1", "s1")
    assert (view["user_id"], view["session_id"], view["sent"]) == ("u1", "s1", 3)
    assert view["success_rate"] == 75


async def test_the_default_range_ends_today_in_the_configured_timezone():
    repository = FakeRepository()
    view = await _queries(repository, "Asia/Jakarta").daily("u1", None, None)
    assert view["to"] == "2025-03-11"  # 23:30 UTC is already the 11th in Jakarta
    assert view["timezone"] == "Asia/Jakarta"
    assert repository.asked_days.days == 30


async def test_a_reversed_range_is_invalid_and_names_the_query_parameter():
    with pytest.raises(InvalidDateRange) as raised:
        await _queries(FakeRepository()).daily("u1", date(2025, 3, 2), date(2025, 3, 1))
    assert raised.value.data == {
        "errors": [{"loc": ["query", "from"], "message": "from must not be after to"}]
    }


async def test_a_reset_is_recorded_at_millisecond_precision():
    repository = FakeRepository()
    answer = await _queries(repository).reset("u1", by="admin-1")
    at = NOW.replace(microsecond=123000)
    assert repository.resets == [("u1", "admin-1", at)]
    assert answer == {"user_id": "u1", "reset": True, "reset_by": "admin-1", "reset_at": at}
