"""Unit: billing's pure rules (status on the clock, quota, plan documents, errors)."""

from datetime import UTC, datetime, timedelta

import pytest
from billing_svc.domain.errors import UnknownPlan
from billing_svc.domain.plans import SEEDED_PLANS, Plan
from billing_svc.domain.subscriptions import Quota, Subscription, effective_status
from billing_svc.domain.usage import Usage
from wagate_platform.domain_errors import Invalid

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _subscription(status: str, ends_in: timedelta) -> Subscription:
    return Subscription("u", "pro", status, NOW - timedelta(days=1), NOW + ends_in)


@pytest.mark.parametrize(
    ("subscription", "status"),
    [
        (None, "none"),
        (_subscription("active", timedelta(seconds=1)), "active"),
        (_subscription("active", timedelta(0)), "expired"),
        (_subscription("canceled", timedelta(days=1)), "canceled"),
        (_subscription("expired", timedelta(days=1)), "expired"),
    ],
)
def test_the_status_is_read_off_the_clock(subscription, status):
    assert effective_status(subscription, NOW) == status


@pytest.mark.parametrize(
    ("quota", "remaining", "more"),
    [
        (Quota(max_sessions=3, sessions_used=1, active=True), 2, True),
        (Quota(max_sessions=3, sessions_used=3, active=True), 0, False),
        (Quota(max_sessions=1, sessions_used=3, active=True), 0, False),  # after a downgrade
        (Quota(max_sessions=3, sessions_used=0, active=False), 0, False),
    ],
)
def test_the_quota_left(quota, remaining, more):
    assert (quota.sessions_remaining, quota.can_create_more) == (remaining, more)


def test_a_plan_round_trips_through_its_document_and_defaults_the_currency():
    for plan in SEEDED_PLANS:
        assert Plan.from_dict(plan.as_dict()) == plan
    bare = {"plan_id": "x", "name": "X", "max_sessions": 1, "rate_limit_per_minute": 1}
    assert Plan.from_dict({**bare, "currency": None}) == Plan("x", "X", 1, None, 1)


def test_usage_knows_which_sessions_hold_a_slot():
    usage = Usage("u", 1, ("ses_a",))
    assert usage.holds("ses_a")
    assert not usage.holds("ses_b")
    assert Usage("u") == Usage("u", 0, ())


def test_an_unknown_plan_is_an_invalid_input_with_the_contract_code():
    error = UnknownPlan("nope")
    assert isinstance(error, Invalid)
    assert (error.error, error.message, error.data) == (
        "unknown_plan",
        "there is no plan 'nope'",
        {"plan_id": "nope"},
    )
