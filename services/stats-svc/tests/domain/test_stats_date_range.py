"""Unit: the daily series' date range rules."""

from datetime import date

import pytest
from stats_svc.domain.date_range import InvalidDateRange, parse_date_range

TODAY = date(2025, 3, 10)


def test_defaults_to_the_last_30_days():
    days = parse_date_range(None, None, TODAY)
    assert (days.start, days.end, days.days) == (date(2025, 2, 9), TODAY, 30)


def test_366_days_is_the_maximum():
    assert parse_date_range("2024-01-01", "2024-12-31", TODAY).days == 366
    with pytest.raises(InvalidDateRange, match="366"):
        parse_date_range("2024-01-01", "2025-01-01", TODAY)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2025-02-30", None, "from"),
        ("2025-3-1", None, "from"),
        (None, "tomorrow", "to"),
        ("2025-03-02", "2025-03-01", "from"),
    ],
)
def test_invalid_ranges_name_the_field(start, end, field):
    with pytest.raises(InvalidDateRange) as raised:
        parse_date_range(start, end, TODAY)
    assert raised.value.field == field
