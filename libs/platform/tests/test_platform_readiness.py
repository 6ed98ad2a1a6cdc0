"""Integration: /readyz follows MongoDB's reachability; /healthz and /metrics answer."""

import contextlib
import tempfile

import httpx
import pytest
from pymongo import AsyncMongoClient
from wagate_platform.liveness import mongo_liveness
from wagate_platform.settings import ServiceSettings
from wagate_testing.apps import app_client
from wagate_testing.infra import free_port, secantus
from wagate_testing.probe_service import make_service
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def _readiness_when(client: httpx.AsyncClient, status: int) -> dict[str, object] | None:
    response = await client.get("/readyz")
    return response.json() if response.status_code == status else None


async def test_readyz_turns_503_when_mongodb_goes_away_and_200_when_it_returns(
    make_settings, janitor
):
    port = free_port()
    with tempfile.TemporaryDirectory() as storage, contextlib.ExitStack() as first_run:
        url = first_run.enter_context(secantus(storage, port))
        settings = make_settings(
            ServiceSettings, service_name="ready-svc", mongodb_url=url, mongodb_timeout_ms=500
        )
        async with app_client(make_service(settings), janitor) as client:
            ready = await client.get("/readyz")
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"] == {"mongodb": "ok", "rabbitmq": "ok", "consumers": "ok"}

            first_run.close()  # MongoDB goes away
            down = await eventually(lambda: _readiness_when(client, 503), what="503")
            assert down["checks"] == {
                "mongodb": "unavailable",
                "rabbitmq": "ok",
                "consumers": "ok",
            }
            assert (await client.get("/healthz")).status_code == 200

            with secantus(storage, port):  # ...and comes back on the same address
                up = await eventually(lambda: _readiness_when(client, 200), what="200")
                assert up["status"] == "ready"


async def test_metrics_and_asyncapi_are_served(make_settings, janitor):
    app = make_service(make_settings(ServiceSettings, service_name="ops-svc"))
    async with app_client(app, janitor) as client:
        await client.get("/healthz")
        metrics = await client.get("/metrics")
        assert metrics.status_code == 200
        assert "wagate_http_request_seconds" in metrics.text
        spec = await client.get("/asyncapi.json")
        assert spec.status_code == 200
        assert spec.json()["asyncapi"].startswith("3.")
        assert (await client.get("/docs")).status_code == 200


async def test_liveness_fails_only_when_our_client_is_broken_and_the_server_is_up(mongodb_url):
    """A client that cannot reach a server a fresh client reaches is wedged: restart it.
    A server that is down for everyone is an outage: stay alive (and unready)."""
    healthy: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongodb_url)
    broken: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongodb_url)
    await broken.close()  # stands for a client whose pool or topology is left broken
    dead_url = f"mongodb://127.0.0.1:{free_port()}/?directConnection=true"
    unreachable: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        dead_url, serverSelectionTimeoutMS=300
    )
    try:
        assert await mongo_liveness(healthy, mongodb_url)()
        assert not await mongo_liveness(broken, mongodb_url)()
        assert await mongo_liveness(unreachable, dead_url, timeout_s=0.5)()
    finally:
        await healthy.close()
        await unreachable.close()
