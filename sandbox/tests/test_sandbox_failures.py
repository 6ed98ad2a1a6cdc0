"""Failure injection: 463 timelock, invalid recipients, 429, logged out, random, reset."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from provider_sandbox.testing import WebhookReceiver

MakeSession = Callable[..., Awaitable[dict[str, Any]]]
ClientFactory = Callable[..., Awaitable[httpx.AsyncClient]]
CHAT = "6281234567890@c.us"


async def send(client: httpx.AsyncClient, session: str, chat: str = CHAT) -> httpx.Response:
    return await client.post(
        "/api/sendText", json={"session": session, "chatId": chat, "text": "x"}
    )


@pytest.mark.asyncio
async def test_timelock_463_on_one_session_only(
    client: httpx.AsyncClient, make_session: MakeSession
) -> None:
    await make_session("locked")
    await make_session("free")
    for kind in ("timelock", "ban"):
        rule = await client.put("/control/sessions/locked/failures", json={"kind": kind})
        assert rule.status_code == 200
        response = await send(client, "locked")
        assert response.status_code == 500
        assert response.json()["exception"]["details"] == "server returned error 463"
        assert "463" in response.json()["exception"]["message"]
        assert response.headers["x-sandbox-failure"] == kind
        assert (await send(client, "free")).status_code == 201

    assert (await send(client, "locked")).status_code == 500  # always, until cleared
    await client.delete("/control/sessions/locked/failures")
    assert (await send(client, "locked")).status_code == 201
    sent = (await client.get("/control/sessions/locked/sent")).json()
    assert len(sent) == 1  # failed sends are not recorded


@pytest.mark.asyncio
async def test_rate_limit_for_the_next_n_sends(
    client: httpx.AsyncClient, make_session: MakeSession
) -> None:
    await make_session("busy")
    body = {"kind": "rate_limit", "count": 2, "retry_after_s": 3}
    await client.put("/control/sessions/busy/failures", json=body)
    first, second, third = [await send(client, "busy") for _ in range(3)]
    assert first.status_code == second.status_code == 429
    assert first.headers["retry-after"] == "3"
    assert first.json()["statusCode"] == 429
    assert third.status_code == 201


@pytest.mark.asyncio
async def test_server_error_and_invalid_recipient_kinds(
    client: httpx.AsyncClient, make_session: MakeSession
) -> None:
    await make_session("flaky")
    await client.put("/control/sessions/flaky/failures", json={"kind": "server_error", "count": 1})
    assert (await send(client, "flaky")).status_code == 500
    await client.put(
        "/control/sessions/flaky/failures", json={"kind": "invalid_recipient", "count": 1}
    )
    assert (await send(client, "flaky")).status_code == 400
    assert (await send(client, "flaky")).status_code == 201
    bad_kind = await client.put("/control/sessions/flaky/failures", json={"kind": "gremlins"})
    assert bad_kind.status_code == 400


@pytest.mark.asyncio
async def test_failing_number_is_an_invalid_recipient_on_every_session(
    client: httpx.AsyncClient, make_session: MakeSession
) -> None:
    await make_session("one")
    await make_session("two")
    assert (await client.put("/control/numbers/+6289999999999/fail")).status_code == 200
    for session in ("one", "two"):
        response = await send(client, session, "6289999999999@c.us")
        assert response.status_code == 400
        assert "not registered" in response.json()["message"]
        assert (await send(client, session)).status_code == 201
    await client.delete("/control/numbers/6289999999999/fail")
    assert (await send(client, "one", "6289999999999@c.us")).status_code == 201


@pytest.mark.asyncio
async def test_logged_out_session_fails_and_reports_its_status(
    client: httpx.AsyncClient, receiver: WebhookReceiver, make_session: MakeSession
) -> None:
    await make_session("gone")
    await client.put("/control/sessions/gone/failures", json={"kind": "logged_out"})
    response = await send(client, "gone")
    assert response.status_code == 422
    assert response.json()["status"] == "FAILED"
    hook = await receiver.next_event("session.status")
    assert hook.json()["payload"]["status"] == "FAILED"
    session = (await client.get("/api/sessions/gone")).json()
    assert (session["status"], session["me"]) == ("FAILED", None)
    # Restarting asks for a new QR scan: the pairing is gone.
    restarted = await client.post("/api/sessions/gone/restart")
    assert restarted.json()["status"] == "SCAN_QR_CODE"


@pytest.mark.asyncio
async def test_random_failures_are_reproducible(client_factory: ClientFactory) -> None:
    async def outcomes() -> list[int]:
        client = await client_factory(auto_connect=True, random_seed=42, auto_ack=False)
        await client.post("/api/sessions", json={"name": "dice"})
        await client.put("/control/config", json={"failure_rate": 0.5})
        return [(await send(client, "dice")).status_code for _ in range(20)]

    first, second = await outcomes(), await outcomes()
    assert first == second
    assert set(first) == {201, 500}


@pytest.mark.asyncio
async def test_control_config_validation(client: httpx.AsyncClient) -> None:
    assert (await client.put("/control/config", json={"failure_rate": 2})).status_code == 400
    assert (await client.put("/control/config", json={"ack_delays_ms": [1]})).status_code == 400
    updated = await client.put("/control/config", json={"latency_ms": 5})
    assert updated.json()["latency_ms"] == 5
    assert (await client.get("/control/config")).json()["latency_ms"] == 5


@pytest.mark.asyncio
async def test_reset_clears_everything(
    client: httpx.AsyncClient, make_session: MakeSession
) -> None:
    await make_session("old")
    await client.put("/control/config", json={"latency_ms": 50, "auto_ack": False})
    await client.put("/control/numbers/6281111111111/fail")
    assert (await send(client, "old")).status_code == 201

    assert (await client.post("/control/reset")).json() == {"reset": True}
    assert (await client.get("/api/sessions", params={"all": True})).json() == []
    config = (await client.get("/control/config")).json()
    assert (config["latency_ms"], config["auto_ack"]) == (0, True)
    assert (await client.get("/control/deliveries")).json() == []

    await client.post("/api/sessions", json={"name": "old"})
    await client.post("/control/sessions/old/scan")
    assert (await client.get("/control/sessions/old/sent")).json() == []
    assert (await send(client, "old", "6281111111111@c.us")).status_code == 201
