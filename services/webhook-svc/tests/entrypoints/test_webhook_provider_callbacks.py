"""Integration: each provider's documented samples become the right contract events."""

import json

import pytest
from prometheus_client import REGISTRY

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]

WAHA_ACK_ID = "true_11111111111@c.us_4CC5EDD64BC22EBA6D639F2AF571346C"
META_PHONE_ID = "106540352242922"


async def test_waha_message_ack_sample_becomes_message_status_of_the_sent_message(
    webhook_service, fixture_bytes
):
    async with webhook_service() as svc:
        await svc.seed_session("u1", "ses_1", "default", provider="waha")
        await svc.seed_sent("u1", "msg_1", "ses_1", "waha", WAHA_ACK_ID)
        response = await svc.post("waha", fixture_bytes("waha_message_ack.json"))
        assert response.status_code == 200, response.text
        assert response.json() == {
            "accepted": 1,
            "duplicates": 0,
            "ignored": 0,
            "deduplicated": False,
        }
        [event] = await svc.tap.wait_for("message.status")
    assert event["user_id"] == "u1"
    assert event["message_id"] == "msg_1"
    assert event["session_id"] == "ses_1"
    assert event["provider"] == "waha"
    assert event["provider_message_id"] == WAHA_ACK_ID
    assert event["status"] == "read"
    assert event["producer"] == "webhook-svc"


async def test_waha_session_status_sample_becomes_session_status_reported(
    webhook_service, fixture_bytes
):
    async with webhook_service() as svc:
        await svc.seed_session("u1", "ses_1", "default", provider="waha")
        response = await svc.post("waha", fixture_bytes("waha_session_status.json"))
        assert response.status_code == 200, response.text
        [event] = await svc.tap.wait_for("session.status_reported")
    assert event["session_id"] == "ses_1"
    assert event["user_id"] == "u1"
    assert event["status"] == "connected"
    assert event["raw_status"] == "WORKING"
    assert event["provider_session"] == "default"


async def test_meta_statuses_batch_with_a_failed_status_and_errors(webhook_service, fixture_bytes):
    async with webhook_service() as svc:
        await svc.seed_session("u2", "ses_m", META_PHONE_ID, provider="meta")
        response = await svc.post("meta", fixture_bytes("meta_statuses_batch.json"))
        assert response.status_code == 200, response.text
        assert response.json()["accepted"] == 2
        events = await svc.tap.wait_for("message.status", count=2)
    by_status = {e["status"]: e for e in events}
    assert set(by_status) == {"delivered", "failed"}
    failed = by_status["failed"]
    assert failed["user_id"] == "u2"
    assert failed["session_id"] == "ses_m"
    assert failed["error_code"] == "131050"
    assert "stop receiving marketing messages" in failed["error_message"]
    assert failed["to"] == "16505551234"
    assert failed["message_id"] is None  # not sent through this platform: matched by session only


async def test_meta_inbound_text_becomes_message_received(webhook_service, fixture_bytes):
    async with webhook_service() as svc:
        await svc.seed_session("u2", "ses_m", META_PHONE_ID, provider="meta")
        response = await svc.post("meta", fixture_bytes("meta_inbound_text.json"))
        assert response.status_code == 200, response.text
        [event] = await svc.tap.wait_for("message.received")
    assert event["from"] == "16505551234"
    assert event["text"] == "Does it come in another color?"
    assert event["type"] == "text"
    assert event["session_id"] == "ses_m"
    assert event["deduplicated"] is False


async def test_whapi_messages_and_statuses_samples(webhook_service, fixture_bytes):
    async with webhook_service() as svc:
        await svc.seed_session("u3", "ses_w", "MANTIS-M72HC", provider="whapi")
        inbound = await svc.post("whapi", fixture_bytes("whapi_messages.json"))
        status = await svc.post("whapi", fixture_bytes("whapi_statuses.json"))
        assert inbound.status_code == 200, inbound.text
        assert status.status_code == 200, status.text
        [received] = await svc.tap.wait_for("message.received")
        [receipt] = await svc.tap.wait_for("message.status")
    assert received["from"] == "919984351847"
    assert received["text"] == "Hello world"
    assert received["user_id"] == "u3"
    assert receipt["status"] == "read"
    assert receipt["provider_message_id"] == "p.w30M7fgwWD4XwHu.g4CA-gBgTwl0rVw"


async def test_meta_wrong_or_missing_signature_is_401_and_publishes_nothing(
    webhook_service, fixture_bytes, sign
):
    body = fixture_bytes("meta_inbound_text.json")
    async with webhook_service() as svc:
        await svc.seed_session("u2", "ses_m", META_PHONE_ID, provider="meta")
        forged = {"X-Hub-Signature-256": "sha256=" + "0" * 64}
        wrong = await svc.post("meta", body, headers=forged)
        missing = await svc.post("meta", body, headers={"Content-Type": "application/json"})
        tampered = await svc.post(
            "meta", body.replace(b"color", b"colour"), headers=sign("meta", body)
        )
        await svc.tap.drain()
        published = list(svc.tap.events)
    for response in (wrong, missing, tampered):
        assert response.status_code == 401
        assert response.json()["error"] == "unauthorized"
    assert published == []


async def test_meta_handshake_echoes_the_challenge_only_with_the_right_token(webhook_service):
    async with webhook_service() as svc:
        params = {"hub.mode": "subscribe", "hub.challenge": "1158201444"}
        ok = await svc.client.get(
            "/v1/webhooks/meta",
            params={**params, "hub.verify_token": "test-meta-verify-token-0123"},
        )
        bad = await svc.client.get(
            "/v1/webhooks/meta", params={**params, "hub.verify_token": "nope"}
        )
        none = await svc.client.get("/v1/webhooks/meta", params=params)
    assert ok.status_code == 200
    assert ok.text == "1158201444"
    assert bad.status_code == 403
    assert "1158201444" not in bad.text
    assert none.status_code == 403
    assert bad.json()["error"] == "forbidden"


async def test_bad_input_is_a_clear_4xx_and_unknown_kinds_are_acknowledged(webhook_service, sign):
    async with webhook_service(max_body_bytes=2048) as svc:
        big = json.dumps({"event": "message", "pad": "x" * 4096}).encode()
        too_large = await svc.post("sandbox", big)
        malformed = await svc.post("sandbox", b'{"event": "message.ack",')
        wrong_shape = await svc.post("sandbox", b'{"event": "message.ack", "session": "s"}')
        unknown_provider = await svc.post("telegram", b"{}", headers={})
        unknown_kind_body = json.dumps(
            {"event": "presence.update", "session": "s", "payload": {}}
        ).encode()
        unknown_kind = await svc.post("sandbox", unknown_kind_body)
        await svc.tap.drain()
        published = list(svc.tap.events)
    assert too_large.status_code == 413
    assert too_large.json()["error"] == "payload_too_large"
    assert malformed.status_code == 400
    assert malformed.json()["error"] == "invalid_json"
    assert wrong_shape.status_code == 400
    assert wrong_shape.json()["error"] == "invalid_payload"
    assert unknown_provider.status_code == 404
    assert unknown_kind.status_code == 200
    assert unknown_kind.json() == {
        "accepted": 0,
        "duplicates": 0,
        "ignored": 1,
        "deduplicated": False,
    }
    counted = REGISTRY.get_sample_value(
        "wagate_webhook_callback_items_total",
        {"provider": "sandbox", "kind": "presence.update", "outcome": "unsupported"},
    )
    assert counted
    assert counted >= 1
    assert published == []
