"""Domain errors are answered in the common format with the status the service maps."""

import httpx
import pytest
from fastapi import FastAPI
from wagate_platform.domain_errors import Conflict, NotFound, Refused, TooMany, status_of
from wagate_platform.errors import install_domain_errors, install_error_handlers


class NameTaken(Conflict):
    code = "session_name_taken"


class LimitReached(Refused):
    code = "session_limit_reached"


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    install_domain_errors(app, {LimitReached: 402})

    @app.get("/taken")
    async def taken() -> None:
        raise NameTaken("you already have a session named 'a'", {"name": "a"})

    @app.get("/limit")
    async def limit() -> None:
        raise LimitReached("plan full", {"max_sessions": 1})

    @app.get("/slow-down")
    async def slow_down() -> None:
        raise TooMany("too many requests", retry_after_s=7)

    return app


@pytest.mark.asyncio
async def test_each_kind_answers_its_status_and_the_contract_code():
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        taken = await client.get("/taken")
        limit = await client.get("/limit")
        slow = await client.get("/slow-down")

    assert taken.status_code == 409
    assert taken.json() == {
        "status": 409,
        "error": "session_name_taken",
        "message": "you already have a session named 'a'",
        "data": {"name": "a"},
    }
    assert limit.status_code == 402  # the service's own table overrides the kind's default
    assert limit.json()["error"] == "session_limit_reached"
    assert slow.status_code == 429
    assert slow.headers["Retry-After"] == "7"
    assert slow.json()["data"] == {"retry_after": 7}


def test_the_most_specific_mapped_kind_wins():
    assert status_of(NameTaken("x"), {Conflict: 409}) == 409
    assert status_of(NotFound("x"), {}) == 400
