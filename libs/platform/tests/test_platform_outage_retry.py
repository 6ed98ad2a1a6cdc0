"""Integration: a handler that meets an outage waits it out on the retry queues, without
spending the delivery limit; a bug still does; an RPC reply never dead-letters."""

import asyncio
import json
from typing import Any

import aio_pika
import pytest
from faststream.rabbit import RabbitMessage
from pymongo.errors import AutoReconnect, ServerSelectionTimeoutError
from wagate_platform.outage_retry import ATTEMPT_HEADER
from wagate_platform.settings import ServiceSettings
from wagate_testing.apps import app_client, runtime_of
from wagate_testing.probe_service import PingEvent, make_service
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]

FAST_RETRIES = {"amqp_retry_delays_ms": (50, 100, 200)}


async def _queue_depth(rabbitmq_url: str, name: str) -> int:
    connection = await aio_pika.connect(rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(name, passive=True)
        return int(queue.declaration_result.message_count or 0)


async def _dead_lettered(rabbitmq_url: str, dlq: str, what: str) -> int:
    async def depth() -> int:
        return await _queue_depth(rabbitmq_url, dlq)

    return await eventually(depth, timeout_s=30, what=what)


async def test_an_outage_longer_than_the_delivery_limit_is_waited_out(
    make_settings, janitor, rabbitmq_url
):
    """Eight outage failures with a delivery limit of 2: handled in the end, nothing in the DLQ."""
    attempts: list[dict[str, Any]] = []
    done: asyncio.Future[PingEvent] = asyncio.get_running_loop().create_future()

    async def flaky(event: Any, message: RabbitMessage) -> None:
        attempts.append(dict(message.headers or {}))
        if len(attempts) <= 8:
            raise ServerSelectionTimeoutError("mongodb unreachable")
        done.set_result(event)

    settings = make_settings(
        ServiceSettings, service_name="outage-svc", amqp_delivery_limit=2, **FAST_RETRIES
    )
    app = make_service(settings, queue="outage-svc.pings", handler=flaky)
    async with app_client(app, janitor):
        runtime = runtime_of(app)
        sent = PingEvent(producer="t", user_id="u1", n=5, correlation_id="corr-outage")
        await runtime.publisher.publish(sent)
        got = await asyncio.wait_for(done, timeout=30)
        dlq = str(runtime.topology.dead_letter_queue("outage-svc.pings").name)
        depth = await _queue_depth(rabbitmq_url, dlq)

    assert got.event_id == sent.event_id
    assert depth == 0
    assert [a.get(ATTEMPT_HEADER, 0) for a in attempts] == list(range(9))
    assert all(a.get("x-correlation-id") == "corr-outage" for a in attempts)


async def test_a_bug_still_counts_towards_the_delivery_limit(make_settings, janitor, rabbitmq_url):
    calls = 0

    async def buggy(event: Any, message: RabbitMessage) -> None:
        nonlocal calls
        calls += 1
        raise KeyError("a bug, not an outage")

    settings = make_settings(
        ServiceSettings, service_name="bug-svc", amqp_delivery_limit=2, **FAST_RETRIES
    )
    app = make_service(settings, queue="bug-svc.pings", handler=buggy)
    async with app_client(app, janitor):
        runtime = runtime_of(app)
        await runtime.publisher.publish(PingEvent(producer="t", user_id="u1", n=1))
        dlq = str(runtime.topology.dead_letter_queue("bug-svc.pings").name)
        await _dead_lettered(rabbitmq_url, dlq, what="never dead-lettered")

    assert 2 <= calls <= 3


async def test_an_outage_past_its_budget_counts_again(make_settings, janitor, rabbitmq_url):
    async def down(event: Any, message: RabbitMessage) -> None:
        raise AutoReconnect("still down")

    settings = make_settings(
        ServiceSettings,
        service_name="budget-svc",
        amqp_delivery_limit=1,
        amqp_retry_budget_s=0.3,
        **FAST_RETRIES,
    )
    app = make_service(settings, queue="budget-svc.pings", handler=down)
    async with app_client(app, janitor):
        runtime = runtime_of(app)
        await runtime.publisher.publish(PingEvent(producer="t", user_id="u1", n=1))
        dlq = str(runtime.topology.dead_letter_queue("budget-svc.pings").name)
        await _dead_lettered(rabbitmq_url, dlq, what="the budget never ran out")


async def test_rpc_reply_is_received_and_nothing_dead_letters(make_settings, janitor, rabbitmq_url):
    async def answer(event: Any, message: RabbitMessage) -> dict[str, Any]:
        return {"n": event.n * 2}

    app = make_service(
        make_settings(ServiceSettings, service_name="rpc-svc"), queue="rpc-svc.q", handler=answer
    )
    async with app_client(app, janitor):
        runtime = runtime_of(app)
        replies = []
        for n in (21, 1):  # one consumer handles in order: the first is settled by the second
            reply = await runtime.broker.request(
                PingEvent(producer="t", user_id="u1", n=n).model_dump(mode="json"),
                exchange=runtime.topology.events_exchange,
                routing_key="test.ping",
                timeout=10,
            )
            replies.append(json.loads(reply.body))
        dlq = str(runtime.topology.dead_letter_queue("rpc-svc.q").name)
        depth = await _queue_depth(rabbitmq_url, dlq)

    assert replies == [{"n": 42}, {"n": 2}]
    assert depth == 0  # a reply reported unroutable used to reject the request into the DLQ
