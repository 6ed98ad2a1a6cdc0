"""Unit: the quota authority (reserve, ask, release, broadcast) on fakes."""

import uuid
from datetime import timedelta

import pytest
from wagate_contracts import DenialReason, SubscriptionCheck

pytestmark = pytest.mark.asyncio


def _check(
    user: str, session_id: str | None, action: str = "reserve", request_id: str = ""
) -> SubscriptionCheck:
    return SubscriptionCheck(
        producer="test",
        user_id=user,
        request_id=request_id or uuid.uuid4().hex,
        action=action,
        session_id=session_id,
    )


async def test_a_reserve_takes_a_slot_once_per_session_and_refuses_past_the_limit(fakes):
    subscription = fakes.subscribe("q1", "free")
    quota = fakes.quota()
    first = await quota.answer(_check("q1", "ses_a"))
    again = await quota.answer(_check("q1", "ses_a"))
    other = await quota.answer(_check("q1", "ses_b"))
    assert (first.allowed, first.sessions_used, first.plan_name, first.plan_id) == (
        True,
        1,
        "Free",
        "free",
    )
    assert (first.max_sessions, first.ends_at, first.reason) == (1, subscription.ends_at, None)
    assert (again.allowed, again.sessions_used) == (True, 1)
    assert (other.allowed, other.reason, other.max_sessions) == (
        False,
        DenialReason.SESSION_LIMIT_REACHED,
        1,
    )
    assert fakes.broadcast.published == [first, again, other]


async def test_without_an_active_subscription_the_answer_is_inactive(fakes):
    quota = fakes.quota()
    nobody = await quota.answer(_check("nobody", "ses_x"))
    assert (nobody.allowed, nobody.reason, nobody.plan_id, nobody.max_sessions) == (
        False,
        DenialReason.SUBSCRIPTION_INACTIVE,
        None,
        0,
    )
    fakes.subscribe("lapsing", "pro", days=1)
    fakes.now += timedelta(days=2)
    lapsed = await quota.answer(_check("lapsing", "ses_y"))
    assert (lapsed.allowed, lapsed.reason) == (False, DenialReason.SUBSCRIPTION_INACTIVE)
    assert (await fakes.usage.get("lapsing")).sessions_used == 0


async def test_a_question_without_a_session_reserves_nothing(fakes):
    fakes.subscribe("asker", "basic")
    quota = fakes.quota()
    answer = await quota.answer(_check("asker", None))
    assert (answer.allowed, answer.sessions_used) == (True, 0)
    for n in range(3):
        await quota.answer(_check("asker", f"ses_{n}"))
    full = await quota.answer(_check("asker", None))
    assert (full.allowed, full.reason, full.sessions_used) == (
        False,
        DenialReason.SESSION_LIMIT_REACHED,
        3,
    )


async def test_a_release_frees_the_slot_and_releasing_twice_is_a_no_op(fakes):
    fakes.subscribe("q2", "free")
    quota = fakes.quota()
    await quota.answer(_check("q2", "ses_a"))
    released = await quota.answer(_check("q2", "ses_a", action="release"))
    assert (released.allowed, released.sessions_used, released.action) == (True, 0, "release")
    assert (await quota.release("q2", "ses_a")).sessions_used == 0
    assert (await quota.release("q2", None)).sessions_used == 0
    assert (await quota.answer(_check("q2", "ses_b"))).allowed is True


async def test_a_downgrade_keeps_the_slots_held_and_refuses_new_ones(fakes):
    fakes.subscribe("down", "basic")
    quota = fakes.quota()
    for n in range(3):
        await quota.answer(_check("down", f"ses_{n}"))
    fakes.subscribe("down", "free")
    held = await quota.answer(_check("down", "ses_0"))
    new = await quota.answer(_check("down", "ses_new"))
    assert (held.allowed, held.sessions_used) == (True, 3)
    assert (new.allowed, new.reason) == (False, DenialReason.SESSION_LIMIT_REACHED)


async def test_a_redelivered_request_yields_the_same_answer_event_broadcast_once(fakes):
    fakes.subscribe("q3", "pro")
    quota = fakes.quota()
    first = await quota.answer(_check("q3", "ses_a", request_id="req-1"))
    again = await quota.answer(_check("q3", "ses_a", request_id="req-1"))
    release = await quota.answer(_check("q3", "ses_a", action="release", request_id="req-1"))
    assert first.event_id == again.event_id != release.event_id
    assert [e.event_id for e in fakes.broadcast.published] == [first.event_id, release.event_id]
