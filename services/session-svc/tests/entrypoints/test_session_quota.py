"""Integration: session creation against billing's quota, over the real broker."""

import asyncio
from datetime import timedelta

import aio_pika
import pytest
from wagate_contracts import Queue, RoutingKey
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_twenty_parallel_creates_on_a_three_session_plan_create_exactly_three(
    stack_factory,
):
    async with stack_factory(session_create_rate_limit=100) as stack:
        await stack.subscribe("crowd", "basic")
        answers = await asyncio.gather(*(stack.create("crowd") for _ in range(20)))

        codes = sorted(a.status_code for a in answers)
        assert codes == [201] * 3 + [403] * 17
        assert {a.json()["error"] for a in answers if a.status_code == 403} == {
            "session_limit_reached"
        }
        listing = (await stack.api.get("/v1/sessions", headers=stack.auth("crowd"))).json()
        assert len(listing["sessions"]) == 3
        assert sum(s["is_default"] for s in listing["sessions"]) == 1
        usage = (await stack.billing.get("/v1/subscription", headers=stack.auth("crowd"))).json()
        assert (usage["sessions_used"], usage["can_create_more"]) == (3, False)


async def test_limit_reached_answers_the_exact_403_body(stack):
    await stack.subscribe("solo", "free")
    assert (await stack.create("solo", name="one")).status_code == 201
    denied = await stack.create("solo", name="two")

    plan = (await stack.billing.get("/v1/subscription", headers=stack.auth("solo"))).json()
    assert denied.status_code == 403
    assert denied.json() == {
        "status": 403,
        "error": "session_limit_reached",
        "message": "your plan allows 1 session(s) and all are in use",
        "data": {
            "plan_name": "Free",
            "max_sessions": 1,
            "sessions_used": 1,
            "ends_at": plan["ends_at"].replace("Z", "+00:00"),
        },
    }
    names = [
        s["name"]
        for s in (await stack.api.get("/v1/sessions", headers=stack.auth("solo"))).json()[
            "sessions"
        ]
    ]
    assert names == ["one"]


async def test_deleting_a_session_frees_its_slot(stack):
    await stack.subscribe("freer", "free")
    first = (await stack.create("freer")).json()
    assert (await stack.create("freer")).status_code == 403
    gone = await stack.api.delete(f"/v1/sessions/{first['id']}", headers=stack.auth("freer"))
    assert gone.status_code == 204

    async def created_again() -> bool:
        return (await stack.create("freer")).status_code == 201

    await eventually(created_again, interval_s=0.2, what="the slot to be released")


async def test_expiry_blocks_creation_without_any_call(stack):
    await stack.subscribe("lapsing", "pro", ends_in=timedelta(seconds=2))
    assert (await stack.create("lapsing")).status_code == 201
    expired = await stack.tap.next(
        "subscription.updated",
        lambda b: b["user_id"] == "lapsing" and b["status"] == "expired",
        timeout_s=15,
    )
    assert expired["plan_id"] == "pro"

    denied = await stack.create("lapsing")
    assert denied.status_code == 403
    assert denied.json()["error"] == "subscription_inactive"
    mine = (await stack.billing.get("/v1/subscription", headers=stack.auth("lapsing"))).json()
    assert (mine["status"], mine["can_create_more"]) == ("expired", False)


async def test_downgrade_keeps_existing_sessions_but_blocks_new_ones(stack):
    await stack.subscribe("shrinker", "pro")
    for _ in range(3):
        assert (await stack.create("shrinker")).status_code == 201
    await stack.subscribe("shrinker", "free")

    denied = await stack.create("shrinker")
    assert denied.status_code == 403
    assert denied.json()["data"]["sessions_used"] == 3
    listing = (await stack.api.get("/v1/sessions", headers=stack.auth("shrinker"))).json()
    assert len(listing["sessions"]) == 3
    assert listing["subscription"]["can_create_more"] is False


async def test_billing_not_answering_is_503_and_creates_nothing(
    stack_factory, rabbitmq_url, janitor
):
    async with stack_factory(with_billing=False, billing_timeout_s=0.5) as stack:
        # billing's queue exists (bound, durable) but nobody consumes it: no answer comes
        topology = stack.runtime.topology
        janitor.track_queue(topology.name(Queue.BILLING_CHECKS))
        connection = await aio_pika.connect(rabbitmq_url)
        async with connection:
            channel = await connection.channel()
            queue = await channel.declare_queue(
                topology.name(Queue.BILLING_CHECKS),
                durable=True,
                arguments={"x-queue-type": "quorum"},
            )
            await queue.bind(topology.name("wagate.events"), RoutingKey.SUBSCRIPTION_CHECK)

            answer = await stack.create("stranded", name="never")

        assert answer.status_code == 503
        assert answer.json()["error"] == "billing_unavailable"
        listing = (await stack.api.get("/v1/sessions", headers=stack.auth("stranded"))).json()
        assert listing["sessions"] == []
        release = await stack.tap.next(
            "subscription.check", lambda b: b["user_id"] == "stranded" and b["action"] == "release"
        )
        assert release["session_id"].startswith("ses_")


async def test_creation_rate_limit_holds_across_replicas(stack_factory, make_settings, janitor):
    from session_svc.app import create_app
    from session_svc.settings import SessionSettings
    from wagate_testing.apps import app_client

    async with stack_factory(session_create_rate_limit=2) as stack:
        await stack.subscribe("hasty", "enterprise")
        replica_settings = stack.runtime.settings
        assert isinstance(replica_settings, SessionSettings)
        async with app_client(create_app(replica_settings), janitor) as replica:
            first = await stack.create("hasty")
            second = await replica.post("/v1/sessions", json={}, headers=stack.auth("hasty"))
            third = await stack.create("hasty")

    assert (first.status_code, second.status_code) == (201, 201)
    assert third.status_code == 429
    assert third.json()["error"] == "rate_limited"
    assert int(third.headers["Retry-After"]) >= 1
    assert third.json()["data"]["retry_after"] == int(third.headers["Retry-After"])
