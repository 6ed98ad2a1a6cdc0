"""The lost-dispatch sweep: a queued message whose ``message.requested`` delivery is gone
(dead-lettered, purged) is dispatched again and sent exactly once; a message that is only
waiting (paced on a delay queue, held by a paused campaign, in a dispatch backlog) is not."""

import asyncio
from collections import Counter
from datetime import timedelta
from typing import Any

import aio_pika
import pytest
from wagate_contracts.envelope import utc_now
from wagate_contracts.names import Queue
from wagate_platform.consumer import PoisonMessage
from wagate_platform.origin import origin
from wagate_testing.apps import app_client, runtime_of
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]
SWEEP = "task:lost-dispatch-sweep"
QUICK = {"lost_dispatch_after_s": 1, "lost_dispatch_interval_s": 0.2}


async def _queue(rabbitmq_url: str, name: str, *, purge: bool = False) -> int:
    """Ready messages in ``name`` (purged first when asked), from a connection of our own."""
    connection = await aio_pika.connect(rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(name, passive=True)
        if purge:
            await queue.purge()
            queue = await channel.declare_queue(name, passive=True)
        return int(queue.declaration_result.message_count or 0)


async def _send(client: Any, tenant: Any, to: str, **extra: Any) -> str:
    body = {"to": to, "type": "text", "text": "hi", **extra}
    answer = await client.post("/v1/messages", json=body, headers=tenant.headers)
    assert answer.status_code == 202, answer.text
    return str(answer.json()["id"])


async def _passes(sweep: Any, count: int) -> None:
    start = sweep.passes
    await eventually(lambda: _ge(sweep.passes, start + count), what=f"{count} sweep passes")


async def _ge(value: int, floor: int) -> bool:
    return value >= floor


def _requested(tap: Any, message_id: str) -> list[dict[str, Any]]:
    return [e for e in tap.of("message.requested") if e["message_id"] == message_id]


async def test_a_dead_lettered_dispatch_is_swept_and_sent_exactly_once(
    sender_app, sandbox, stage, event_tap, until_status, rabbitmq_url, monkeypatch
):
    async with sender_app(**QUICK) as (app, client):
        runtime, services = runtime_of(app), app.state.container
        tap = await event_tap(runtime)
        tenant = await stage(runtime, sandbox)
        outage = {"on": True}
        handle = services.dispatcher.handle

        async def failing(event: Any, attempt: int, tried: list[str]) -> None:
            if outage["on"]:  # a bug or an outage that outlasts the delivery limit
                raise RuntimeError("simulated: dispatch cannot reach its database")
            await handle(event, attempt, tried)

        monkeypatch.setattr(services.dispatcher, "handle", failing)
        message_id = await _send(client, tenant, "6281300000001")
        dlq = str(runtime.topology.dead_letter_queue(Queue.SENDER_DISPATCH).name)

        async def dead_lettered() -> bool:
            return await _queue(rabbitmq_url, dlq) >= 1

        await eventually(dead_lettered, timeout_s=20, what="the delivery in the DLQ")
        outage["on"] = False  # the outage is over; nothing will redeliver the message
        final = await until_status(client, tenant, message_id, ("sent",), timeout_s=30)
        doc = await runtime.db["messages"].find_one({"_id": message_id})
        await _passes(services.lost_dispatch, 5)  # and nothing sends it again afterwards
        requested = _requested(tap, message_id)
    assert final["status"] == "sent"
    assert len(await sandbox.sent(tenant.sessions[0])) == 1
    assert doc["sweeps"] >= 1
    assert len(requested) == 1 + doc["sweeps"]
    assert len({e["event_id"] for e in requested}) == 1  # the same event, consumers dedupe it


async def test_waiting_messages_are_not_swept(sender_app, sandbox, stage, event_tap):
    paced = {
        "lost_dispatch_after_s": 0.5,
        "lost_dispatch_interval_s": 0.1,
        "pacing_interval_ms": 600_000,  # one send, then the session is paced for 10 min
        "wait_delays_ms": (60_000,),
        "max_wait_s": 3600,
    }
    async with sender_app(**paced) as (app, client):
        runtime, services = runtime_of(app), app.state.container
        tap = await event_tap(runtime)
        tenant = await stage(runtime, sandbox)
        messages = runtime.db["messages"]
        first = await _send(client, tenant, "6281300000010")
        waiting = await _send(client, tenant, "6281300000011")

        async def on_the_delay_queue() -> bool:
            doc = await messages.find_one({"_id": waiting, "attempts": 1, "lease_until": None})
            return doc is not None

        await eventually(on_the_delay_queue, timeout_s=20, what="the paced message's release")
        body = {"message": {"type": "text", "text": "hi"}, "recipients": ["6281300000020"] * 3}
        created = await client.post("/v1/campaigns", json=body, headers=tenant.headers)
        cid = created.json()["id"]
        await client.post(f"/v1/campaigns/{cid}/pause", headers=tenant.headers)

        async def held() -> bool:
            query = {"campaign_id": cid, "status": "queued", "held": True}
            return await messages.count_documents(query) == 3

        await eventually(held, timeout_s=20, what="the paused campaign's messages held")
        runtime.mongo_commands.reset()
        start = services.lost_dispatch.passes
        await _passes(services.lost_dispatch, 10)  # 1 s: twice the bound
        commands = runtime.mongo_commands.by_origin.get(SWEEP, 0)
        passes = services.lost_dispatch.passes - start
        swept = await messages.count_documents({"user_id": tenant.user_id, "sweeps": {"$gt": 0}})
        due = (await messages.find_one({"_id": waiting}))["next_attempt_at"]
        first_doc = await messages.find_one({"_id": first})
    assert first_doc["status"] == "sent"
    assert len(_requested(tap, waiting)) == 1
    assert swept == 0
    assert due > utc_now() + timedelta(seconds=30)  # the delay queue's end, set at release
    assert len(await sandbox.sent(tenant.sessions[0])) == 1
    assert 1 <= commands <= passes + 1  # one find per pass, nothing claimed


async def test_a_message_held_at_the_provider_is_not_swept(
    sender_app, sandbox, stage, event_tap, until_status, monkeypatch
):
    long_call = {"provider_timeout_s": 10, "lease_s": 20, "lease_margin_s": 1}
    quick = {"lost_dispatch_after_s": 0.3, "lost_dispatch_interval_s": 0.1}
    async with sender_app(**long_call, **quick) as (app, client):
        runtime, services = runtime_of(app), app.state.container
        tap = await event_tap(runtime)
        tenant = await stage(runtime, sandbox)
        answered = asyncio.Event()
        send = services.provider.sender.send

        async def slow_provider(*args: Any) -> Any:
            await answered.wait()  # the message stays leased while the provider works
            return await send(*args)

        monkeypatch.setattr(services.provider.sender, "send", slow_provider)
        message_id = await _send(client, tenant, "6281300000060")

        async def leased() -> bool:
            query = {"_id": message_id, "lease_until": {"$gt": utc_now()}}
            return await runtime.db["messages"].count_documents(query) == 1

        await eventually(leased, what="the dispatcher's lease")
        await _passes(services.lost_dispatch, 10)  # 1 s, three times the bound
        answered.set()
        await until_status(client, tenant, message_id, ("sent",))
        doc = await runtime.db["messages"].find_one({"_id": message_id})
    assert "sweeps" not in doc
    assert len(_requested(tap, message_id)) == 1
    assert len(await sandbox.sent(tenant.sessions[0])) == 1


async def test_a_purged_backlog_is_swept_once_and_drained_exactly_once(
    sender_settings, sandbox, stage, event_tap, janitor, rabbitmq_url
):
    from sender_svc.app import create_app

    settings = sender_settings(
        amqp_paused_queues=Queue.SENDER_DISPATCH,
        lost_dispatch_after_s=0.5,
        lost_dispatch_interval_s=0.1,
    )
    numbers = [f"62813000003{n}" for n in range(3)]
    held_app = create_app(settings)  # accepts, but does not consume the dispatch queue
    async with app_client(held_app, janitor) as client:
        runtime, services = runtime_of(held_app), held_app.state.container
        tap = await event_tap(runtime)
        tenant = await stage(runtime, sandbox)
        ids = [await _send(client, tenant, n) for n in numbers]
        dispatch = str(runtime.topology.queue(Queue.SENDER_DISPATCH, "x").name)
        await eventually(lambda: _is(_queue(rabbitmq_url, dispatch), 3), what="the backlog")
        runtime.mongo_commands.reset()
        await _passes(services.lost_dispatch, 10)  # the backlog waits its turn: not lost
        gated = runtime.mongo_commands.by_origin.get(SWEEP, 0)
        assert len(tap.of("message.requested")) == 3
        await _queue(rabbitmq_url, dispatch, purge=True)  # now the deliveries are gone
        await tap.wait_for("message.requested", 6)
        await eventually(lambda: _is(_queue(rabbitmq_url, dispatch), 3), what="re-dispatched")
        await _passes(services.lost_dispatch, 10)  # back in the queue: not swept again
        sweeps = [d.get("sweeps") async for d in runtime.db["messages"].find({"_id": {"$in": ids}})]
        requested = Counter(e["event_id"] for e in tap.of("message.requested"))
    assert gated == 0  # no MongoDB round trip while the dispatch queue holds a backlog
    assert sweeps == [1, 1, 1]
    assert sorted(requested.values()) == [2, 2, 2]  # each event once more, same id
    drainer = create_app(settings.model_copy(update={"amqp_paused_queues": ""}))
    async with app_client(drainer, janitor):
        sent = runtime_of(drainer).db["messages"]

        async def all_sent() -> bool:
            return await sent.count_documents({"_id": {"$in": ids}, "status": "sent"}) == 3

        await eventually(all_sent, timeout_s=30, what="the drain")
        await _passes(drainer.state.container.lost_dispatch, 5)
    at_provider = Counter(m["chatId"] for m in await sandbox.sent(tenant.sessions[0]))
    assert at_provider == {f"{n}@c.us": 1 for n in numbers}  # the duplicates sent nothing


async def _is(count: Any, expected: int) -> bool:
    return bool(await count == expected)


async def test_two_replicas_sweeping_at_once_dispatch_each_message_once(
    sender_settings, sandbox, stage, event_tap, janitor, rabbitmq_url
):
    from sender_svc.app import create_app
    from sender_svc.service.lost_dispatch import LostDispatchSweep

    settings = sender_settings(
        amqp_paused_queues=Queue.SENDER_DISPATCH,
        lost_dispatch_after_s=0.3,
        lost_dispatch_interval_s=600,  # one pass at start, then only the passes below
    )
    app = create_app(settings)
    async with app_client(app, janitor) as client:
        runtime, services = runtime_of(app), app.state.container
        tap = await event_tap(runtime)
        tenant = await stage(runtime, sandbox)
        ids = [await _send(client, tenant, f"62813000004{n}") for n in range(5)]
        dispatch = str(runtime.topology.queue(Queue.SENDER_DISPATCH, "x").name)
        await eventually(lambda: _is(_queue(rabbitmq_url, dispatch), 5), what="the backlog")
        await _queue(rabbitmq_url, dispatch, purge=True)
        mine = services.lost_dispatch
        both_found = asyncio.Barrier(2)

        class RacingFind:
            """Both replicas read the same lost messages before either claims them."""

            def __init__(self, inner: Any) -> None:
                self.inner = inner

            def __getattr__(self, name: str) -> Any:
                return getattr(self.inner, name)

            async def find(self, *args: Any) -> list[Any]:
                found = await self.inner.find(*args)
                await both_found.wait()
                return found

        async def all_due() -> bool:
            at = utc_now()
            return len(await mine.lost.find(at - timedelta(seconds=0.3), at, 10)) == 5

        await eventually(all_due, what="5 messages past the bound")
        replica_a = LostDispatchSweep(RacingFind(mine.lost), mine.backlog, mine.outbox, settings)
        replica_b = LostDispatchSweep(RacingFind(mine.lost), mine.backlog, mine.outbox, settings)
        runtime.mongo_commands.reset()
        with origin("test:two-replicas"):
            done = await asyncio.gather(replica_a.sweep(), replica_b.sweep())
        commands = runtime.mongo_commands.by_origin.get("test:two-replicas", 0)
        await tap.wait_for("message.requested", 10)
        sweeps = [d.get("sweeps") async for d in runtime.db["messages"].find({"_id": {"$in": ids}})]
    assert sorted(done) == [0, 5]
    assert sweeps == [1] * 5
    assert Counter(Counter(e["event_id"] for e in tap.of("message.requested")).values()) == {2: 5}
    # two finds, two claims (one won all, one none) and the loser's read of what it won
    assert commands == 5


async def test_a_message_whose_dispatch_keeps_getting_lost_fails_dispatch_lost(
    sender_app, sandbox, stage, event_tap, until_status, monkeypatch
):
    quick = {"lost_dispatch_after_s": 0.3, "lost_dispatch_interval_s": 0.1}
    async with sender_app(lost_dispatch_max_sweeps=2, **quick) as (app, client):
        runtime, services = runtime_of(app), app.state.container
        tap = await event_tap(runtime)
        tenant = await stage(runtime, sandbox)

        async def poison(event: Any, attempt: int, tried: list[str]) -> None:
            raise PoisonMessage("simulated: this message breaks dispatch")

        monkeypatch.setattr(services.dispatcher, "handle", poison)
        message_id = await _send(client, tenant, "6281300000050")
        final = await until_status(client, tenant, message_id, ("failed",), timeout_s=30)
        failed = await tap.wait_for("message.failed", 1)
        requested = _requested(tap, message_id)
    assert final["error"]["code"] == "dispatch_lost"
    assert failed[0]["message_id"] == message_id
    assert failed[0]["error_code"] == "dispatch_lost"
    assert failed[0]["retryable"] is True
    assert len(requested) == 3  # accepted, then swept twice
    assert await sandbox.sent(tenant.sessions[0]) == []
