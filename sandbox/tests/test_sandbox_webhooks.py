"""Webhooks: HMAC signatures, ack order, inbound messages, redelivery, retries, filters."""

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from provider_sandbox.testing import WebhookReceiver

MakeSession = Callable[..., Awaitable[dict[str, Any]]]
ClientFactory = Callable[..., Awaitable[httpx.AsyncClient]]
CHAT = "6281234567890@c.us"


async def send_text(client: httpx.AsyncClient, session: str, text: str = "hello") -> str:
    response = await client.post(
        "/api/sendText", json={"session": session, "chatId": CHAT, "text": text}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.mark.asyncio
async def test_webhook_hmac_is_hmac_sha512_of_the_raw_body(
    client: httpx.AsyncClient, receiver: WebhookReceiver, make_session: MakeSession, hmac_key: str
) -> None:
    await make_session("signed")
    await client.post("/control/sessions/signed/inbound", json={"from": CHAT, "body": "hi ✓"})
    hook = await receiver.next_event("message")

    expected = hmac.new(hmac_key.encode(), hook.body, hashlib.sha512).hexdigest()
    assert hook.headers["x-webhook-hmac"] == expected
    assert hook.headers["x-webhook-hmac-algorithm"] == "sha512"
    assert hook.headers["content-type"] == "application/json"
    assert hook.headers["x-webhook-request-id"]
    assert hook.headers["x-webhook-timestamp"].isdigit()
    wrong = hmac.new(b"other-key", hook.body, hashlib.sha512).hexdigest()
    assert hook.headers["x-webhook-hmac"] != wrong


@pytest.mark.asyncio
async def test_unsigned_webhook_without_hmac_key(
    client: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    hooks = [{"url": receiver.url, "events": ["session.status"]}]
    await client.post("/api/sessions", json={"name": "plain", "config": {"webhooks": hooks}})
    hook = await receiver.next_event("session.status")
    assert "x-webhook-hmac" not in hook.headers


@pytest.mark.asyncio
async def test_default_webhook_url_and_hmac_key(client_factory: ClientFactory) -> None:
    async with WebhookReceiver() as default, WebhookReceiver() as own:
        client = await client_factory(webhook_url=default.url, webhook_hmac_key="dflt")
        # No webhooks in its config: the default URL, signed with the default key.
        await client.post("/api/sessions", json={"name": "bare", "start": False})
        await client.post("/api/sessions/bare/start")
        hook = await default.next_event("session.status")
        expected = hmac.new(b"dflt", hook.body, hashlib.sha512).hexdigest()
        assert hook.headers["x-webhook-hmac"] == expected

        # Its own webhook without a key: only that URL, still signed with the default key.
        hooks = [{"url": own.url, "events": ["session.status"]}]
        await client.post("/api/sessions", json={"name": "own", "config": {"webhooks": hooks}})
        hook = await own.next_event("session.status")
        expected = hmac.new(b"dflt", hook.body, hashlib.sha512).hexdigest()
        assert hook.headers["x-webhook-hmac"] == expected
        await client.post("/control/flush")
        assert all(item.json()["session"] == "bare" for item in default.pending())


@pytest.mark.asyncio
async def test_acks_arrive_in_order_after_a_send(
    client: httpx.AsyncClient, receiver: WebhookReceiver, make_session: MakeSession
) -> None:
    me = (await make_session("acks"))["me"]["id"]
    message_id = await send_text(client, "acks")
    assert message_id.startswith(f"true_{CHAT}_3EB0")

    acks = [(await receiver.next_event("message.ack")).json() for _ in range(3)]
    assert [a["payload"]["ack"] for a in acks] == [1, 2, 3]
    assert [a["payload"]["ackName"] for a in acks] == ["SERVER", "DEVICE", "READ"]
    payload = acks[0]["payload"]
    assert payload["id"] == message_id
    assert (payload["from"], payload["to"], payload["fromMe"]) == (me, CHAT, True)
    assert acks[0]["me"]["id"] == me

    sent = (await client.get("/control/sessions/acks/sent")).json()
    assert sent[0]["acks"] == [1, 2, 3]
    assert sent[0]["ackName"] == "READ"


@pytest.mark.asyncio
async def test_auto_ack_can_be_disabled_and_acks_sent_by_hand(
    client: httpx.AsyncClient, receiver: WebhookReceiver, make_session: MakeSession
) -> None:
    await make_session("manual")
    config = await client.put("/control/config", json={"auto_ack": False})
    assert config.json()["auto_ack"] is False
    message_id = await send_text(client, "manual")

    response = await client.post(
        "/control/sessions/manual/ack", json={"message_id": message_id, "ack": 3, "redeliver": 2}
    )
    assert response.status_code == 202
    first = await receiver.next()
    second = await receiver.next()
    assert first.event == second.event == "message.ack"  # no automatic ack 1/2 in between
    assert first.json()["payload"]["ack"] == 3
    assert first.body == second.body  # the very same event, delivered twice

    unknown = await client.post(
        "/control/sessions/manual/ack", json={"message_id": "nope", "ack": 2}
    )
    assert unknown.status_code == 404


@pytest.mark.asyncio
async def test_ack_delays_are_configurable(
    client: httpx.AsyncClient, receiver: WebhookReceiver, make_session: MakeSession
) -> None:
    await make_session("slow")
    await client.put("/control/config", json={"ack_delays_ms": [0, 20, 20]})
    await send_text(client, "slow")
    acks = [(await receiver.next_event("message.ack")).json() for _ in range(3)]
    assert [a["payload"]["ack"] for a in acks] == [1, 2, 3]
    assert acks[2]["timestamp"] - acks[0]["timestamp"] >= 30


@pytest.mark.asyncio
async def test_inbound_message_and_redelivery(
    client: httpx.AsyncClient, receiver: WebhookReceiver, make_session: MakeSession
) -> None:
    me = (await make_session("inbox"))["me"]["id"]
    response = await client.post(
        "/control/sessions/inbox/inbound",
        json={"from": "+62 812-3456-7890", "body": "order #1", "redeliver": 3},
    )
    assert response.status_code == 202
    event_id = response.json()["event_id"]

    hooks = [await receiver.next_event("message") for _ in range(3)]
    bodies = [hook.json() for hook in hooks]
    assert {b["id"] for b in bodies} == {event_id}
    assert len({hook.headers["x-webhook-request-id"] for hook in hooks}) == 3
    payload = bodies[0]["payload"]
    assert payload["from"] == CHAT
    assert payload["to"] == me
    assert payload["fromMe"] is False
    assert payload["body"] == "order #1"
    assert payload["hasMedia"] is False
    assert payload["id"] == response.json()["id"]
    assert payload["id"].startswith(f"false_{CHAT}_")

    with_id = await client.post(
        "/control/sessions/inbox/inbound", json={"from": CHAT, "body": "x", "id": "false_fixed"}
    )
    assert (await receiver.next_event("message")).json()["payload"]["id"] == "false_fixed"
    assert with_id.json()["id"] == "false_fixed"


@pytest.mark.asyncio
async def test_inbound_needs_a_working_session(
    client: httpx.AsyncClient, make_session: MakeSession
) -> None:
    await make_session("cold", working=False)
    response = await client.post("/control/sessions/cold/inbound", json={"from": CHAT})
    assert response.status_code == 422
    assert response.json()["status"] == "SCAN_QR_CODE"


@pytest.mark.asyncio
async def test_events_filter_and_metadata(
    client: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    config = {
        "webhooks": [{"url": receiver.url, "events": ["message"]}],
        "metadata": {"user.id": "u-1"},
    }
    await client.post("/api/sessions", json={"name": "filtered", "config": config})
    await client.post("/control/sessions/filtered/scan")
    await send_text(client, "filtered")
    await client.post("/control/sessions/filtered/inbound", json={"from": CHAT, "body": "yo"})
    hook = await receiver.next()  # no session.status nor message.ack before it
    assert hook.event == "message"
    assert hook.json()["metadata"] == {"user.id": "u-1"}
    assert receiver.pending() == []


@pytest.mark.asyncio
async def test_failed_deliveries_are_retried(client_factory: ClientFactory) -> None:
    async with WebhookReceiver(fail_first=2) as receiver:
        client = await client_factory(webhook_url=receiver.url, webhook_hmac_key="global")
        await client.post("/api/sessions", json={"name": "retry", "start": False})
        await client.post("/api/sessions/retry/start")
        hook = await receiver.next_event("session.status")
        assert hook.json()["payload"]["status"] == "STARTING"
        assert receiver.requests == 3
        assert (await client.post("/control/flush")).status_code == 200
        deliveries = (await client.get("/control/deliveries")).json()
        assert deliveries[0]["attempts"] == 3
        assert deliveries[0]["ok"] is True


@pytest.mark.asyncio
async def test_a_failed_delivery_does_not_stop_later_ones(client_factory: ClientFactory) -> None:
    async with WebhookReceiver(fail_first=2) as receiver:
        client = await client_factory(webhook_url=receiver.url, webhook_attempts=1)
        await client.post("/api/sessions", json={"name": "lossy"})  # STARTING, SCAN_QR_CODE
        await client.post("/control/sessions/lossy/scan")  # WORKING
        hook = await receiver.next_event("session.status")
        assert hook.json()["payload"]["status"] == "WORKING"
        await client.post("/control/flush")
        deliveries = (await client.get("/control/deliveries")).json()
        assert [d["ok"] for d in deliveries] == [False, False, True]
        assert [d["status_code"] for d in deliveries] == [500, 500, 200]


@pytest.mark.asyncio
async def test_unreachable_webhook_does_not_break_the_api(client: httpx.AsyncClient) -> None:
    hooks = [{"url": "http://127.0.0.1:9/nothing", "events": ["*"], "retries": {"attempts": 1}}]
    body = {"name": "lonely", "config": {"webhooks": hooks}}
    assert (await client.post("/api/sessions", json=body)).status_code == 201
    assert (await client.post("/control/sessions/lonely/scan")).status_code == 200
    assert (await client.post("/control/flush")).status_code == 200
    deliveries = (await client.get("/control/deliveries")).json()
    assert len(deliveries) == 3  # STARTING, SCAN_QR_CODE, WORKING: all attempted
    assert not any(d["ok"] for d in deliveries)
    assert deliveries[0]["error"].startswith("ConnectError")
