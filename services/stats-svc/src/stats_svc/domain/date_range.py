"""The daily series' date range: ISO calendar dates, at most a year and a day."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

MAX_RANGE_DAYS: Final = 366
DEFAULT_RANGE_DAYS: Final = 30


class InvalidDateRange(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _parse(field: str, value: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidDateRange(field, f"{field} must be an ISO date (YYYY-MM-DD)") from exc


def parse_date_range(start: str | None, end: str | None, today: date) -> DateRange:
    """Both ends inclusive; ``to`` defaults to today, ``from`` to 30 days before ``to``."""
    end_day = _parse("to", end) if end is not None else today
    start_day = (
        _parse("from", start)
        if start is not None
        else end_day - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    )
    if start_day > end_day:
        raise InvalidDateRange("from", "from must not be after to")
    result = DateRange(start_day, end_day)
    if result.days > MAX_RANGE_DAYS:
        raise InvalidDateRange("to", f"the range may span at most {MAX_RANGE_DAYS} days")
    return result
