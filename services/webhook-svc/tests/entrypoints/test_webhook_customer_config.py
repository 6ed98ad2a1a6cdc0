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
