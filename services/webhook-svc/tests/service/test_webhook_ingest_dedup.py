"""Integration: exactly-once ingest, monotonic statuses, content window, round-trip budget."""

import asyncio
import json
import time

import pytest
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


def ack(message_id: str, ack_value: int, session: str = "ses_p1") -> bytes:
    envelope = {
        "id": f"evt_{message_id}_{ack_value}_{time.monotonic_ns()}",  # providers re-id redeliveries
        "timestamp": 1_700_000_000_000,
        "event": "message.ack",
        "session": session,
        "payload": {
            "id": message_id,
            "from": "6281234567890@c.us",
            "fromMe": True,
            "ack": ack_value,
        },
    }
    return json.dumps(envelope).encode()


def inbound(message_id: str, text: str, sender: str = "6289876543210@c.us") -> bytes:
    payload = {
        "id": message_id,
        "timestamp": 1_700_000_000,
        "from": sender,
        "fromMe": False,
        "body": text,
    }
    envelope = {"event": "message", "session": "ses_p1", "payload": payload}
    return json.dumps(envelope).encode()


CONSUMER_COLLECTIONS = {"webhook_configs", "webhook_deliveries", "contacts", "processed_events"}


def ingest_commands(commands: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The commands of the request itself (the forward/contacts consumers run concurrently)."""
    consumer_side = {"find", "update", "insert", "commitTransaction", "abortTransaction"}
    return [
        c
        for c in commands
        if not (c[0] in consumer_side and c[1] in CONSUMER_COLLECTIONS)
        and c[0] not in ("commitTransaction", "abortTransaction")
    ]


async def test_same_callback_five_times_in_a_row_and_five_at_once_gives_one_event(webhook_service):
    async with webhook_service() as svc:
        await svc.seed_session("u1", "ses_1", "ses_p1")
        sequential = [await svc.post("sandbox", ack("true_a_1", 2)) for _ in range(5)]
        bodies = [ack("true_b_1", 2) for _ in range(5)]
        concurrent = await asyncio.gather(*(svc.post("sandbox", b) for b in bodies))
        await svc.tap.drain()
        events = svc.tap.of_type("message.status")
    for responses in (sequential, concurrent):
        assert all(r.status_code == 200 for r in responses)
        assert sum(r.json()["accepted"] for r in responses) == 1
        assert sum(r.json()["deduplicated"] for r in responses) == 4
    assert sorted(e["provider_message_id"] for e in events) == ["true_a_1", "true_b_1"]


async def test_out_of_order_statuses_never_downgrade(webhook_service):
    async with webhook_service() as svc:
        await svc.seed_session("u1", "ses_1", "ses_p1")
        read = await svc.post("sandbox", ack("true_c_1", 3))
        delivered = await svc.post("sandbox", ack("true_c_1", 2))
        played = await svc.post("sandbox", ack("true_c_1", 4))
        failed_late = await svc.post("sandbox", ack("true_c_1", -1))
        await svc.tap.drain()
        statuses = [e["status"] for e in svc.tap.of_type("message.status")]
    assert read.json()["accepted"] == 1
    assert delivered.json() == {"accepted": 0, "duplicates": 1, "ignored": 0, "deduplicated": True}
    assert played.json()["accepted"] == 1
    assert failed_late.json()["accepted"] == 0
    assert statuses == ["read", "played"]


async def test_content_window_marks_repeats_but_lets_different_texts_pass(webhook_service):
    async with webhook_service() as svc:
        await svc.seed_session("u1", "ses_1", "ses_p1")
        first = await svc.post("sandbox", inbound("false_m1", "I want to order"))
        repeat = await svc.post("sandbox", inbound("false_m2", "I want to order"))
        different = await svc.post("sandbox", inbound("false_m3", "Actually, two please"))
        other_sender = await svc.post(
            "sandbox", inbound("false_m4", "I want to order", "628111222333@c.us")
        )
        events = await svc.tap.wait_for("message.received", count=4)
    assert all(r.json()["accepted"] == 1 for r in (first, repeat, different, other_sender))
    flags = {e["provider_message_id"]: e["deduplicated"] for e in events}
    assert flags == {"false_m1": False, "false_m2": True, "false_m3": False, "false_m4": False}


async def test_content_window_zero_disables_it_per_user(webhook_service):
    async with webhook_service() as svc:
        await svc.seed_session("u1", "ses_1", "ses_p1")
        put = await svc.client.put(
            "/v1/webhook-config",
            json={"url": "http://127.0.0.1:9/hook", "content_dedup_window_s": 0},
            headers=svc.jwt("u1"),
        )
        assert put.status_code == 200, put.text
        await svc.post("sandbox", inbound("false_z1", "same"))
        await svc.post("sandbox", inbound("false_z2", "same"))
        events = await svc.tap.wait_for("message.received", count=2)
    assert [e["deduplicated"] for e in events] == [False, False]


async def test_generic_batch_is_one_pass_with_counts_and_one_round_trip(webhook_service, sign):
    # background pollers (directory refresh, outbox sweep) idle: the commands counted are ingest
    async with webhook_service(directory_refresh_s=3600, outbox_poll_interval_s=3600) as svc:
        item = {
            "user_id": "u9",
            "session_id": "ses_9",
            "to": "6281234567890",
            "timestamp": 1_700_000_000,
        }
        batch = [
            {**item, "message_id": "pm-1", "status": "delivered"},
            {
                **item,
                "message_id": "pm-2",
                "status": "failed",
                "error": {"code": 131026, "message": "undeliverable"},
            },
            {**item, "message_id": "pm-1", "status": "delivered"},
        ]
        body = json.dumps({"events": batch}).encode()
        published_before = svc.runtime.publisher.count
        with svc.commands() as commands:
            response = await svc.client.post(
                "/v1/events/message/batch", content=body, headers=sign("generic", body)
            )
            published = svc.runtime.publisher.count - published_before
        unauthorized = await svc.client.post("/v1/events/message/batch", content=body)
        invalid = await svc.client.post(
            "/v1/events/message",
            content=b'{"user_id": "u9"}',
            headers=sign("generic", b'{"user_id": "u9"}'),
        )
        events = await svc.tap.wait_for("message.status", count=2)
    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": 2, "duplicates": 1, "ignored": 0, "deduplicated": False}
    assert ingest_commands(commands) == [("update", "ingest_marks")], commands
    assert published == 2
    assert unauthorized.status_code == 401
    assert invalid.status_code == 422
    assert invalid.json()["error"] == "validation_error"
    failed = next(e for e in events if e["status"] == "failed")
    assert failed["error_code"] == "131026"
    assert failed["user_id"] == "u9"


async def test_inbound_numbers_become_contacts(webhook_service):
    async with webhook_service() as svc:
        await svc.seed_session("u1", "ses_1", "ses_p1")
        await svc.post("sandbox", inbound("false_k1", "hello"))
        await svc.post("sandbox", inbound("false_k2", "hello again"))

        async def contacts() -> list[dict[str, object]] | None:
            found = (await svc.client.get("/v1/contacts", headers=svc.jwt("u1"))).json()["contacts"]
            return found if found and found[0]["message_count"] == 2 else None

        [contact] = await eventually(contacts, what="a contact with 2 messages")
        others = (await svc.client.get("/v1/contacts", headers=svc.jwt("u2"))).json()["contacts"]
    assert contact["number"] == "6289876543210"
    assert contact["first_seen"]
    assert contact["last_seen"]
    assert others == []


async def test_inbound_with_content_window_is_still_one_round_trip(webhook_service):
    async with webhook_service(directory_refresh_s=3600, outbox_poll_interval_s=3600) as svc:
        await svc.seed_session("u1", "ses_1", "ses_p1")
        await svc.tap.drain()
        with svc.commands() as commands:
            response = await svc.post("sandbox", inbound("false_r1", "count my round trips"))
    assert response.json()["accepted"] == 1
    assert ingest_commands(commands) == [("update", "ingest_marks")], commands
