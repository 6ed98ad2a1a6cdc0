"""Unit: assigning, reading and expiring subscriptions on fakes."""

from datetime import timedelta

import pytest
from billing_svc.domain.errors import UnknownPlan
from wagate_contracts import SubscriptionUpdated

pytestmark = pytest.mark.asyncio


async def test_assigning_an_unknown_plan_raises_and_changes_nothing(fakes):
    with pytest.raises(UnknownPlan) as raised:
        await fakes.subscription_service().assign(
            "tom", "nope", fakes.now, fakes.now + timedelta(days=1), "active"
        )
    assert (raised.value.error, raised.value.data) == ("unknown_plan", {"plan_id": "nope"})
    assert raised.value.message == "there is no plan 'nope'"
    assert fakes.subscriptions.subscriptions == {}
    assert fakes.uow.published == []


async def test_assigning_stores_announces_and_answers_the_view(fakes):
    ends = fakes.now + timedelta(days=1)
    view = await fakes.subscription_service().assign("sue", "pro", fakes.now, ends, "active")
    assert (view.status, view.plan.plan_id, view.ends_at) == ("active", "pro", ends)
    assert (view.quota.max_sessions, view.quota.sessions_remaining) == (5, 5)
    (event,) = fakes.uow.published
    assert isinstance(event, SubscriptionUpdated)
    assert (event.user_id, event.status, event.max_sessions, event.rate_limit_per_minute) == (
        "sue",
        "active",
        5,
        120,
    )


async def test_a_subscription_without_a_start_starts_now(fakes):
    ends = fakes.now + timedelta(days=1)
    view = await fakes.subscription_service().assign("ann", "basic", None, ends, "active")
    assert view.starts_at == fakes.now
    assert fakes.subscriptions.subscriptions["ann"].starts_at == fakes.now


async def test_the_view_of_nobody_is_none_with_no_quota(fakes):
    view = await fakes.subscription_service().view("nobody")
    assert (view.status, view.plan, view.starts_at, view.ends_at) == ("none", None, None, None)
    assert (view.quota.max_sessions, view.quota.can_create_more) == (0, False)


async def test_the_view_counts_used_slots_and_reads_expiry_off_the_clock(fakes):
    fakes.subscribe("val", "basic", days=1)
    await fakes.usage.reserve("val", "ses_1", 3)
    service = fakes.subscription_service()
    view = await service.view("val")
    assert (view.status, view.quota.sessions_used, view.quota.sessions_remaining) == (
        "active",
        1,
        2,
    )
    fakes.now += timedelta(days=2)
    lapsed = await service.view("val")
    assert (lapsed.status, lapsed.quota.can_create_more) == ("expired", False)


async def test_the_sweep_expires_lapsed_subscriptions_once_and_announces_them(fakes):
    fakes.subscribe("val", "basic", days=1)
    fakes.subscribe("kim", "pro", days=10)
    fakes.now += timedelta(days=2)
    service = fakes.subscription_service()
    assert await service.expire_lapsed() == 1
    assert fakes.subscriptions.subscriptions["val"].status == "expired"
    assert fakes.subscriptions.subscriptions["kim"].status == "active"
    (event,) = fakes.uow.published
    assert (event.user_id, event.status, event.plan_id) == ("val", "expired", "basic")
    assert await service.expire_lapsed() == 0
    assert len(fakes.uow.published) == 1


async def test_the_sweep_expires_a_subscription_whose_plan_is_gone_without_announcing(fakes):
    fakes.subscribe("old", "retired", days=1)
    fakes.now += timedelta(days=2)
    assert await fakes.subscription_service().expire_lapsed() == 1
    assert fakes.subscriptions.subscriptions["old"].status == "expired"
    assert fakes.uow.published == []
