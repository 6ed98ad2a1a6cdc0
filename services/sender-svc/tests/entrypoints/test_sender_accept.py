"""The accept path: auth, subscription, rate limit, validation, idempotency, round trips."""

from datetime import timedelta

import pytest
from wagate_platform.auth import issue_jwt
from wagate_platform.settings import DEV_JWT_SECRET
from wagate_testing.apps import runtime_of

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]
TEXT = {"to": "6281234567890", "type": "text", "text": "hi"}


async def test_over_the_per_minute_limit_answers_429_with_retry_after(sender_app, sandbox, stage):
    async with sender_app() as (app, client):
        tenant = await stage(runtime_of(app), sandbox, rate_limit=3)
        codes = [
            (await client.post("/v1/messages", json=TEXT, headers=tenant.headers)).status_code
            for _ in range(3)
        ]
        limited = await client.post("/v1/messages", json=TEXT, headers=tenant.headers)
        budget = await client.get("/v1/rate-limit", headers=tenant.headers)
    assert codes == [202, 202, 202]
    assert limited.status_code == 429
    body = limited.json()
    assert body["error"] == "rate_limited"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert body["data"]["retry_after"] == int(limited.headers["Retry-After"])
    assert budget.json()["limit"] == 3
    assert budget.json()["remaining"] == 0
    assert budget.json()["is_limited"] is True


async def test_expired_or_canceled_subscription_answers_403(sender_app, sandbox, stage):
    async with sender_app() as (app, client):
        runtime = runtime_of(app)
        expired = await stage(runtime, sandbox, status="expired")
        lapsed = await stage(runtime, sandbox, ends_in=timedelta(seconds=-5))
        first = await client.post("/v1/messages", json=TEXT, headers=expired.headers)
        second = await client.post("/v1/messages", json=TEXT, headers=lapsed.headers)
    assert first.status_code == 403
    assert first.json()["error"] == "subscription_inactive"
    assert second.status_code == 403
    assert second.json()["error"] == "subscription_inactive"


async def test_bad_credentials_and_bad_input_get_clear_4xx(sender_app, sandbox, stage):
    async with sender_app() as (app, client):
        tenant = await stage(runtime_of(app), sandbox)
        no_key = await client.post("/v1/messages", json=TEXT)
        bad_key = await client.post(
            "/v1/messages", json=TEXT, headers={"X-Api-Key": "wg_live_nope"}
        )
        bad_phone = await client.post(
            "/v1/messages", json={**TEXT, "to": "+62 12"}, headers=tenant.headers
        )
        no_text = await client.post(
            "/v1/messages", json={"to": "6281234567890", "type": "text"}, headers=tenant.headers
        )
        no_media = await client.post(
            "/v1/messages", json={"to": "6281234567890", "type": "image"}, headers=tenant.headers
        )
        group = await client.post(
            "/v1/messages", json={**TEXT, "to": "120363025246125486@g.us"}, headers=tenant.headers
        )
        token = issue_jwt(tenant.user_id, "customer", DEV_JWT_SECRET)
        via_jwt = await client.post(
            "/v1/messages", json=TEXT, headers={"Authorization": f"Bearer {token}"}
        )
        bearer_key = await client.post(
            "/v1/messages", json=TEXT, headers={"Authorization": f"Bearer {tenant.api_key}"}
        )
    assert (no_key.status_code, bad_key.status_code) == (401, 401)
    assert bad_phone.status_code == 422
    assert bad_phone.json()["error"] == "invalid_phone_number"
    assert no_text.status_code == 422
    assert no_text.json()["error"] == "validation_error"
    assert no_media.status_code == 422
    assert group.status_code == 202
    assert via_jwt.status_code == 202
    assert bearer_key.status_code == 202


async def test_idempotency_key_returns_the_first_result(sender_app, sandbox, stage, until_status):
    async with sender_app() as (app, client):
        tenant = await stage(runtime_of(app), sandbox)
        headers = {**tenant.headers, "Idempotency-Key": "order-42"}
        first = await client.post("/v1/messages", json=TEXT, headers=headers)
        again = await client.post("/v1/messages", json=TEXT, headers=headers)
        await until_status(client, tenant, first.json()["id"], ("sent",))
        listed = await client.get("/v1/messages", headers=tenant.headers)
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert len(listed.json()["messages"]) == 1
    assert len(await sandbox.sent(tenant.sessions[0])) == 1


async def test_accept_path_makes_at_most_two_mongodb_round_trips(sender_app, sandbox, stage):
    quiet = {
        "campaign_poll_interval_s": 600,
        "relay_interval_s": 600,
        "ack_flush_interval_s": 600,
        "outbox_poll_interval_s": 600,
    }
    async with sender_app(**quiet) as (app, client):
        runtime = runtime_of(app)
        tenant = await stage(runtime, sandbox)
        await runtime.broker.stop()  # no dispatcher: count the accept path alone
        await runtime.broker.connect()
        runtime.mongo_commands.reset()
        answer = await client.post("/v1/messages", json=TEXT, headers=tenant.headers)
        commands = dict(runtime.mongo_commands.by_command)
    assert answer.status_code == 202
    assert sum(commands.values()) <= 2, commands


async def test_dispatch_makes_at_most_three_round_trips_per_message(
    sender_app, sandbox, stage, mongodb_url
):
    from pymongo import AsyncMongoClient
    from wagate_testing.waiting import eventually

    quiet = {
        "campaign_poll_interval_s": 600,
        "relay_interval_s": 600,
        "ack_flush_interval_s": 600,
        "outbox_poll_interval_s": 600,
    }
    count = 6
    async with sender_app(**quiet) as (app, client):
        runtime = runtime_of(app)
        tenant = await stage(runtime, sandbox, sessions=2)
        runtime.mongo_commands.reset()
        for n in range(count):
            body = {**TEXT, "to": f"62812345{n:05d}"}
            assert (
                await client.post("/v1/messages", json=body, headers=tenant.headers)
            ).status_code == 202
        watcher = AsyncMongoClient(mongodb_url)  # polls outside the counted client
        try:
            messages = watcher[runtime.db.name]["messages"]

            async def all_sent() -> bool:
                return await messages.count_documents({"status": "sent"}) == count

            await eventually(all_sent)
        finally:
            await watcher.close()
        by_origin = dict(runtime.mongo_commands.by_origin)
        by_command = dict(runtime.mongo_commands.by_command)
    dispatch = sum(n for origin, n in by_origin.items() if origin.endswith("sender-svc.dispatch"))
    accept = by_origin.get("http:POST /v1/messages", 0)
    assert 0 < dispatch <= count * 3, by_origin
    assert accept <= count * 2, by_origin
    assert "findAndModify" not in by_command or by_command["findAndModify"] <= count * 2, (
        by_command  # the account window (accept) and the session slot: never the message
    )
