"""Sessions on fakes: reading, renaming, limits, the default, deleting."""

import pytest
from session_svc.domain.errors import DailyLimitExceedsPlan, SessionNameTaken, SessionNotFound
from session_svc.service.sessions import UNSET, Sessions
from session_svc_fakes import World
from wagate_platform.auth import Principal
from wagate_providers.base import ProviderError

pytestmark = pytest.mark.asyncio
ANN = Principal(user_id="ann", role="customer")


def _sessions(w: World, timezone: str = "UTC") -> Sessions:
    return Sessions(
        w.sessions, w.groups, w.plans, w.counts, w.audit, w.uow, w.provider, timezone, w.clock
    )


async def test_another_users_session_is_not_found(world: World):
    world.store("bob", "ses_b")
    with pytest.raises(SessionNotFound):
        await _sessions(world).get("ann", "ses_b")


async def test_overview_summarises_the_plan(world: World):
    world.plan("ann", max_sessions=3)
    world.store("ann", "ses_a")
    docs, summary, plan = await _sessions(world).overview("ann")
    assert [d.id for d in docs] == ["ses_a"]
    assert (summary.sessions_used, summary.sessions_remaining) == (1, 2)
    assert plan is not None
    assert plan.max_sessions == 3


async def test_sent_today_counts_the_configured_calendar_day(world: World):
    world.counts.sent[("ses_a", "2026-01-05")] = 4
    world.counts.sent[("ses_a", "2026-01-06")] = 9
    assert await _sessions(world).sent_today(["ses_a", "ses_x"]) == {"ses_a": 4, "ses_x": 0}
    world.now = world.now.replace(hour=23)
    assert await _sessions(world, "Asia/Jakarta").sent_today(["ses_a"]) == {"ses_a": 9}


async def test_rename_and_limit_are_written_audited_and_announced(world: World):
    world.plan("ann", daily_cap=100)
    world.store("ann", "ses_a")
    doc = await _sessions(world).update(ANN, "ses_a", "new", 50)
    assert (doc.name, doc.daily_limit, doc.updated_at) == ("new", 50, world.now)
    assert world.uow.types() == ["SessionUpdated"]
    assert world.audit.entries[0]["details"] == {"fields": ["daily_limit", "name"]}


async def test_rename_to_a_taken_name_is_refused(world: World):
    world.store("ann", "ses_a", name="a")
    world.store("ann", "ses_b", name="b")
    with pytest.raises(SessionNameTaken):
        await _sessions(world).update(ANN, "ses_a", "b")


async def test_limit_above_the_plan_is_refused_and_unset_leaves_it(world: World):
    world.plan("ann", daily_cap=10)
    world.store("ann", "ses_a", daily_limit=5)
    with pytest.raises(DailyLimitExceedsPlan):
        await _sessions(world).update(ANN, "ses_a", None, 11)
    doc = await _sessions(world).update(ANN, "ses_a", "x", UNSET)
    assert doc.daily_limit == 5


async def test_make_default_announces_both_changed_sessions(world: World):
    world.store("ann", "ses_a", is_default=True)
    world.store("ann", "ses_b")
    doc = await _sessions(world).make_default(ANN, "ses_b")
    assert doc.is_default is True
    assert [e.session_id for e in world.uow.published] == ["ses_a", "ses_b"]


async def test_delete_many_promotes_a_new_default_and_forgets_at_the_provider(world: World):
    world.store("ann", "ses_a", is_default=True)
    world.store("ann", "ses_b")
    world.provider.failures["delete"] = ProviderError("transient", "down", "down")
    deleted, missing = await _sessions(world).delete_many(ANN, ["ses_a", "ses_zz", "ses_a"])
    assert (deleted, missing) == (["ses_a"], ["ses_zz"])
    assert world.sessions.docs["ses_b"]["is_default"] is True
    assert world.uow.types() == ["SessionDeleted", "SessionUpdated"]
    assert world.provider.calls == [("delete", "ses_a")]  # its failure is only logged


async def test_delete_of_nothing_is_not_found(world: World):
    with pytest.raises(SessionNotFound):
        await _sessions(world).delete(ANN, "ses_none")
    assert world.uow.published == []
