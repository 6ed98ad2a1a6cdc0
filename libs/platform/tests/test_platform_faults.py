"""The one classification of outage faults, and the write that waits an outage out."""

import asyncio

import pytest
from aiormq.exceptions import ChannelInvalidStateError
from pymongo.errors import (
    AutoReconnect,
    DuplicateKeyError,
    NotPrimaryError,
    OperationFailure,
    ServerSelectionTimeoutError,
)
from wagate_platform.faults import (
    DatabaseUnavailable,
    Fault,
    classify,
    retry_through_outage,
)
from wagate_platform.outage_retry import ATTEMPT_HEADER, RetrySchedule


@pytest.mark.parametrize(
    ("exc", "fault"),
    [
        (ServerSelectionTimeoutError("no server"), Fault.DATABASE),
        (AutoReconnect("reset"), Fault.DATABASE),
        (NotPrimaryError("stepped down"), Fault.DATABASE),
        (OperationFailure("interrupted", code=11602), Fault.DATABASE),
        (DatabaseUnavailable("said so"), Fault.DATABASE),
        (ChannelInvalidStateError("closed"), Fault.BROKER),
        (ConnectionResetError(), Fault.BROKER),
        (TimeoutError(), Fault.DEPENDENCY),
        (DuplicateKeyError("dup"), None),
        (OperationFailure("bad query", code=2), None),
        (KeyError("bug"), None),
        (RuntimeError("Lock is not acquired."), None),
    ],
)
def test_each_failure_has_one_class(exc, fault):
    assert classify(exc) == fault


def _wrapped() -> None:
    try:
        raise AutoReconnect("down")
    except AutoReconnect as inner:
        raise RuntimeError("wrapped") from inner


def _bug_while_handling() -> None:
    try:
        raise AutoReconnect("down")
    except AutoReconnect:
        raise KeyError("a bug in the except block")  # noqa: B904


def test_an_explicit_cause_is_followed_but_an_implicit_context_is_not():
    with pytest.raises(RuntimeError) as wrapped:
        _wrapped()
    assert classify(wrapped.value) == Fault.DATABASE
    with pytest.raises(KeyError) as bug:
        _bug_while_handling()
    assert classify(bug.value) is None


@pytest.mark.asyncio
async def test_a_write_waits_out_transient_faults_but_not_a_bug():
    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls < 4:
            raise AutoReconnect("down")
        return "stored"

    assert await retry_through_outage(flaky, what="t", delays_s=(0.001,)) == "stored"
    assert calls == 4

    async def buggy() -> None:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        await retry_through_outage(buggy, what="t", delays_s=(0.001,))

    async def down() -> None:
        raise AutoReconnect("down for good")

    with pytest.raises(AutoReconnect):
        await asyncio.wait_for(
            retry_through_outage(down, what="t", budget_s=0.05, delays_s=(0.01,)), 5
        )


def test_the_schedule_backs_off_and_repeats_its_last_delay():
    schedule = RetrySchedule((1_000, 5_000, 30_000), budget_s=60)
    first = schedule.next_headers({"x-correlation-id": "c", "x-death": [1]}, now_ms=1_000)
    assert first == {
        "x-correlation-id": "c",
        ATTEMPT_HEADER: 1,
        "x-outage-since": 1_000,
        "wagate-retry-delay": "1000ms",
    }
    assert [schedule.delay_ms(n) for n in range(5)] == [1_000, 5_000, 30_000, 30_000, 30_000]
    late = schedule.next_headers({ATTEMPT_HEADER: 3, "x-outage-since": 0}, now_ms=61_000)
    assert late is None
