"""Unit: ``subscription.updated`` built from a subscription and its plan."""

from datetime import timedelta

from billing_svc.domain.plans import Plan
from billing_svc.domain.subscriptions import Subscription
from billing_svc.service.subscription_events import subscription_updated

from .conftest import NOW


def test_the_event_carries_the_plan_limits_and_the_status_on_the_clock():
    plan = Plan("mega", "Mega", 20, None, 1000)
    subscription = Subscription("mo", "mega", "active", NOW - timedelta(days=1), NOW + timedelta(1))
    event = subscription_updated(subscription, plan, NOW)
    assert (event.user_id, event.plan_id, event.plan_name, event.status) == (
        "mo",
        "mega",
        "Mega",
        "active",
    )
    assert (event.max_sessions, event.daily_limit_per_session, event.rate_limit_per_minute) == (
        20,
        None,
        1000,
    )
    assert (event.starts_at, event.ends_at) == (subscription.starts_at, subscription.ends_at)
    assert subscription_updated(subscription, plan, NOW + timedelta(days=2)).status == "expired"
