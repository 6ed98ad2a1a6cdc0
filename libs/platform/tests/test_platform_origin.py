"""Round trips are attributed to the path that made them: the ``origin`` label."""

import asyncio
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from faststream.rabbit import RabbitMessage
from prometheus_client import REGISTRY
from wagate_platform.http import install_http_middleware
from wagate_platform.mongo import CommandCounter
from wagate_platform.origin import current_origin, origin
from wagate_platform.outbox import OutboxRelay
from wagate_platform.settings import ServiceSettings
from wagate_testing.apps import app_client, runtime_of
from wagate_testing.probe_service import PingEvent, make_service
from wagate_testing.waiting import eventually


def _sample(metric: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(metric, labels) or 0.0


@pytest.mark.asyncio
async def test_http_origin_is_method_and_route_template_and_reaches_spawned_tasks():
    app = FastAPI()
    install_http_middleware(app)
    seen: dict[str, str] = {}

    @app.post("/v1/things/{thing_id}/poke")
    async def poke(thing_id: str) -> dict[str, str]:
        seen["handler"] = current_origin()

        async def later() -> None:
            seen["task"] = current_origin()

        await asyncio.create_task(later())
        return {"id": thing_id}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.post("/v1/things/abc123/poke")).status_code == 200
        assert (await client.get("/nowhere")).status_code == 404

    assert seen == {
        "handler": "http:POST /v1/things/{thing_id}/poke",
        "task": "http:POST /v1/things/{thing_id}/poke",
    }
    assert current_origin() == "other"  # nothing leaks out of a request


def test_command_counter_counts_by_command_and_origin():
    counter = CommandCounter()
    event: Any = SimpleNamespace(command_name="findAndModify")
    before = _sample("wagate_mongo_commands_total", command="findAndModify", origin="task:unit")
    with origin("task:unit"):
        counter.started(event)
    counter.started(event)
    assert counter.count == 2
    assert counter.by_command == {"findAndModify": 2}
    assert counter.by_origin == {"task:unit": 1, "other": 1}
    after = _sample("wagate_mongo_commands_total", command="findAndModify", origin="task:unit")
    assert after - before == 1


@pytest.mark.integration
@pytest.mark.asyncio
async def test_consumer_and_relay_label_their_round_trips(make_settings, janitor):
    seen: list[str] = []

    async def handle(event: Any, message: RabbitMessage) -> None:
        seen.append(current_origin())
        await runtime_of(app).db["origin_probe"].insert_one({"n": event.n})

    app = make_service(
        make_settings(ServiceSettings, service_name="origin-svc"),
        queue="origin-svc.pings",
        handler=handle,
    )
    inserts = (
        "wagate_mongo_commands_total",
        {"command": "insert", "origin": "amqp:origin-svc.pings"},
    )
    relayed = (
        "wagate_events_published_total",
        {"event_type": "test.ping", "origin": "task:outbox-relay"},
    )
    before_inserts = REGISTRY.get_sample_value(*inserts) or 0.0
    before_relayed = REGISTRY.get_sample_value(*relayed) or 0.0
    async with app_client(app, janitor):
        runtime = runtime_of(app)
        relay = OutboxRelay(runtime.db, runtime.publisher, poll_interval_s=0.05, grace_s=0)
        await runtime.outbox.add([PingEvent(producer="origin-svc", user_id="u1", n=1)])
        await relay.start()

        async def inserted() -> bool:
            return (REGISTRY.get_sample_value(*inserts) or 0.0) - before_inserts >= 1

        try:
            await eventually(inserted, timeout_s=10)
        finally:
            await relay.stop()

    assert seen == ["amqp:origin-svc.pings"]
    assert (REGISTRY.get_sample_value(*inserts) or 0.0) - before_inserts == 1
    assert (REGISTRY.get_sample_value(*relayed) or 0.0) - before_relayed >= 1
