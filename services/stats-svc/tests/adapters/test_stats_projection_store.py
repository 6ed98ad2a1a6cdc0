"""Integration: the projection's transaction is idempotent, race-safe and within budget."""

import asyncio

import pytest
from stats_svc.adapters.documents import STATS, scope_id
from stats_svc.adapters.projection_store import ProjectionStore
from stats_svc.app import create_app
from stats_svc.domain.aggregation import Scope
from stats_svc.service.projector import Projector
from wagate_testing.apps import app_client, runtime_of
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


def _message_events(events, user, count):
    stream = []
    for i in range(count):
        stream += [events.requested(user, f"m{i}"), events.sent(user, f"m{i}", f"ses_{i % 3}")]
    return stream


async def _user_counters(mongo_client, settings, user):
    doc = await mongo_client[settings.mongodb_database][STATS].find_one(
        {"_id": scope_id(Scope(user))}
    )
    return (doc or {}).get("c", {})


async def test_a_batch_replayed_after_its_commit_is_not_counted_again(
    stats_settings, janitor, events, mongo_client
):
    settings = stats_settings()
    app = create_app(settings)
    user = events.unique("u")
    batch = _message_events(events, user, 20)
    async with app_client(app, janitor):
        runtime = runtime_of(app)
        projector = Projector(ProjectionStore(runtime.mongo, runtime.db), settings.timezone)
        first = await projector.project(batch)
        # the process died after the commit, before the acks: the broker redelivers all of it,
        # mixed with new events
        replay = await projector.project([*batch, *_message_events(events, user, 25)[40:]])

    assert first.events == 40
    assert replay.events == 10
    assert await _user_counters(mongo_client, settings, user) == {"requested": 25, "sent": 25}


async def test_replicas_racing_on_the_same_events_count_them_once(
    stats_settings, janitor, events, mongo_client
):
    settings = stats_settings()
    app = create_app(settings)
    user = events.unique("u")
    batch = _message_events(events, user, 30)
    async with app_client(app, janitor):
        runtime = runtime_of(app)
        replicas = [
            Projector(ProjectionStore(runtime.mongo, runtime.db), settings.timezone)
            for _ in range(3)
        ]
        results = await asyncio.gather(*(p.project(batch) for p in replicas))

    assert sum(r.events for r in results) == 60
    assert await _user_counters(mongo_client, settings, user) == {"requested": 30, "sent": 30}


async def test_consuming_a_burst_costs_at_most_0_2_mongodb_round_trips_per_event(
    stats_settings, janitor, events, publisher_for, mongo_client
):
    settings = stats_settings()
    app = create_app(settings)
    user = events.unique("u")
    stream = _message_events(events, user, 500)
    async with app_client(app, janitor):
        runtime = runtime_of(app)
        publisher = await publisher_for(settings)
        runtime.mongo_commands.reset()
        await publisher.publish(stream, concurrency=100)

        async def all_counted():
            counters = await _user_counters(mongo_client, settings, user)
            return counters if counters.get("sent") == 500 else None

        counters = await eventually(all_counted, timeout_s=60, what="1000 events counted")
        round_trips = runtime.mongo_commands.count

    assert counters == {"requested": 500, "sent": 500}
    assert round_trips / len(stream) <= 0.2, runtime.mongo_commands.by_command
