"""Unit: the common error format, the correlation id and secret handling over HTTP."""

import json
import logging

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field
from wagate_platform.errors import ApiError, install_error_handlers
from wagate_platform.http import install_http_middleware
from wagate_platform.logging import configure_logging, get_logger
from wagate_platform.settings import ServiceSettings


class Body(BaseModel):
    name: str = Field(min_length=1, max_length=5)


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    install_http_middleware(app)
    log = get_logger("test")

    @app.post("/things")
    async def create(body: Body) -> dict[str, str]:
        log.info("thing_created", api_key="wg_live_secret")
        return {"name": body.name}

    @app.get("/conflict")
    async def conflict() -> None:
        raise ApiError(409, "session_name_taken", "name taken", {"name": "x"})

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("internal detail that must not leak")

    return app


async def _client() -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://t")


@pytest.mark.asyncio
async def test_validation_error_is_422_in_common_format():
    async with await _client() as client:
        resp = await client.post("/things", json={"name": "far too long"})
    body = resp.json()
    assert resp.status_code == 422
    assert body["status"] == 422
    assert body["error"] == "validation_error"
    assert body["data"]["errors"][0]["loc"] == ["body", "name"]


@pytest.mark.asyncio
async def test_malformed_json_is_422_not_500():
    async with await _client() as client:
        resp = await client.post(
            "/things", content=b"{not json", headers={"content-type": "application/json"}
        )
    assert resp.status_code == 422
    assert resp.json()["error"] == "validation_error"


@pytest.mark.asyncio
async def test_api_error_and_unknown_route_use_common_format():
    async with await _client() as client:
        conflict = await client.get("/conflict")
        missing = await client.get("/nope")
    assert conflict.status_code == 409
    assert conflict.json() == {
        "status": 409,
        "error": "session_name_taken",
        "message": "name taken",
        "data": {"name": "x"},
    }
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"


@pytest.mark.asyncio
async def test_unexpected_error_is_bare_500_without_detail():
    async with await _client() as client:
        resp = await client.get("/boom")
    assert resp.status_code == 500
    assert resp.json()["error"] == "internal_error"
    assert "internal detail" not in resp.text


@pytest.mark.asyncio
async def test_correlation_id_is_echoed_and_logged_and_secrets_redacted(capsys):
    configure_logging("test-svc", "INFO", "json")
    async with await _client() as client:
        resp = await client.post("/things", json={"name": "ok"}, headers={"X-Request-ID": "req-9"})
    assert resp.headers["X-Request-ID"] == "req-9"
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if "{" in line]
    created = next(line for line in lines if line.get("event") == "thing_created")
    assert created["correlation_id"] == "req-9"
    assert created["service"] == "test-svc"
    assert created["api_key"] == "[redacted]"
    logging.getLogger().handlers.clear()


def test_placeholder_secret_refused_outside_development():
    with pytest.raises(ValueError, match="AUTH_JWT_SECRET"):
        ServiceSettings(environment="production")
    strong = "x" * 40
    settings = ServiceSettings(
        environment="production",
        auth_jwt_secret=strong,
        provider_webhook_hmac_key=strong,
        webhook_shared_secret=strong,
    )
    assert not settings.is_development
