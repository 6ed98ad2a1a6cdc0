"""Unit: datetimes and dates a request may carry stay within what Python can hold."""

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import BaseModel, ValidationError
from wagate_contracts.dates import (
    EARLIEST,
    EARLIEST_DATE,
    LATEST,
    LATEST_DATE,
    StorableDate,
    StorableDatetime,
    storable_utc,
)


class At(BaseModel):
    at: StorableDatetime


class On(BaseModel):
    on: StorableDate


def test_the_range_keeps_a_day_of_margin_on_both_sides():
    assert EARLIEST - timedelta(days=1) == datetime(1, 1, 1, tzinfo=UTC)
    assert (LATEST + timedelta(days=1)).year == 9999
    assert (date(1, 1, 2), date(9999, 12, 30)) == (EARLIEST_DATE, LATEST_DATE)


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59:59-12:00",
        "9999-12-31T00:00:00Z",
        "0001-01-01T00:00:00+00:00",
        "0001-01-01T10:00:00+11:00",
        "2025-03-10T12:00:00",  # naive: refused, a request states its offset
        "tomorrow",
    ],
)
def test_datetimes_out_of_range_or_naive_are_validation_errors(value):
    with pytest.raises(ValidationError) as raised:
        At.model_validate({"at": value})
    assert raised.value.errors()[0]["loc"] == ("at",)


def test_datetimes_are_normalised_to_utc():
    assert At.model_validate({"at": "2025-03-10T19:00:00+07:00"}).at == datetime(
        2025, 3, 10, 12, tzinfo=UTC
    )
    edge = At.model_validate({"at": "9999-12-31T08:00:00+10:00"}).at
    assert edge == datetime(9999, 12, 30, 22, tzinfo=UTC)
    assert edge + timedelta(days=1) > edge


def test_storable_utc_takes_naive_values_as_utc():
    assert storable_utc(datetime(2025, 3, 10, 12)) == datetime(2025, 3, 10, 12, tzinfo=UTC)
    with pytest.raises(ValueError, match="between"):
        storable_utc(datetime(9999, 12, 31, 12))


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01",
        "9999-12-31",
        "2025-02-30",
        "2025-3-1",
        "20250301",
        "1741564800",
        1741564800,
        "2025-03-01T00:00:00",
        datetime(2025, 3, 1, tzinfo=UTC),
    ],
)
def test_dates_out_of_range_or_not_iso_are_validation_errors(value):
    with pytest.raises(ValidationError):
        On.model_validate({"on": value})


def test_iso_dates_in_range_are_accepted():
    assert On.model_validate({"on": "0001-01-02"}).on == date(1, 1, 2)
    assert On.model_validate({"on": date(2025, 3, 1)}).on == date(2025, 3, 1)
    assert On.model_validate({"on": "9999-12-30"}).on == LATEST_DATE
