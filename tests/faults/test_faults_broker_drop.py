"""A broker connection drop mid-load: every consumer comes back by itself, /readyz says
503 until it has, and nothing is lost or counted twice."""

import asyncio

import aio_pika
import pytest
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio, pytest.mark.timeout(300)]

USER = "broker-drop-customer"


async def _consumers(platform) -> dict[str, int]:
    """Consumers of every main queue the platform declared."""
    counts: dict[str, int] = {}
    connection = await aio_pika.connect(platform.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        for name in sorted(platform.queues()):
            if name.endswith(".dlq") or ".delay." in name or ".retry." in name:
                continue
            queue = await channel.declare_queue(name, passive=True)
            counts[name] = int(queue.declaration_result.consumer_count or 0)
    return counts


async def test_consumers_come_back_after_a_broker_connection_drop(platform):
    api = await platform.onboard(USER, sessions=2)
    load = platform.load(api, interval_s=0.2, clients=2)
    load.start()
    await eventually(lambda: asyncio.sleep(0, len(load.accepted) >= 20), timeout_s=60)

    platform.broker.drop()

    async def sender_not_ready() -> bool:
        return not await platform.ready("sender")

    await eventually(sender_not_ready, timeout_s=20, what="sender /readyz 503")
    missing = await platform.http.get(platform.url("sender", "/readyz"))
    await asyncio.sleep(3)  # the broker stays away a few reconnect intervals
    platform.broker.restore()

    await eventually(platform.all_ready, timeout_s=60, what="every service ready again")
    await eventually(lambda: asyncio.sleep(0, len(load.accepted) >= 60), timeout_s=60)
    await load.stop()
    n = len(load.accepted)

    # the RPC reply consumer of subscription.check is back too: a session can be created
    created = await platform.http.post(
        platform.url("sessions", "/v1/sessions"),
        json={"name": "after-drop"},
        headers=platform.bearer(USER),
    )
    expected = {"requested": n, "sent": n, "delivered": n, "read": n}

    async def exact() -> dict[str, int] | None:
        got = await platform.http.get(
            platform.url("stats", f"/v1/stats/users/{USER}"), headers=platform.bearer(USER)
        )
        body = got.json()
        return body if all(body.get(k) == v for k, v in expected.items()) else None

    await eventually(exact, timeout_s=120, interval_s=0.5, what=f"stats {expected}")
    consumers = await _consumers(platform)
    listing = await platform.http.get(
        platform.url("sessions", "/v1/sessions"), headers=platform.bearer(USER)
    )
    texts = await platform.sandbox_texts([s["id"] for s in listing.json()["sessions"]])

    assert missing.status_code == 503
    assert missing.json()["checks"]["consumers"] == "unavailable"
    assert created.status_code == 201, created.text
    assert consumers
    assert all(count >= 1 for count in consumers.values()), consumers
    assert set(load.answers) <= {202, 503}, load.answers
    assert sorted(texts.elements()) == sorted(load.accepted.values()), "each accepted text once"
    assert await platform.dead_lettered() == {}
