"""The daily series' date range: calendar dates, at most a year and a day.

The dates come validated (``wagate_contracts.dates.StorableDate``: ``YYYY-MM-DD`` within
the years Python can hold); a ``to`` whose default ``from`` (29 days before it) would fall
outside that range is refused, not clamped.
"""

from dataclasses import dataclass
from datetime import date
from typing import Final

from wagate_contracts.dates import EARLIEST_DATE

from stats_svc.domain.errors import InvalidDateRange

__all__ = [
    "DEFAULT_RANGE_DAYS",
    "MAX_RANGE_DAYS",
    "DateRange",
    "InvalidDateRange",
    "parse_date_range",
]

MAX_RANGE_DAYS: Final = 366
DEFAULT_RANGE_DAYS: Final = 30


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def parse_date_range(start: date | None, end: date | None, today: date) -> DateRange:
    """Both ends inclusive; ``to`` defaults to today, ``from`` to 30 days before ``to``."""
    end_day = end if end is not None else today
    if start is not None:
        start_day = start
    else:
        first = end_day.toordinal() - (DEFAULT_RANGE_DAYS - 1)
        if first < EARLIEST_DATE.toordinal():
            raise InvalidDateRange("to", "to is too early for a default range: give from too")
        start_day = date.fromordinal(first)
    if start_day > end_day:
        raise InvalidDateRange("from", "from must not be after to")
    result = DateRange(start_day, end_day)
    if result.days > MAX_RANGE_DAYS:
        raise InvalidDateRange("to", f"the range may span at most {MAX_RANGE_DAYS} days")
    return result
