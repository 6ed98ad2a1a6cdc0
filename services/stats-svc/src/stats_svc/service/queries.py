"""The read side and the admin reset: what the REST entrypoint calls."""

from collections.abc import Callable
from datetime import date, datetime, tzinfo
from typing import Any, Protocol

from wagate_platform.mongo import Document

from stats_svc.domain.date_range import DateRange, parse_date_range
from stats_svc.domain.errors import SessionNotFound
from stats_svc.service.views import counters_view, day_view, reset_view, session_view

Clock = Callable[[], datetime]
"""Now, timezone-aware (UTC)."""


class StatsReader(Protocol):
    async def user_and_sessions(self, user_id: str) -> tuple[Document | None, list[Document]]: ...

    async def session(self, user_id: str, session_id: str) -> Document | None: ...

    async def days(self, user_id: str, days: DateRange) -> list[Document]: ...

    async def reset(self, user_id: str, by: str, at: datetime) -> None: ...


class StatsQueries:
    def __init__(self, repository: StatsReader, tz: tzinfo, tz_name: str, clock: Clock) -> None:
        self._repository = repository
        self._tz = tz
        self._tz_name = tz_name
        self._clock = clock

    async def user(self, user_id: str) -> dict[str, Any]:
        """A user's totals; all zero for a user nothing was counted for yet."""
        user, sessions = await self._repository.user_and_sessions(user_id)
        return {
            "user_id": user_id,
            **counters_view(user),
            "sessions": [session_view(doc) for doc in sessions],
            "last_reset": reset_view(user),
        }

    async def session(self, user_id: str, session_id: str) -> dict[str, Any]:
        """A session's totals; ``SessionNotFound`` for a session no event was seen for."""
        doc = await self._repository.session(user_id, session_id)
        if doc is None:
            raise SessionNotFound()
        return {"user_id": user_id, **session_view(doc)}

    async def daily(self, user_id: str, start: date | None, end: date | None) -> dict[str, Any]:
        """Days with activity in ``[from, to]`` (calendar days of the configured timezone)."""
        days = parse_date_range(start, end, self._clock().astimezone(self._tz).date())
        docs = await self._repository.days(user_id, days)
        return {
            "user_id": user_id,
            "from": days.start.isoformat(),
            "to": days.end.isoformat(),
            "timezone": self._tz_name,
            "days": [day_view(doc) for doc in docs],
        }

    async def reset(self, user_id: str, by: str) -> dict[str, Any]:
        now = self._clock()
        at = now.replace(microsecond=now.microsecond // 1000 * 1000)  # as MongoDB stores it
        await self._repository.reset(user_id, by, at)
        return {"user_id": user_id, "reset": True, "reset_by": by, "reset_at": at}
