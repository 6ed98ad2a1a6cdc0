"""Integration: the WAHA session adapter against the provider sandbox over real HTTP."""

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from provider_sandbox.app import create_app
from provider_sandbox.settings import SandboxSettings
from provider_sandbox.testing import WebhookReceiver
from wagate_providers.base import ProviderError
from wagate_providers.waha import WahaClient, WahaSessionManager, normalize_status
from wagate_testing.apps import served
from wagate_testing.infra import free_port

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


@pytest_asyncio.fixture(loop_scope="session")
async def sandbox_url() -> AsyncIterator[str]:
    async with served(create_app(SandboxSettings(api_key="sandbox-key"))) as url:
        yield url


@pytest_asyncio.fixture(loop_scope="session")
async def manager(sandbox_url: str) -> AsyncIterator[WahaSessionManager]:
    client = WahaClient(sandbox_url, "sandbox-key", timeout_s=5)
    yield WahaSessionManager(client)
    await client.aclose()


async def test_create_registers_our_signed_webhook_and_lifecycle_follows(
    manager: WahaSessionManager, sandbox_url: str
):
    async with WebhookReceiver() as receiver:
        created = await manager.create("ses_a1", receiver.url, "hmac-secret")
        assert (created.name, created.status, created.raw_status) == (
            "ses_a1",
            "disconnected",
            "STOPPED",
        )
        started = await manager.start("ses_a1")
        assert started.status in ("starting", "scan_qr")
        hook = await receiver.next_event("session.status", session="ses_a1")
        assert "x-webhook-hmac" in hook.headers

        qr = await manager.qr("ses_a1")
        assert qr.value
        assert qr.png is not None
        assert qr.png.startswith(b"\x89PNG")

        async with httpx.AsyncClient(base_url=sandbox_url) as control:
            scanned = await control.post(
                "/control/sessions/ses_a1/scan",
                json={"phone": "6281234567890"},
                headers={"X-Api-Key": "sandbox-key"},
            )
            assert scanned.status_code == 200
        status = await manager.status("ses_a1")
        assert (status.status, status.phone_number) == ("connected", "6281234567890")

        stopped = await manager.stop("ses_a1")
        assert stopped.status == "disconnected"
        await manager.delete("ses_a1")
        await manager.delete("ses_a1")  # already gone: not an error
        with pytest.raises(ProviderError) as missing:
            await manager.status("ses_a1")
        assert (missing.value.kind, missing.value.code) == ("permanent", "not_found")


async def test_create_twice_reconfigures_instead_of_failing(manager: WahaSessionManager):
    await manager.create("ses_b1", "http://127.0.0.1:9/v1/webhooks/sandbox", "k1")
    again = await manager.create("ses_b1", "http://127.0.0.1:9/v1/webhooks/sandbox", "k2")
    assert again.name == "ses_b1"
    await manager.delete("ses_b1")


async def test_qr_of_a_session_not_waiting_for_a_scan_is_a_session_error(
    manager: WahaSessionManager,
):
    await manager.create("ses_c1", "http://127.0.0.1:9/hook", "k")
    with pytest.raises(ProviderError) as err:
        await manager.qr("ses_c1")
    assert (err.value.kind, err.value.code, err.value.http_status) == (
        "session",
        "session_not_ready",
        422,
    )
    await manager.delete("ses_c1")


async def test_wrong_api_key_is_permanent_and_never_echoes_the_key(sandbox_url: str):
    client = WahaClient(sandbox_url, "wrong-key-value")
    try:
        with pytest.raises(ProviderError) as err:
            await WahaSessionManager(client).status("anything")
    finally:
        await client.aclose()
    assert (err.value.kind, err.value.code) == ("permanent", "provider_unauthorized")
    assert "wrong-key-value" not in str(err.value)


async def test_unreachable_provider_is_transient():
    client = WahaClient(f"http://127.0.0.1:{free_port()}", "k", timeout_s=2)
    try:
        with pytest.raises(ProviderError) as err:
            await WahaSessionManager(client).start("ses_x")
    finally:
        await client.aclose()
    assert (err.value.kind, err.value.code) == ("transient", "provider_unreachable")


async def test_rate_limit_and_server_errors_are_classified():
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/start"):
            return httpx.Response(429, json={"message": "slow down"}, headers={"Retry-After": "7"})
        return httpx.Response(500, json={"statusCode": 500, "exception": {"message": "boom"}})

    client = WahaClient("http://waha", transport=httpx.MockTransport(answer))
    manager = WahaSessionManager(client)
    with pytest.raises(ProviderError) as limited:
        await manager.start("s")
    assert (limited.value.kind, limited.value.retry_after_s) == ("session", 7.0)
    with pytest.raises(ProviderError) as broken:
        await manager.stop("s")
    assert (broken.value.kind, broken.value.message) == ("transient", "boom")
    await client.aclose()


async def test_waha_statuses_map_to_platform_statuses():
    assert [normalize_status(s) for s in ("WORKING", "SCAN_QR_CODE", "STOPPED", "FAILED")] == [
        "connected",
        "scan_qr",
        "disconnected",
        "failed",
    ]
    assert normalize_status("SOMETHING_NEW") == "starting"
