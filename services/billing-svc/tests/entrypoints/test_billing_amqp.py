"""Integration: the quota RPC (``subscription.check``) over the real broker."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from wagate_contracts import SessionDeleted, SubscriptionCheck
from wagate_testing.apps import runtime_of
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def _ask(billing, user: str, session_id: str | None, action: str = "reserve") -> dict:
    runtime = runtime_of(billing.app)
    check = SubscriptionCheck(
        producer="test",
        user_id=user,
        request_id=uuid.uuid4().hex,
        action=action,
        session_id=session_id,
    )
    reply = await runtime.broker.request(
        check.model_dump(mode="json"),
        exchange=runtime.topology.events_exchange,
        routing_key="subscription.check",
        timeout=10,
    )
    return json.loads(reply.body)


async def test_reserve_is_atomic_idempotent_released_and_broadcast(billing):
    ends = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    await billing.api.put(
        "/v1/users/q1/subscription",
        json={"plan_id": "free", "ends_at": ends},
        headers=billing.admin,
    )

    first = await _ask(billing, "q1", "ses_a")
    again = await _ask(billing, "q1", "ses_a")
    other = await _ask(billing, "q1", "ses_b")
    assert (first["allowed"], first["sessions_used"], first["plan_name"]) == (True, 1, "Free")
    assert (again["allowed"], again["sessions_used"]) == (True, 1)
    assert (other["allowed"], other["reason"], other["max_sessions"]) == (
        False,
        "session_limit_reached",
        1,
    )
    broadcast = await billing.tap.next(
        "subscription.checked", lambda b: b["request_id"] == other["request_id"]
    )
    assert broadcast["allowed"] is False

    released = await _ask(billing, "q1", "ses_a", action="release")
    assert released["sessions_used"] == 0
    assert (await _ask(billing, "q1", "ses_b"))["allowed"] is True

    await runtime_of(billing.app).publisher.publish(
        SessionDeleted(producer="session-svc", user_id="q1", session_id="ses_b")
    )

    async def freed() -> bool:
        body = (await billing.api.get("/v1/subscription", headers=billing.auth("q1"))).json()
        return body["sessions_used"] == 0

    await eventually(freed, what="session.deleted to release the slot")


async def test_no_subscription_is_inactive(billing):
    answer = await _ask(billing, "nobody", "ses_x")
    assert (answer["allowed"], answer["reason"]) == (False, "subscription_inactive")
