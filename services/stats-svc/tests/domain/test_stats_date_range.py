"""Unit: the daily series' date range rules (the dates themselves come validated)."""

from datetime import date

import pytest
from stats_svc.domain.date_range import InvalidDateRange, parse_date_range

TODAY = date(2025, 3, 10)


def test_defaults_to_the_last_30_days():
    days = parse_date_range(None, None, TODAY)
    assert (days.start, days.end, days.days) == (date(2025, 2, 9), TODAY, 30)


def test_366_days_is_the_maximum():
    assert parse_date_range(date(2024, 1, 1), date(2024, 12, 31), TODAY).days == 366
    with pytest.raises(InvalidDateRange, match="366"):
        parse_date_range(date(2024, 1, 1), date(2025, 1, 1), TODAY)


def test_a_default_start_before_the_first_storable_day_is_refused_on_to():
    with pytest.raises(InvalidDateRange) as raised:
        parse_date_range(None, date(1, 1, 15), TODAY)
    assert raised.value.field == "to"
    assert parse_date_range(date(1, 1, 2), date(1, 1, 15), TODAY).days == 14


def test_from_after_to_names_from():
    with pytest.raises(InvalidDateRange) as raised:
        parse_date_range(date(2025, 3, 2), date(2025, 3, 1), TODAY)
    assert raised.value.field == "from"
