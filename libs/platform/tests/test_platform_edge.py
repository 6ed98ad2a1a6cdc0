"""The edge guard: outages are 503 with Retry-After, a request past its deadline is 503,
a started stream is exempt, and a 500 keeps the keep-alive connection open (real uvicorn)."""

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from aiormq.exceptions import ConnectionChannelError
from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from pymongo.errors import AutoReconnect, ServerSelectionTimeoutError
from wagate_platform.errors import RETRY_AFTER_S, install_error_handlers
from wagate_platform.faults import BrokerUnavailable
from wagate_platform.http import install_http_middleware
from wagate_platform.logging import configure_logging
from wagate_platform.settings import ServiceSettings
from wagate_testing.apps import served
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(30)]

DEADLINE_S = 0.5
FAILURES: dict[str, Exception] = {
    "selection": ServerSelectionTimeoutError("no servers"),
    "reconnect": AutoReconnect("connection reset"),
    "broker": BrokerUnavailable("broker down"),
    "channel": ConnectionChannelError("channel closed"),
    "timeout": TimeoutError("provider"),
}


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    install_http_middleware(app, request_timeout_s=DEADLINE_S)
    app.state.release = asyncio.Event()
    app.state.finished = []

    @app.get("/fail/{kind}")
    async def fail(kind: str) -> None:
        raise FAILURES[kind]

    @app.get("/group")
    async def group() -> None:
        raise ExceptionGroup("gathered", [AutoReconnect("a"), AutoReconnect("b")])

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("internal detail that must not leak")

    @app.get("/ok")
    async def ok() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/slow")
    async def slow() -> dict[str, bool]:
        await app.state.release.wait()
        app.state.finished.append(True)  # the work is not cut off by the deadline
        return {"late": True}

    @app.get("/stream")
    async def stream() -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            yield b"data: first\n\n"
            await asyncio.sleep(DEADLINE_S * 2)  # a slow stream outlives the deadline
            yield b"data: second\n\n"

        return StreamingResponse(chunks(), media_type="text/event-stream")

    return app


async def _ready(value: list[bool]) -> list[bool]:
    return value


def _client(app: FastAPI | None = None) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app or _app(), raise_app_exceptions=True)
    return httpx.AsyncClient(transport=transport, base_url="http://t")


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("selection", "database_unavailable"),
        ("reconnect", "database_unavailable"),
        ("broker", "broker_unavailable"),
        ("channel", "broker_unavailable"),
        ("timeout", "service_unavailable"),
    ],
)
async def test_outages_answer_503_with_retry_after(kind, error):
    async with _client() as client:
        resp = await client.get(f"/fail/{kind}")
    assert resp.status_code == 503
    assert resp.headers["Retry-After"] == str(RETRY_AFTER_S)
    body = resp.json()
    assert body["status"] == 503
    assert body["error"] == error
    assert body["data"] == {"retry_after": RETRY_AFTER_S}
    assert "no servers" not in body["message"]
    assert resp.headers["X-Request-ID"]


async def test_an_exception_group_of_outages_is_an_outage():
    async with _client() as client:
        resp = await client.get("/group")
    assert resp.status_code == 503
    assert resp.json()["error"] == "database_unavailable"


async def test_a_request_past_its_deadline_answers_503_and_its_work_runs_on():
    app = _app()
    async with _client(app) as client:
        started = time.monotonic()
        resp = await client.get("/slow")
        elapsed = time.monotonic() - started
        assert resp.status_code == 503
        assert resp.json()["error"] == "service_unavailable"
        assert resp.headers["Retry-After"] == str(RETRY_AFTER_S)
        assert resp.headers["X-Request-ID"]
        assert DEADLINE_S <= elapsed < DEADLINE_S + 2
        assert app.state.finished == []

        app.state.release.set()  # the handler was detached, not cancelled: it completes
        await eventually(lambda: _ready(app.state.finished), timeout_s=5, what="the late handler")
        again = await client.get("/ok")  # and its late answer went nowhere
    assert again.json() == {"ok": True}


async def test_a_started_stream_is_not_cut_by_the_deadline():
    async with _client() as client:
        resp = await client.get("/stream")
    assert resp.status_code == 200
    assert resp.text == "data: first\n\ndata: second\n\n"


async def test_a_500_keeps_the_connection_and_logs_unhandled_error(capsys):
    configure_logging("edge-svc", "INFO", "json")
    connections: list[object] = []

    async def remember(response: httpx.Response) -> None:
        connections.append(response.extensions["network_stream"])

    async with (
        served(_app()) as url,
        httpx.AsyncClient(base_url=url, event_hooks={"response": [remember]}) as client,
    ):
        failed = await client.get("/boom")
        assert failed.status_code == 500
        assert failed.json() == {
            "status": 500,
            "error": "internal_error",
            "message": "internal server error",
            "data": {},
        }
        assert "internal detail" not in failed.text
        assert failed.headers.get("connection", "").lower() != "close"
        again = await client.get("/ok")
        assert again.status_code == 200
    assert connections[0] is connections[1], "the second request needed a new connection"
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if "{" in line]
    logged = [line for line in lines if line.get("event") == "unhandled_error"]
    assert logged
    assert logged[0]["error_type"] == "RuntimeError"
    logging.getLogger().handlers.clear()


async def test_the_request_deadline_must_outlast_the_database_timeout():
    with pytest.raises(ValueError, match="HTTP_REQUEST_TIMEOUT_S"):
        ServiceSettings(environment="test", http_request_timeout_s=2, mongodb_timeout_ms=2000)
    defaults = ServiceSettings(environment="test")
    assert defaults.http_request_timeout_s * 1000 > defaults.mongodb_timeout_ms
