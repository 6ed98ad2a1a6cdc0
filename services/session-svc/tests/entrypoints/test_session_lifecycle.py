"""Integration: lifecycle through the WAHA adapter against the sandbox, status from the
provider's reports (relayed as webhook-svc would), health, and auto-reconnect."""

import base64

import pytest
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]
SANDBOX = "/control/sessions"


async def _status(stack, user: str, sid: str) -> dict:
    return (await stack.api.get(f"/v1/sessions/{sid}", headers=stack.auth(user))).json()


async def _reaches(stack, user: str, sid: str, status: str) -> dict:
    async def probe() -> dict | None:
        body = await _status(stack, user, sid)
        return body if body["status"] == status else None

    return await eventually(probe, timeout_s=20, what=f"{sid} to be {status}")


async def _connected_session(stack, user: str) -> str:
    await stack.subscribe(user, "basic")
    sid = (await stack.create(user)).json()["id"]
    connecting = await stack.api.post(f"/v1/sessions/{sid}/connect", headers=stack.auth(user))
    assert connecting.status_code == 200, connecting.text
    await _reaches(stack, user, sid, "scan_qr")
    scanned = await stack.sandbox.post(f"{SANDBOX}/{sid}/scan", json={"phone": "6281234567890"})
    assert scanned.status_code == 200
    await _reaches(stack, user, sid, "connected")
    return sid


async def test_connect_qr_scan_and_a_users_own_disconnect(stack):
    await stack.subscribe("ivy", "basic")
    sid = (await stack.create("ivy")).json()["id"]
    me = stack.auth("ivy")
    await stack.api.post(f"/v1/sessions/{sid}/connect", headers=me)

    provider_side = (await stack.sandbox.get(f"/api/sessions/{sid}")).json()
    hook = provider_side["config"]["webhooks"][0]
    assert hook["url"] == f"{stack.relay.base_url}/v1/webhooks/sandbox"
    assert hook["hmac"]["key"] == "test-hmac-key-0123456789abcdef"

    waiting = await _reaches(stack, "ivy", sid, "scan_qr")
    assert waiting["health"] == "yellow"
    qr_json = (await stack.api.get(f"/v1/sessions/{sid}/qr", headers=me)).json()
    assert qr_json["value"]
    assert base64.b64decode(qr_json["data"]).startswith(b"\x89PNG")
    png = await stack.api.get(f"/v1/sessions/{sid}/qr", headers={**me, "Accept": "image/png"})
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")

    await stack.sandbox.post(f"{SANDBOX}/{sid}/scan", json={"phone": "6281234567890"})
    connected = await _reaches(stack, "ivy", sid, "connected")
    assert (connected["health"], connected["phone_number"]) == ("green", "6281234567890")
    changed = await stack.tap.next(
        "session.status_changed", lambda b: b["session_id"] == sid and b["status"] == "connected"
    )
    assert changed["previous_status"] == "scan_qr"

    not_ready = await stack.api.get(f"/v1/sessions/{sid}/qr", headers=me)
    assert (not_ready.status_code, not_ready.json()["error"]) == (409, "session_not_ready")

    off = await stack.api.post(f"/v1/sessions/{sid}/disconnect", headers=me)
    assert (off.json()["status"], off.json()["health"]) == ("disconnected", "red")
    await stack.tap.next(  # the provider's own report of the stop came back and was applied
        "session.status_changed", lambda b: b["session_id"] == sid and b["status"] == "disconnected"
    )
    provider_side = (await stack.sandbox.get(f"/api/sessions/{sid}")).json()
    assert provider_side["status"] == "STOPPED"  # not restarted: a user's disconnect is final
    assert not stack.tap.seen("session.status_changed", lambda b: b["status"] == "reconnecting")


async def test_a_dropped_session_reconnects(stack):
    sid = await _connected_session(stack, "jack")
    await stack.sandbox.post(f"{SANDBOX}/{sid}/drop", json={"status": "FAILED"})

    await stack.tap.next(
        "session.status_changed", lambda b: b["session_id"] == sid and b["status"] == "reconnecting"
    )
    await stack.tap.next(
        "session.status_changed",
        lambda b: (
            b["session_id"] == sid
            and b["status"] == "connected"
            and b["previous_status"] == "reconnecting"
        ),
    )
    audit = (
        await stack.api.get("/v1/audit", params={"session_id": sid}, headers=stack.auth("jack"))
    ).json()
    attempts = [e["details"]["attempt"] for e in audit["entries"] if e["action"] == "reconnect"]
    # one attempt brings it back; a second may start if the report is slower than the backoff
    assert sorted(attempts)[:1] == [1]
    assert len(attempts) <= 2
    assert (await _status(stack, "jack", sid))["status"] == "connected"


async def test_reconnect_gives_up_after_five_attempts_on_a_session_that_keeps_dropping(stack):
    sid = await _connected_session(stack, "kate")

    async def drop_again(name: str, raw: str) -> None:
        if name == sid and raw == "WORKING":
            await stack.sandbox.post(f"{SANDBOX}/{sid}/drop", json={"status": "FAILED"})

    stack.relay.on_status = drop_again
    await stack.sandbox.post(f"{SANDBOX}/{sid}/drop", json={"status": "FAILED"})

    gave_up = await stack.tap.next(
        "session.status_changed",
        lambda b: b["session_id"] == sid and b["status"] == "failed",
        timeout_s=30,
    )
    assert gave_up["previous_status"] == "reconnecting"
    assert gave_up["reason"] == "reconnect gave up after 5 attempts"
    failed = await _status(stack, "kate", sid)
    assert (failed["status"], failed["health"]) == ("failed", "red")
    audit = (
        await stack.api.get("/v1/audit", params={"session_id": sid}, headers=stack.auth("kate"))
    ).json()
    reconnects = [
        (e["outcome"], e["details"])
        for e in reversed(audit["entries"])
        if e["action"] == "reconnect"
    ]
    assert reconnects == [("attempted", {"attempt": n}) for n in range(1, 6)] + [
        ("failed", {"attempts": 5})
    ]


async def test_disconnect_all(stack):
    first = await _connected_session(stack, "liam")
    idle = (await stack.create("liam")).json()["id"]
    answer = await stack.api.post("/v1/sessions/disconnect-all", headers=stack.auth("liam"))
    assert answer.json() == {"disconnected": [first], "failed": []}
    assert (await _status(stack, "liam", first))["status"] == "disconnected"
    assert (await _status(stack, "liam", idle))["status"] == "created"
