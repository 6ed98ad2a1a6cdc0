"""Acceptance: 1,000 events published twice in random order, the consumer killed mid-batch
(SIGKILL of a real stats-svc process), a fresh instance resumes: the counters are exact."""

import asyncio
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import pytest
from stats_svc.adapters.documents import MARKERS
from stats_svc.app import create_app
from wagate_testing.apps import app_client
from wagate_testing.infra import free_port
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]

TOTAL_EVENTS = 1000
FATES = ("failed", "sent", "delivered", "delivered_twice_then_read", "read_only")


@dataclass
class Workload:
    events: list = field(default_factory=list)
    expected: dict = field(default_factory=dict)  # (user, session | None, day | None) -> Counter

    def count(self, user, session, day, counter, n=1):
        for key in ((user, None, None), (user, session, None), (user, None, day)):
            self.expected.setdefault(key, Counter())[counter] += n


def build_workload(events, users, sessions, rng) -> Workload:
    """Message lifecycles (with duplicate receipts and inbound redeliveries), exactly 1000."""
    work = Workload()
    i = 0
    while True:
        user, session = users[i % len(users)], sessions[i % len(sessions)]
        at = events.noon + timedelta(days=i % 2, minutes=i % 600)
        day = at.date().isoformat()
        fate = FATES[i % len(FATES)]
        mid = f"m{i}"
        group = [events.requested(user, mid, session=session, at=at)]
        outcome = (
            [events.failed(user, mid, session, at)]
            if fate == "failed"
            else [events.sent(user, mid, session, at)]
        )
        receipts = {
            "delivered": [events.status(user, mid, session, "delivered", at)],
            "delivered_twice_then_read": [
                events.status(user, mid, session, "delivered", at),
                events.status(user, mid, session, "delivered", at),  # provider repeat
                events.status(user, mid, session, "read", at),
            ],
            "read_only": [events.status(user, mid, session, "read", at)],
        }.get(fate, [])
        inbound = []
        if i % 3 == 0:
            inbound.append(events.received(user, f"in{i}", session, at=at))
            if i % 6 == 0:
                inbound.append(events.received(user, f"in{i}", session, at=at))
            if i % 9 == 0:
                inbound.append(events.received(user, f"in{i}", session, deduplicated=True, at=at))
        group += outcome + receipts + inbound
        if len(work.events) + len(group) > TOTAL_EVENTS:
            break
        work.events += group
        work.count(user, session, day, "requested")
        work.count(user, session, day, "failed" if fate == "failed" else "sent")
        if fate in ("delivered", "delivered_twice_then_read", "read_only"):
            work.count(user, session, day, "delivered")
        if fate in ("delivered_twice_then_read", "read_only"):
            work.count(user, session, day, "read")
        if inbound:
            work.count(user, session, day, "received")
            if len(inbound) > 1:
                work.count(user, session, day, "deduplicated", len(inbound) - 1)
        i += 1
    while len(work.events) < TOTAL_EVENTS:  # pad with single inbound messages
        user, session = users[0], sessions[0]
        work.events.append(events.received(user, f"pad{len(work.events)}", session))
        work.count(user, session, events.noon.date().isoformat(), "received")
    rng.shuffle(work.events)
    return work


def subprocess_env(settings, port):
    return {
        **os.environ,
        "ENVIRONMENT": "test",
        "RABBITMQ_URL": settings.rabbitmq_url,
        "MONGODB_URL": settings.mongodb_url,
        "MONGODB_DATABASE": settings.mongodb_database,
        "AMQP_NAMESPACE": settings.amqp_namespace,
        "HTTP_PORT": str(port),
        "OUTBOX_POLL_INTERVAL_S": "60",
        "LOG_LEVEL": "WARNING",
    }


async def _ready(url):
    async with httpx.AsyncClient() as client:
        try:
            return (await client.get(f"{url}/readyz", timeout=2)).status_code == 200
        except httpx.HTTPError:
            return False


async def test_counters_are_exact_after_duplicates_shuffling_and_a_kill_mid_batch(
    stats_settings, janitor, events, token, publisher_for, mongo_client
):
    rng = random.Random(20250310)
    users = [events.unique("u"), events.unique("u")]
    sessions = ["ses_1", "ses_2", "ses_3"]
    work = build_workload(events, users, sessions, rng)
    assert len(work.events) == TOTAL_EVENTS
    stream = work.events + work.events
    rng.shuffle(stream)

    settings = stats_settings()
    port = free_port()
    process = subprocess.Popen(  # the consumer we are going to kill
        [sys.executable, "-m", "stats_svc"], env=subprocess_env(settings, port)
    )
    markers = mongo_client[settings.mongodb_database][MARKERS]
    try:
        await eventually(lambda: _ready(f"http://127.0.0.1:{port}"), timeout_s=60, what="ready")
        publisher = await publisher_for(settings)
        publishing = asyncio.create_task(publisher.publish(stream, concurrency=50))

        async def partly_counted():
            stored = await markers.estimated_document_count()
            return stored if stored >= 400 else None

        at_kill = await eventually(partly_counted, timeout_s=60, interval_s=0.01, what="progress")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        await publishing
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    sentinel_user = events.unique("sentinel")  # published last on the same queue
    await publisher.publish([events.requested(sentinel_user, "last")])
    async with app_client(create_app(settings), janitor) as client:

        async def stats_of(user):
            response = await client.get(f"/v1/stats/users/{user}", headers=token(user))
            return response.json()

        async def drained():
            return (await stats_of(sentinel_user))["requested"] == 1

        await eventually(drained, timeout_s=60, what="the queue drained after the restart")
        # one marker per event and per distinct fact: the kill left work for the restart
        assert at_kill < await markers.count_documents({}) - 2  # the sentinel made 2
        observed = {}
        for user in users:
            body = await stats_of(user)
            observed[(user, None, None)] = body
            for session in body["sessions"]:
                observed[(user, session["session_id"], None)] = session
            daily = await client.get(
                f"/v1/stats/users/{user}/daily?from=2025-03-01&to=2025-03-31",
                headers=token(user),
            )
            for day in daily.json()["days"]:
                observed[(user, None, day["date"])] = day

    for key, counts in work.expected.items():
        got = {name: observed[key][name] for name in counts}
        assert got == dict(counts), key
    assert set(work.expected) == set(observed)
    total_sent = sum(observed[(u, None, None)]["sent"] for u in users)
    assert total_sent == sum(work.expected[(u, None, None)]["sent"] for u in users)
