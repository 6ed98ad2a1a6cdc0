"""Integration: events cross services over the real broker; poison goes to the DLQ."""

import asyncio
import json
from typing import Any

import aio_pika
import pytest
from faststream.rabbit import RabbitMessage
from wagate_platform.settings import ServiceSettings
from wagate_testing.apps import app_client, runtime_of
from wagate_testing.probe_service import PingEvent, make_service
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_event_from_one_service_reaches_another_services_handler(make_settings, janitor):
    received: asyncio.Queue[tuple[Any, RabbitMessage]] = asyncio.Queue()

    async def handle(event: Any, message: RabbitMessage) -> None:
        await received.put((event, message))

    producer_app = make_service(make_settings(ServiceSettings, service_name="producer-svc"))
    consumer_app = make_service(
        make_settings(ServiceSettings, service_name="consumer-svc"),
        queue="consumer-svc.pings",
        handler=handle,
    )
    async with app_client(consumer_app, janitor), app_client(producer_app, janitor):
        publisher = runtime_of(producer_app).publisher
        sent = PingEvent(producer="producer-svc", user_id="u1", n=7, correlation_id="corr-1")
        await publisher.publish(sent)
        event, message = await asyncio.wait_for(received.get(), timeout=10)

    assert isinstance(event, PingEvent)
    assert event.event_id == sent.event_id
    assert event.n == 7
    assert message.raw_message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert message.headers["x-correlation-id"] == "corr-1"
    assert message.raw_message.routing_key == "test.ping"


async def test_handler_that_always_raises_sends_message_to_dlq_after_delivery_limit(
    make_settings, janitor, rabbitmq_url
):
    attempts = 0

    async def explode(event: Any, message: RabbitMessage) -> None:
        nonlocal attempts
        attempts += 1
        raise RuntimeError("poison")

    settings = make_settings(ServiceSettings, service_name="dlq-svc", amqp_delivery_limit=3)
    app = make_service(settings, queue="dlq-svc.pings", handler=explode)
    async with app_client(app, janitor):
        runtime = runtime_of(app)
        event = PingEvent(producer="test", user_id="u1", n=1)
        await runtime.publisher.publish(event)
        dlq_name = runtime.topology.dead_letter_queue("dlq-svc.pings").name
        body = await _get_one(rabbitmq_url, dlq_name)

    assert json.loads(body)["event_id"] == str(event.event_id)
    # the first delivery plus up to the delivery limit of redeliveries, never forever
    assert 2 <= attempts <= settings.amqp_delivery_limit + 1


async def test_unparseable_message_goes_straight_to_dlq(make_settings, janitor, rabbitmq_url):
    calls = 0

    async def handle(event: Any, message: RabbitMessage) -> None:
        nonlocal calls
        calls += 1

    app = make_service(
        make_settings(ServiceSettings, service_name="bad-svc"), queue="bad-svc.x", handler=handle
    )
    async with app_client(app, janitor):
        runtime = runtime_of(app)
        await runtime.publisher.publish_raw(
            {"event_type": "test.ping", "n": "not a number"},
            routing_key="test.ping",
            message_id="m-1",
        )
        body = await _get_one(rabbitmq_url, runtime.topology.dead_letter_queue("bad-svc.x").name)

    assert json.loads(body)["n"] == "not a number"
    assert calls == 0


async def test_unroutable_publish_raises(make_settings, janitor):
    app = make_service(make_settings(ServiceSettings, service_name="lonely-svc"))
    async with app_client(app, janitor):
        runtime = runtime_of(app)
        with pytest.raises(Exception, match=r"NO_ROUTE|delivery failed"):
            await runtime.publisher.publish(PingEvent(producer="t", user_id="u", n=1))


async def _get_one(rabbitmq_url: str, queue_name: str) -> bytes:
    connection = await aio_pika.connect(rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.get_queue(queue_name, ensure=False)

        async def probe() -> bytes | None:
            message = await queue.get(no_ack=True, fail=False)
            return message.body if message else None

        return await eventually(probe, timeout_s=30, what=f"a message in {queue_name}")


async def test_paused_queue_is_declared_and_bound_but_not_consumed(
    make_settings, janitor, rabbitmq_url
):
    calls = 0

    async def handle(event: Any, message: RabbitMessage) -> None:
        nonlocal calls
        calls += 1

    settings = make_settings(
        ServiceSettings, service_name="paused-svc", amqp_paused_queues=" paused-svc.x , other"
    )
    assert settings.paused_queues == frozenset({"paused-svc.x", "other"})
    app = make_service(settings, queue="paused-svc.x", handler=handle)
    async with app_client(app, janitor):
        runtime = runtime_of(app)
        sent = PingEvent(producer="paused-svc", user_id="u1", n=3)
        await runtime.publisher.publish(sent)  # routable: the queue exists and is bound
        body = await _get_one(rabbitmq_url, runtime.topology.queue("paused-svc.x", "test.#").name)

    assert json.loads(body)["event_id"] == str(sent.event_id)
    assert calls == 0
