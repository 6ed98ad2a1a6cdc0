"""WAHA sessions API: lifecycle, QR, me, API key, unknown sessions."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from provider_sandbox.qr import PNG_SIGNATURE
from provider_sandbox.testing import WebhookReceiver

ClientFactory = Callable[..., Awaitable[httpx.AsyncClient]]
MakeSession = Callable[..., Awaitable[dict[str, Any]]]


@pytest.mark.asyncio
async def test_session_lifecycle_and_qr(client: httpx.AsyncClient) -> None:
    created = await client.post("/api/sessions", json={"name": "alpha", "start": False})
    assert created.status_code == 201
    assert created.json()["status"] == "STOPPED"
    assert (await client.get("/api/sessions")).json() == []  # STOPPED ones need ?all=true
    listed = (await client.get("/api/sessions", params={"all": "true"})).json()
    assert [s["name"] for s in listed] == ["alpha"]

    qr_stopped = await client.get("/api/alpha/auth/qr")
    assert qr_stopped.status_code == 422
    assert qr_stopped.json()["expected"] == ["SCAN_QR_CODE"]

    started = await client.post("/api/sessions/alpha/start")
    assert started.json()["status"] == "SCAN_QR_CODE"
    assert (await client.get("/api/sessions/alpha/me")).json() is None

    png = await client.get("/api/alpha/auth/qr")
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(PNG_SIGNATURE)
    raw = await client.get("/api/alpha/auth/qr", params={"format": "raw"})
    assert raw.json()["value"].startswith("2@")
    as_json = await client.get("/api/alpha/auth/qr", headers={"Accept": "application/json"})
    assert as_json.json()["mimetype"] == "image/png"

    scanned = await client.post("/control/sessions/alpha/scan", json={"phone": "+6281234567890"})
    assert scanned.json()["status"] == "WORKING"
    me = (await client.get("/api/sessions/alpha/me")).json()
    assert me["id"] == "6281234567890@c.us"
    assert (await client.get("/api/alpha/auth/qr")).status_code == 422

    # A paired session reconnects without a new QR scan.
    assert (await client.post("/api/sessions/alpha/stop")).json()["status"] == "STOPPED"
    assert (await client.post("/api/sessions/alpha/start")).json()["status"] == "WORKING"
    assert (await client.post("/api/sessions/alpha/restart")).json()["status"] == "WORKING"

    # Logout forgets the pairing: back to the QR code.
    logged_out = await client.post("/api/sessions/alpha/logout")
    assert logged_out.json()["status"] == "SCAN_QR_CODE"
    assert logged_out.json()["me"] is None

    assert (await client.delete("/api/sessions/alpha")).status_code == 200
    assert (await client.get("/api/sessions/alpha")).status_code == 404


@pytest.mark.asyncio
async def test_create_update_and_duplicate(client: httpx.AsyncClient) -> None:
    config = {"webhooks": [{"url": "http://127.0.0.1:9/x", "events": ["message"]}]}
    created = await client.post("/api/sessions", json={"name": "beta", "config": config})
    assert created.json()["config"]["webhooks"][0]["events"] == ["message"]
    duplicate = await client.post("/api/sessions", json={"name": "beta"})
    assert duplicate.status_code == 422

    new_config = {"metadata": {"user.id": "u1"}}
    updated = await client.put("/api/sessions/beta", json={"config": new_config})
    assert updated.json()["config"] == {"metadata": {"user.id": "u1"}}
    assert (await client.get("/api/sessions/beta")).json()["config"] == new_config

    unnamed = await client.post("/api/sessions", json={})
    assert unnamed.json()["name"].startswith("session_")
    bad_name = await client.post("/api/sessions", json={"name": "no spaces"})
    assert bad_name.status_code == 400
    assert bad_name.json()["statusCode"] == 400


@pytest.mark.asyncio
async def test_unknown_session_is_404_everywhere(client: httpx.AsyncClient) -> None:
    send = {"session": "ghost", "chatId": "6281234567890@c.us", "text": "hi"}
    responses = [
        await client.get("/api/sessions/ghost"),
        await client.put("/api/sessions/ghost", json={}),
        await client.delete("/api/sessions/ghost"),
        await client.post("/api/sessions/ghost/start"),
        await client.get("/api/sessions/ghost/me"),
        await client.get("/api/ghost/auth/qr"),
        await client.post("/api/sendText", json=send),
        await client.post("/control/sessions/ghost/scan"),
        await client.get("/control/sessions/ghost/sent"),
    ]
    assert [r.status_code for r in responses] == [404] * len(responses)
    assert responses[0].json()["error"] == "Not Found"


@pytest.mark.asyncio
async def test_scan_emits_session_status_webhook(
    client: httpx.AsyncClient, receiver: WebhookReceiver, make_session: MakeSession
) -> None:
    await make_session("gamma", working=False)
    await client.post("/control/sessions/gamma/scan", json={"push_name": "Shop"})
    hook = (await receiver.next_event("session.status")).json()
    assert hook["session"] == "gamma"
    assert hook["payload"]["status"] == "WORKING"
    assert hook["me"]["pushName"] == "Shop"
    assert hook["id"].startswith("evt_")
    assert hook["engine"] == "GOWS"
    assert hook["environment"]["engine"] == "GOWS"
    assert [s["status"] for s in hook["payload"]["statuses"]][-1] == "WORKING"


@pytest.mark.asyncio
async def test_drop_and_recover(
    client: httpx.AsyncClient, receiver: WebhookReceiver, make_session: MakeSession
) -> None:
    await make_session("delta")
    dropped = await client.post("/control/sessions/delta/drop", json={"recover_after_ms": 0})
    assert dropped.json()["status"] == "STARTING"
    statuses = [(await receiver.next_event("session.status")).json() for _ in range(2)]
    assert [s["payload"]["status"] for s in statuses] == ["STARTING", "WORKING"]

    failed = await client.post("/control/sessions/delta/drop", json={"status": "FAILED"})
    assert failed.json()["status"] == "FAILED"
    hook = await receiver.next_event("session.status")
    assert hook.json()["payload"]["status"] == "FAILED"
    again = await client.post("/control/sessions/delta/drop")
    assert again.status_code == 422  # only a WORKING session can drop


@pytest.mark.asyncio
async def test_auto_connect_goes_straight_to_working(client_factory: ClientFactory) -> None:
    client = await client_factory(auto_connect=True)
    created = await client.post("/api/sessions", json={"name": "dev"})
    assert created.json()["status"] == "WORKING"
    assert created.json()["me"]["id"].endswith("@c.us")


@pytest.mark.asyncio
async def test_api_key_is_required_when_configured(client_factory: ClientFactory) -> None:
    client = await client_factory(api_key="k3y")
    assert (await client.get("/api/sessions")).status_code == 401
    assert (await client.get("/api/sessions", headers={"X-Api-Key": "nope"})).status_code == 401
    assert (await client.post("/control/reset")).status_code == 401
    assert (await client.get("/api/sessions", headers={"X-Api-Key": "k3y"})).status_code == 200
    assert (await client.get("/healthz")).status_code == 200
