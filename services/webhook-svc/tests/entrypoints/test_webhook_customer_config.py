"""Integration: GET|PUT|DELETE /v1/webhook-config for the calling customer only."""

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_webhook_config_lifecycle(webhook_service):
    async with webhook_service() as svc:
        anonymous = await svc.client.get("/v1/webhook-config")
        put = await svc.client.put(
            "/v1/webhook-config",
            json={"url": "http://127.0.0.1:9/hook", "events": ["message.status"]},
            headers=svc.jwt("u1"),
        )
        mine = await svc.client.get("/v1/webhook-config", headers=svc.jwt("u1"))
        theirs = await svc.client.get("/v1/webhook-config", headers=svc.jwt("u2"))
        invalid = await svc.client.put(
            "/v1/webhook-config", json={"url": "ftp://x", "events": ["nope"]}, headers=svc.jwt("u1")
        )
        deleted = await svc.client.delete("/v1/webhook-config", headers=svc.jwt("u1"))
        gone = await svc.client.get("/v1/webhook-config", headers=svc.jwt("u1"))
    assert anonymous.status_code == 401
    assert put.status_code == 200
    secret = put.json()["secret"]
    assert secret.startswith("whsec_")
    assert len(secret) > 30
    assert mine.json()["events"] == ["message.status"]
    assert mine.json()["secret"] != secret
    assert secret.endswith(mine.json()["secret"][-4:])
    assert theirs.status_code == 404
    assert invalid.status_code == 422
    assert invalid.json()["error"] == "validation_error"
    assert deleted.status_code == 204
    assert gone.status_code == 404


async def test_event_lists_are_bounded_and_repeats_dropped(webhook_service):
    url = "http://127.0.0.1:9/hook"
    async with webhook_service() as svc:
        huge = await svc.client.put(
            "/v1/webhook-config",
            json={"url": url, "events": ["message.status"] * 1_200_000},  # was a 500
            headers=svc.jwt("u1"),
        )
        repeated = await svc.client.put(
            "/v1/webhook-config",
            json={"url": url, "events": ["message.status", "message.received", "message.status"]},
            headers=svc.jwt("u1"),
        )
    assert huge.status_code == 422, huge.text
    assert huge.json()["error"] == "validation_error"
    assert huge.json()["data"]["errors"][0]["loc"] == ["body", "events"]
    assert repeated.status_code == 200, repeated.text
    assert repeated.json()["events"] == ["message.status", "message.received"]
