"""Integration: the audit log, and events surviving a publish that dies mid-way."""

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_audit_records_who_did_what_and_admins_read_anyones(stack):
    await stack.subscribe("frank", "free")
    sid = (await stack.create("frank", name="one")).json()["id"]
    await stack.create("frank", name="two")  # denied: the plan allows one
    await stack.api.patch(f"/v1/sessions/{sid}", json={"name": "uno"}, headers=stack.auth("frank"))
    await stack.api.delete(f"/v1/sessions/{sid}", headers=stack.auth("frank"))

    own = (await stack.api.get("/v1/audit", headers=stack.auth("frank"))).json()["entries"]
    assert [(e["action"], e["outcome"], e["session_id"]) for e in own] == [
        ("delete", "success", sid),
        ("update", "success", sid),
        ("create", "denied", None),
        ("create", "success", sid),
    ]
    assert {e["actor_id"] for e in own} == {"frank"}
    assert all(e["at"] for e in own)

    nosy = await stack.api.get("/v1/audit", params={"user_id": "frank"}, headers=stack.auth("gina"))
    assert nosy.json()["entries"] == []
    admin = await stack.api.get(
        "/v1/audit", params={"user_id": "frank", "session_id": sid}, headers=stack.admin
    )
    assert len(admin.json()["entries"]) == 3


async def test_an_event_whose_publish_died_still_arrives_through_the_relay(stack, monkeypatch):
    await stack.subscribe("hank", "free")

    async def dies_before_publishing(events):
        raise ConnectionError("process killed between commit and publish")

    monkeypatch.setattr(stack.runtime.relay, "publish_now", dies_before_publishing)
    died = await stack.create("hank", name="survivor")
    monkeypatch.undo()
    # the caller is never told it worked (the edge answers an unexpected broker error 503)
    assert died.status_code == 503
    assert died.json()["error"] == "broker_unavailable"

    created = await stack.tap.next(
        "session.created", lambda b: b["user_id"] == "hank", timeout_s=20
    )
    assert created["name"] == "survivor"
    listing = (await stack.api.get("/v1/sessions", headers=stack.auth("hank"))).json()
    assert [s["name"] for s in listing["sessions"]] == ["survivor"]
    usage = (await stack.billing.get("/v1/subscription", headers=stack.auth("hank"))).json()
    assert usage["sessions_used"] == 1  # the committed session keeps its slot
