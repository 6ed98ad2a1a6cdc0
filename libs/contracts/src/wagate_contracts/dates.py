"""Datetimes and calendar dates a request may carry: what Python and MongoDB can hold.

Python's ``datetime`` spans the years 1 to 9999, and a value near either end breaks
later: ``9999-12-31T23:59:59-12:00`` is in the year 10000 once normalised to UTC, and
``0001-01-01`` has no day before it for a window or a sweep to subtract. These types
normalise to UTC and keep one day of margin at both ends (``EARLIEST``..``LATEST``),
so storing the value (BSON dates, millisecond precision), normalising it and adding or
subtracting a day are always safe; anything else is a validation error (422), never an
``OverflowError`` (500).
"""

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Final

from pydantic import AfterValidator, AwareDatetime, BeforeValidator

EARLIEST: Final = datetime(1, 1, 1, tzinfo=UTC) + timedelta(days=1)
LATEST: Final = datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC) - timedelta(days=1)
EARLIEST_DATE: Final = EARLIEST.date()
LATEST_DATE: Final = LATEST.date()
_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_RANGE: Final = f"between {EARLIEST.isoformat()} and {LATEST.isoformat()}"


def storable_utc(value: datetime) -> datetime:
    """``value`` in UTC (a naive value is taken as UTC); ValueError outside the range."""
    try:
        utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except OverflowError as exc:
        raise ValueError(f"the time must lie {_RANGE} once in UTC") from exc
    if not EARLIEST <= utc <= LATEST:
        raise ValueError(f"the time must lie {_RANGE} once in UTC")
    return utc


def _iso_date_only(value: object) -> object:
    """A calendar date is written ``YYYY-MM-DD`` (no timestamps, no datetimes)."""
    if isinstance(value, datetime) or not isinstance(value, str | date):
        raise ValueError("must be an ISO date (YYYY-MM-DD)")
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("must be an ISO date (YYYY-MM-DD)")
    return value


def storable_date(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(
            f"the date must lie between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}"
        )
    return value


StorableDatetime = Annotated[AwareDatetime, AfterValidator(storable_utc)]
"""A timezone-aware datetime, normalised to UTC, within ``EARLIEST``..``LATEST``."""

StorableDate = Annotated[date, BeforeValidator(_iso_date_only), AfterValidator(storable_date)]
"""A calendar date written ``YYYY-MM-DD``, within ``EARLIEST_DATE``..``LATEST_DATE``."""
