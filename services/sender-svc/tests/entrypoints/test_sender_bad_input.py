"""Bad input is refused at once with a 4xx in the common format, and nothing is stored:
an empty recipient, a session or group that is not the caller's."""

from typing import Any

import pytest
from wagate_contracts.envelope import utc_now
from wagate_contracts.events import SessionUpdated
from wagate_testing.apps import runtime_of
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]
TEXT = {"to": "6281234567890", "type": "text", "text": "hi"}
MESSAGE = {"type": "text", "text": "hi"}


async def _join_group(runtime: Any, tenant: Any, session: str, group: str) -> None:
    await runtime.publisher.publish(
        SessionUpdated(
            producer="session-svc",
            user_id=tenant.user_id,
            occurred_at=utc_now(),
            session_id=session,
            name="s0",
            status="connected",
            group_ids=(group,),
            provider="sandbox",
            provider_session=session,
        )
    )

    async def joined() -> bool:
        return await runtime.db["sessions"].count_documents({"_id": session, "group_ids": group})

    await eventually(joined, what=f"{session} in {group}")


async def test_empty_recipient_is_invalid_phone_number_with_its_index(sender_app, sandbox, stage):
    async with sender_app() as (app, client):
        runtime = runtime_of(app)
        tenant = await stage(runtime, sandbox)
        alone = await client.post(
            "/v1/campaigns", json={"message": MESSAGE, "recipients": [""]}, headers=tenant.headers
        )
        second = await client.post(
            "/v1/campaigns",
            json={"message": MESSAGE, "recipients": ["6281234567890", {"to": " "}]},
            headers=tenant.headers,
        )
        too_long = await client.post(
            "/v1/campaigns",
            json={
                "message": {"type": "text", "text": "{{x}}" * 5},
                "recipients": [
                    "6281234567890",
                    {"to": "6281234567891", "variables": {"x": "y" * 1024}},
                ],
            },
            headers=tenant.headers,
        )
        stored = await runtime.db["campaigns"].count_documents({})
    assert alone.status_code == 422, alone.text
    assert alone.json()["error"] == "invalid_phone_number"
    assert alone.json()["data"]["index"] == 0
    assert alone.json()["data"]["field"] == "recipients[0]"
    assert second.status_code == 422, second.text
    assert second.json()["error"] == "invalid_phone_number"
    assert second.json()["data"]["index"] == 1
    assert too_long.status_code == 422, too_long.text
    assert too_long.json()["error"] == "validation_error"
    assert too_long.json()["data"]["index"] == 1
    assert stored == 0


async def test_a_send_pinned_to_a_session_that_is_not_the_callers_is_422_at_once(
    sender_app, sandbox, stage, until_status
):
    async with sender_app() as (app, client):
        runtime = runtime_of(app)
        tenant = await stage(runtime, sandbox)
        other = await stage(runtime, sandbox)
        runtime.mongo_commands.reset()
        foreign = await client.post(
            "/v1/messages", json={**TEXT, "session_id": other.sessions[0]}, headers=tenant.headers
        )
        refused_commands = runtime.mongo_commands.by_origin.get("http:POST /v1/messages", 0)
        missing = await client.post(
            "/v1/messages", json={**TEXT, "session_id": "ses_nowhere"}, headers=tenant.headers
        )
        direct = await client.post(
            "/v1/messages/direct",
            json={**TEXT, "session_id": other.sessions[0]},
            headers=tenant.headers,
        )
        runtime.mongo_commands.reset()
        own = await client.post(
            "/v1/messages", json={**TEXT, "session_id": tenant.sessions[0]}, headers=tenant.headers
        )
        pinned_commands = runtime.mongo_commands.by_origin.get("http:POST /v1/messages", 0)
        assert own.status_code == 202, own.text
        await until_status(client, tenant, own.json()["id"], ("sent",))
        stored = await runtime.db["messages"].count_documents({"user_id": tenant.user_id})
    for answer in (foreign, missing, direct):
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"] == "unknown_session"
        assert answer.json()["data"]["field"] == "session_id"
    assert foreign.json()["data"]["session_ids"] == [other.sessions[0]]
    assert missing.json()["data"]["session_ids"] == ["ses_nowhere"]
    assert refused_commands <= 2  # the account window and the session lookup, nothing stored
    assert pinned_commands <= 3  # the accept path's 2 + the session lookup
    assert stored == 1  # only the accepted one
    assert await sandbox.sent(other.sessions[0]) == []


async def test_a_group_that_is_not_the_callers_is_422(sender_app, sandbox, stage, until_status):
    async with sender_app() as (app, client):
        runtime = runtime_of(app)
        tenant = await stage(runtime, sandbox, sessions=2)
        other = await stage(runtime, sandbox)
        await _join_group(runtime, tenant, tenant.sessions[1], "grp_sales")
        await _join_group(runtime, other, other.sessions[0], "grp_theirs")
        theirs = await client.post(
            "/v1/messages", json={**TEXT, "group_id": "grp_theirs"}, headers=tenant.headers
        )
        outside = await client.post(
            "/v1/messages",
            json={**TEXT, "group_id": "grp_sales", "session_id": tenant.sessions[0]},
            headers=tenant.headers,
        )
        ours = await client.post(
            "/v1/messages", json={**TEXT, "group_id": "grp_sales"}, headers=tenant.headers
        )
        assert ours.status_code == 202, ours.text
        done = await until_status(client, tenant, ours.json()["id"], ("sent",))
    for answer in (theirs, outside):
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"] == "unknown_group"
        assert answer.json()["data"]["field"] == "group_id"
    assert done["session_id"] == tenant.sessions[1]


async def test_campaign_session_ids_and_group_must_be_the_callers(sender_app, sandbox, stage):
    async with sender_app() as (app, client):
        runtime = runtime_of(app)
        tenant = await stage(runtime, sandbox, sessions=2)
        other = await stage(runtime, sandbox)
        body = {"message": MESSAGE, "recipients": ["6281234567890"]}
        foreign = await client.post(
            "/v1/campaigns",
            json={**body, "session_ids": [tenant.sessions[0], other.sessions[0]]},
            headers=tenant.headers,
        )
        no_group = await client.post(
            "/v1/campaigns", json={**body, "group_id": "grp_none"}, headers=tenant.headers
        )
        ours = await client.post(
            "/v1/campaigns", json={**body, "session_ids": tenant.sessions}, headers=tenant.headers
        )
        stored = await runtime.db["campaigns"].count_documents({"user_id": tenant.user_id})
    assert foreign.status_code == 422, foreign.text
    assert foreign.json()["error"] == "unknown_session"
    assert foreign.json()["data"] == {"field": "session_ids", "session_ids": [other.sessions[0]]}
    assert no_group.status_code == 422, no_group.text
    assert no_group.json()["error"] == "unknown_group"
    assert ours.status_code == 202, ours.text
    assert stored == 1
