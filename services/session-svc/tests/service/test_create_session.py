"""CreateSession on fakes: rate limit, plan checks, billing's verdict, the write."""

import pytest
from session_svc.adapters.rate_limiter import Verdict
from session_svc.domain.errors import (
    CreationRateLimited,
    DailyLimitExceedsPlan,
    NoBillingAnswer,
    SessionLimitReached,
    SessionNameTaken,
    SubscriptionInactive,
)
from session_svc.service.create_session import CreateSession
from session_svc_fakes import World
from wagate_contracts import SubscriptionChecked
from wagate_platform.auth import Principal

pytestmark = pytest.mark.asyncio
ANN = Principal(user_id="ann", role="customer")


def _create(w: World) -> CreateSession:
    return CreateSession(
        w.sessions, w.plans, w.audit, w.uow, w.billing, w.limiter, "sandbox", w.clock
    )


def _allowed(w: World) -> None:
    w.billing.answer = SubscriptionChecked(
        producer="billing-svc", user_id="ann", request_id="req_1", allowed=True
    )


async def test_first_session_is_the_default_and_is_announced(world: World):
    _allowed(world)
    doc = await _create(world)(ANN, "main", False, None)
    assert doc.is_default is True
    assert doc.name == "main"
    assert doc.status == "created"
    assert doc.provider == "sandbox"
    assert doc.created_at == world.now
    assert world.uow.types() == ["SessionCreated"]
    assert world.audit.actions() == [("create", "success")]
    assert world.limiter.keys == ["create:ann"]


async def test_a_new_default_takes_over_from_the_old_one(world: World):
    _allowed(world)
    world.store("ann", "ses_old", is_default=True)
    doc = await _create(world)(ANN, None, True, None)
    assert doc.is_default is True
    assert world.sessions.docs["ses_old"]["is_default"] is False
    assert world.uow.types() == ["SessionCreated", "SessionUpdated"]


async def test_rate_limited_before_anything_else(world: World):
    world.limiter.verdict = Verdict(False, 7)
    with pytest.raises(CreationRateLimited) as caught:
        await _create(world)(ANN, None, False, None)
    assert caught.value.retry_after_s == 7
    assert caught.value.error == "rate_limited"
    assert world.billing.reserved == []


async def test_daily_limit_above_the_plan_is_refused_before_billing(world: World):
    world.plan("ann", daily_cap=100)
    with pytest.raises(DailyLimitExceedsPlan) as caught:
        await _create(world)(ANN, None, False, 101)
    assert caught.value.data == {"daily_limit": 101, "plan_daily_limit": 100}
    assert world.billing.reserved == []


async def test_a_taken_name_is_refused_before_billing(world: World):
    world.store("ann", "ses_1", name="main")
    with pytest.raises(SessionNameTaken) as caught:
        await _create(world)(ANN, "main", False, None)
    assert caught.value.data == {"name": "main"}
    assert world.billing.reserved == []


async def test_billing_silent_releases_the_slot_and_audits(world: World):
    with pytest.raises(NoBillingAnswer) as caught:
        await _create(world)(ANN, None, False, None)
    assert caught.value.error == "billing_unavailable"
    assert [e.action for e in world.uow.published] == ["release"]
    assert [e.action for e in world.uow.stored] == ["release"]
    assert world.audit.actions() == [("create", "error")]
    assert world.sessions.docs == {}


async def test_limit_reached_carries_the_plan(world: World):
    world.billing.answer = SubscriptionChecked(
        producer="billing-svc",
        user_id="ann",
        request_id="req_1",
        allowed=False,
        reason="session_limit_reached",
        plan_name="Basic",
        max_sessions=1,
        sessions_used=1,
    )
    with pytest.raises(SessionLimitReached) as caught:
        await _create(world)(ANN, None, False, None)
    assert caught.value.error == "session_limit_reached"
    assert caught.value.data == {
        "plan_name": "Basic",
        "max_sessions": 1,
        "sessions_used": 1,
        "ends_at": None,
    }
    assert world.audit.actions() == [("create", "denied")]


async def test_other_denials_are_an_inactive_subscription(world: World):
    world.billing.answer = SubscriptionChecked(
        producer="billing-svc",
        user_id="ann",
        request_id="req_1",
        allowed=False,
        reason="subscription_inactive",
    )
    with pytest.raises(SubscriptionInactive):
        await _create(world)(ANN, None, False, None)


async def test_a_failed_write_gives_the_slot_back(world: World):
    _allowed(world)

    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("disk full")

    world.sessions.insert = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        await _create(world)(ANN, None, False, None)
    assert [e.action for e in world.uow.published] == ["release"]
