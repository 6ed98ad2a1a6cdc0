"""Calendar rules: day keys for daily limits and the per-minute rate-limit window."""

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def now() -> datetime:
    return datetime.now(UTC)


def now_ms() -> datetime:
    """Now, at the millisecond precision MongoDB stores (so a stored time reads back equal)."""
    at = now()
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def day_key(at: datetime, timezone: str) -> str:
    """The calendar day of ``at`` in ``timezone``: daily counters are keyed by it."""
    return at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d")


def minute_window(at: datetime) -> int:
    """The fixed one-minute window ``at`` falls in (minutes since the epoch)."""
    return int(at.timestamp() // 60)


def seconds_to_next_window(at: datetime) -> float:
    return (minute_window(at) + 1) * 60 - at.timestamp()


def retry_after_header(seconds: float) -> int:
    return max(1, math.ceil(seconds))
