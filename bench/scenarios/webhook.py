"""Scenario 3, webhook: provider status callbacks per second, 10% of them duplicates.

webhook-svc runs alone. The bench plays session-svc and sender-svc on the bus: it
publishes ``session.created`` for S sessions and ``message.sent`` for K messages, so
webhook-svc's directory knows whose callbacks they are, then POSTs WAHA ``message.ack``
callbacks (DEVICE and READ for each message, HMAC-SHA512 signed as the sandbox signs
them) to ``POST /v1/webhooks/sandbox``. A duplicate is a retry: the same bytes and
``X-Webhook-Request-Id`` again. Checks: exactly one ``message.status`` per unique
callback (none lost) and none for a duplicate. Budget of record: ≤ 1 MongoDB round
trip and 1 publish per callback request.
"""

import json
import math
import random
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import aio_pika
from provider_sandbox.signing import ALGORITHM, ALGORITHM_HEADER, SIGNATURE_HEADER, sign
from wagate_contracts.envelope import Event
from wagate_contracts.events.message import MessageSent
from wagate_contracts.events.session import SessionCreated
from wagate_contracts.names import EVENTS_EXCHANGE
from wagate_testing.event_tap import EventTap

from bench.harness import metrics
from bench.harness.loadgen import loopback_client, run_load
from bench.harness.platform import Platform
from bench.results import Check, Result
from bench.scenarios.common import (
    Budget,
    ScenarioContext,
    ScenarioError,
    budgets,
    eventually,
    guarded,
    platform,
)

USER = "bench-webhook"
SERVICES = ("webhook-svc",)
CALLBACKS = "http:POST /v1/webhooks/{provider}"
ACKS = ((2, "DEVICE"), (3, "READ"))
Callback = tuple[bytes, dict[str, str]]


def plan_callbacks(total: int, duplicate_ratio: float) -> tuple[int, int, int]:
    """(unique callbacks, duplicates, messages) for ``total`` requests."""
    duplicates = round(total * duplicate_ratio)
    unique = total - duplicates
    return unique, duplicates, math.ceil(unique / len(ACKS))


def phone(index: int) -> str:
    return f"62811{index:08d}"


def seed_events(sessions: int, messages: int) -> tuple[list[Event], list[tuple[str, str, str]]]:
    """Seed events, and (session id, provider message id, chat) of every message."""
    events: list[Event] = []
    session_ids = [f"ses_bench{index:04d}" for index in range(sessions)]
    for index, session_id in enumerate(session_ids):
        events.append(
            SessionCreated(
                producer="session-svc",
                user_id=USER,
                session_id=session_id,
                name=f"bench-{index}",
                is_default=index == 0,
                status="connected",
                provider="sandbox",
                provider_session=session_id,
                phone_number=phone(index),
            )
        )
    sent: list[tuple[str, str, str]] = []
    now = datetime.now(UTC)
    for index in range(messages):
        session_id = session_ids[index % sessions]
        chat = f"{phone(100_000 + index)}@c.us"
        provider_id = f"true_{chat}_3EB0{uuid.uuid4().hex[:16].upper()}"
        events.append(
            MessageSent(
                producer="sender-svc",
                user_id=USER,
                message_id=f"msg_bench{index:07d}",
                session_id=session_id,
                provider="sandbox",
                provider_message_id=provider_id,
                to=chat,
                sent_at=now,
            )
        )
        sent.append((session_id, provider_id, chat))
    return events, sent


def build_callbacks(
    sent: list[tuple[str, str, str]], hmac_key: str, unique: int, duplicates: int
) -> list[Callback]:
    """Signed WAHA ``message.ack`` callbacks; each duplicate follows its original later
    (by up to 200 positions)."""
    originals: list[Callback] = []
    # every DEVICE ack before any READ ack, as a provider reports them: a READ that
    # overtook its DEVICE would make the DEVICE a stale status, rightly not published
    for ack, ack_name in ACKS:
        for session_id, provider_id, chat in sent:
            if len(originals) == unique:
                break
            index = int(session_id.removeprefix("ses_bench"))
            envelope = {
                "id": f"evt_{uuid.uuid4().hex}",
                "timestamp": int(time.time() * 1000),
                "event": "message.ack",
                "session": session_id,
                "metadata": {},
                "me": {"id": f"{phone(index)}@c.us", "pushName": "bench"},
                "payload": {
                    "id": provider_id,
                    "from": f"{phone(index)}@c.us",
                    "to": chat,
                    "participant": None,
                    "fromMe": True,
                    "ack": ack,
                    "ackName": ack_name,
                },
                "engine": "GOWS",
                "environment": {"version": "bench", "engine": "GOWS", "tier": "CORE"},
            }
            body = json.dumps(envelope, separators=(",", ":")).encode()
            headers = {
                "Content-Type": "application/json",
                "X-Webhook-Request-Id": uuid.uuid4().hex,
                "X-Webhook-Timestamp": str(int(time.time() * 1000)),
                SIGNATURE_HEADER: sign(body, hmac_key),
                ALGORITHM_HEADER: ALGORITHM,
            }
            originals.append((body, headers))
    rng = random.Random(7)
    repeated = sorted(rng.sample(range(len(originals)), min(duplicates, len(originals))))
    later: dict[int, list[Callback]] = {}
    for original in repeated:
        position = min(len(originals) - 1, original + rng.randint(1, 200))
        later.setdefault(position, []).append(originals[original])
    ordered: list[Callback] = []
    for position, callback in enumerate(originals):
        ordered.append(callback)
        ordered.extend(later.get(position, []))
    return ordered


