"""Calendar rules: the day a daily counter belongs to, in the configured timezone."""

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def known_timezone(name: str) -> str:
    """``name`` if it is an IANA timezone this system knows; ValueError otherwise."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {name!r}") from exc
    return name


def day_key(at: datetime, timezone: str) -> str:
    """The calendar day of ``at`` in ``timezone`` (``YYYY-MM-DD``): daily counters are
    keyed by it, so a new day starts from zero without any midnight job."""
    return at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d")
