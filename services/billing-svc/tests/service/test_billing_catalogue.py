"""Unit: the plan catalogue on fakes (seed, list, create or change with announcements)."""

import pytest
from billing_svc.domain.plans import SEEDED_PLANS, Plan
from wagate_contracts import SubscriptionUpdated

pytestmark = pytest.mark.asyncio


async def test_seed_adds_missing_plans_and_keeps_an_admins_changes(fakes):
    changed = Plan("starter", "Starter", 2, 100, 20, 150_000, 1_500_000)
    fakes.plans.plans = {"starter": changed}
    await fakes.catalogue().seed()
    assert set(fakes.plans.plans) == {p.plan_id for p in SEEDED_PLANS}
    assert fakes.plans.plans["starter"] == changed


async def test_list_and_get_read_the_catalogue(fakes):
    catalogue = fakes.catalogue()
    listed = await catalogue.list()
    assert [p.max_sessions for p in listed] == sorted(p.max_sessions for p in listed)
    assert (await catalogue.get("pro")).max_sessions == 5
    assert await catalogue.get("nope") is None


async def test_put_says_whether_the_plan_is_new_and_publishes_nothing_without_subscribers(fakes):
    mega = Plan("mega", "Mega", 20, None, 1000)
    assert await fakes.catalogue().put(mega) is True
    assert await fakes.catalogue().put(mega) is False
    assert fakes.uow.published == []


async def test_changing_a_plan_announces_it_to_each_of_its_subscribers_only(fakes):
    fakes.subscribe("mo", "basic")
    fakes.subscribe("al", "basic")
    fakes.subscribe("zed", "pro")
    await fakes.catalogue().put(Plan("basic", "Basic", 4, 600, 60))
    events = fakes.uow.published
    assert all(isinstance(e, SubscriptionUpdated) for e in events)
    assert sorted(e.user_id for e in events) == ["al", "mo"]
    assert {(e.max_sessions, e.daily_limit_per_session, e.status) for e in events} == {
        (4, 600, "active")
    }