async def publish_seed(running: Platform, rabbitmq_url: str, events: list[Event]) -> None:
    """Publish the seed events as their producers would: persistent, confirmed, mandatory."""
    connection = await aio_pika.connect(rabbitmq_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(f"{running.namespace}{EVENTS_EXCHANGE}")
        for first in range(0, len(events), 500):
            for event in events[first : first + 500]:
                await exchange.publish(
                    aio_pika.Message(
                        json.dumps(event.model_dump(mode="json", by_alias=True)).encode(),
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                        message_id=str(event.event_id),
                        content_type="application/json",
                        headers={"x-correlation-id": "bench-webhook-seed"},
                    ),
                    routing_key=event.event_type,
                    mandatory=True,
                    timeout=10,
                )


async def run(ctx: ScenarioContext) -> Result:
    sizes = ctx.sizes
    result = Result("webhook", "scenario", quick=sizes.quick, unit="callbacks/s")
    unique, duplicates, messages = plan_callbacks(
        sizes.webhook_callbacks, sizes.webhook_duplicate_ratio
    )
    result.params = {
        "callbacks": sizes.webhook_callbacks,
        "unique": unique,
        "duplicates": duplicates,
        "messages": messages,
        "sessions": sizes.webhook_sessions,
        "concurrency": sizes.http_concurrency,
        "time_limit_s": sizes.http_time_limit_s,
        "services": list(SERVICES),
    }

    async def body() -> None:
        async with platform(ctx, "webhook", SERVICES, sandbox=False) as running:
            events, sent = seed_events(sizes.webhook_sessions, messages)
            callbacks = build_callbacks(sent, running.hmac_key, unique, duplicates)
            webhook_url = running.url("webhook-svc")
            base = await running.scrape()
            await publish_seed(running, ctx.infra.rabbitmq_url, events)

            async def seeded() -> bool:
                now = (await running.scrape()).get("webhook-svc")
                start = base.get("webhook-svc")
                if now is None or start is None:
                    raise ScenarioError("webhook-svc /metrics unreadable")
                consumed = metrics.total(
                    metrics.delta(start, now), metrics.EVENTS_CONSUMED, {"outcome": "ok"}
                )
                return consumed >= len(events)

            await eventually(
                seeded, sizes.settle_timeout_s, "webhook-svc consumed the seed events", every_s=1
            )
            answers = {"accepted": 0, "duplicates": 0, "ignored": 0}
            async with (
                EventTap(ctx.infra.rabbitmq_url, running.namespace, ["message.status"]) as tap,
                loopback_client(webhook_url, sizes.http_concurrency) as client,
            ):
                before = await running.scrape()
                running.reset_peak_rss()

                async def send(index: int) -> int:
                    payload, headers = callbacks[index]
                    answer = await client.post(
                        "/v1/webhooks/sandbox", content=payload, headers=headers
                    )
                    if answer.status_code == 200:
                        data: dict[str, Any] = answer.json()
                        for key in answers:
                            answers[key] += int(data.get(key, 0) or 0)
                    return answer.status_code

                load = await run_load(
                    send,
                    total=len(callbacks),
                    concurrency=sizes.http_concurrency,
                    time_limit_s=sizes.http_time_limit_s,
                    ok=(200,),
                )
                expected = answers["accepted"]
                try:
                    await eventually(
                        lambda: _tapped(tap, expected), sizes.settle_timeout_s, "statuses tapped"
                    )
                except ScenarioError as exc:
                    result.details["tap_wait"] = str(exc)
                after = await running.scrape()
                statuses = tap.seen("message.status")
            result.rss_peak_mb = running.peak_rss_mb()
            result.throughput_per_s = load.throughput((200,))
            result.latency = load.latency()
            result.details = {"load": load.summary((200,)), "answers": answers}
            result.round_trips = metrics.per_message(before, after, load.sent)
            result.details["budgets"] = budgets(
                result.round_trips,
                [
                    Budget(
                        "ingest_mongo_round_trips",
                        "webhook-svc",
                        (CALLBACKS,),
                        "mongo",
                        1,
                        load.sent,
                        "callback request",
                    ),
                    Budget(
                        "ingest_publishes",
                        "webhook-svc",
                        (CALLBACKS,),
                        "publishes",
                        1,
                        load.sent,
                        "callback request",
                        event_type="message.status",
                    ),
                ],
            )
            # workers take requests in order, so the first load.sent were all sent
            sent_unique = len({payload for payload, _ in callbacks[: load.sent]})
            result.details["sent_unique"] = sent_unique
            result.details["sent_duplicates"] = load.sent - sent_unique
            keys = {(s.get("provider_message_id"), s.get("status")) for s in statuses}
            result.checks["all_requests_answered_200"] = Check.equal(
                load.sent, load.ok_count((200,))
            )
            result.checks["accepted_equals_unique"] = Check.equal(sent_unique, answers["accepted"])
            result.checks["duplicates_answered"] = Check.equal(
                load.sent - sent_unique, answers["duplicates"]
            )
            result.checks["none_lost"] = Check.equal(answers["accepted"], len(statuses))
            result.checks["zero_duplicates_published"] = Check.equal(len(statuses), len(keys))
            result.checks["distinct_event_ids"] = Check.equal(
                len(statuses), len({s.get("event_id") for s in statuses})
            )

    return await guarded(result, body)


async def _tapped(tap: EventTap, count: int) -> bool:
    return len(tap.seen("message.status")) >= count
