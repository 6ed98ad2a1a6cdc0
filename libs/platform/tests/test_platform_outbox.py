"""Integration: an event written through the outbox is published even if the process
dies between the commit and the publish."""

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from faststream.rabbit import RabbitMessage
from wagate_platform.settings import ServiceSettings
from wagate_testing.apps import app_client, runtime_of
from wagate_testing.probe_service import PingEvent, make_service

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_event_committed_but_never_published_is_swept_by_the_relay(make_settings, janitor):
    received: asyncio.Queue[Any] = asyncio.Queue()

    async def handle(event: Any, message: RabbitMessage) -> None:
        await received.put(event)

    consumer = make_service(
        make_settings(ServiceSettings, service_name="sink-svc"), queue="sink-svc.q", handler=handle
    )
    writer = make_service(make_settings(ServiceSettings, service_name="writer-svc"))
    async with app_client(consumer, janitor), app_client(writer, janitor):
        runtime = runtime_of(writer)
        await runtime.relay.stop()  # the background sweep is driven by hand below
        event = PingEvent(producer="writer-svc", user_id="u1", n=42)
        async with runtime.mongo.start_session() as session:
            async with await session.start_transaction():
                await runtime.db["things"].insert_one({"_id": "t1"}, session=session)
                await runtime.outbox.add([event], session=session)
        # the process "dies" here: publish_now is never called
        assert received.empty()
        assert await runtime.db["outbox"].count_documents({}) == 1

        swept = await runtime.relay.sweep(older_than=timedelta(0))
        got = await asyncio.wait_for(received.get(), timeout=10)

        assert swept == 1
        assert got.event_id == event.event_id
        assert await runtime.db["outbox"].count_documents({}) == 0


async def test_publish_now_publishes_and_clears_the_outbox(make_settings, janitor):
    received: asyncio.Queue[Any] = asyncio.Queue()

    async def handle(event: Any, message: RabbitMessage) -> None:
        await received.put(event)

    app = make_service(
        make_settings(ServiceSettings, service_name="fast-svc"), queue="fast-svc.q", handler=handle
    )
    async with app_client(app, janitor):
        runtime = runtime_of(app)
        event = PingEvent(producer="fast-svc", user_id="u1", n=1)
        async with runtime.mongo.start_session() as session:
            async with await session.start_transaction():
                await runtime.outbox.add([event], session=session)
        await runtime.relay.publish_now([event])
        got = await asyncio.wait_for(received.get(), timeout=10)
        assert got.event_id == event.event_id
        assert await runtime.db["outbox"].count_documents({}) == 0


async def test_transaction_rolled_back_leaves_no_event(make_settings, janitor):
    app = make_service(make_settings(ServiceSettings, service_name="rollback-svc"))
    async with app_client(app, janitor):
        runtime = runtime_of(app)
        event = PingEvent(producer="rollback-svc", user_id="u1", n=1)
        with pytest.raises(RuntimeError):
            async with runtime.mongo.start_session() as session:
                async with await session.start_transaction():
                    await runtime.outbox.add([event], session=session)
                    raise RuntimeError("write failed")
        assert await runtime.db["outbox"].count_documents({}) == 0


async def test_a_service_without_the_outbox_starts_no_relay_and_indexes_no_outbox(
    make_settings, janitor
):
    app = make_service(make_settings(ServiceSettings, service_name="plain-svc"), uses_outbox=False)
    async with app_client(app, janitor):
        runtime = runtime_of(app)
        assert not runtime.relay.running
        assert "outbox" not in await runtime.db.list_collection_names()
    default = make_service(make_settings(ServiceSettings, service_name="outbox-svc"))
    async with app_client(default, janitor):
        runtime = runtime_of(default)
        assert runtime.relay.running  # the default: today's behaviour, the relay runs
        assert "outbox" in await runtime.db.list_collection_names()
    assert not runtime.relay.running  # and stops with the app
