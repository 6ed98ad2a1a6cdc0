"""Error responses in the shapes WAHA (a NestJS app) answers with."""

from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

STATUS_NOT_AS_EXPECTED = "Session status is not as expected. Try again later or restart the session"


class SandboxHTTPError(Exception):
    """An error answered as ``status_code`` with ``body`` as JSON."""

    def __init__(
        self, status_code: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{status_code}: {body}")
        self.status_code = status_code
        self.body = body
        self.headers = headers or {}


def nest_error(status_code: int, message: str | list[str]) -> SandboxHTTPError:
    """NestJS' default error body: ``{statusCode, message, error}``."""
    phrase = HTTPStatus(status_code).phrase
    return SandboxHTTPError(
        status_code, {"statusCode": status_code, "message": message, "error": phrase}
    )


def session_not_found(name: str) -> SandboxHTTPError:
    return nest_error(404, f"We didn't find a session with name '{name}'.")


def session_status_error(name: str, status: str, expected: list[str]) -> SandboxHTTPError:
    """WAHA's 422 when a session is not in a status the call needs (e.g. not WORKING)."""
    body = {
        "error": STATUS_NOT_AS_EXPECTED,
        "session": name,
        "status": status,
        "expected": expected,
    }
    return SandboxHTTPError(422, body)


def engine_error(
    message: str, code: int | None = None, details: str | None = None
) -> SandboxHTTPError:
    """WAHA's 500 for an error the WhatsApp engine raised while sending."""
    exception: dict[str, Any] = {"message": message}
    if code is not None:
        exception["code"] = code
    if details is not None:
        exception["details"] = details
    body = {
        "statusCode": 500,
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "exception": exception,
    }
    return SandboxHTTPError(500, body)


async def _sandbox_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SandboxHTTPError)
    return JSONResponse(exc.body, status_code=exc.status_code, headers=exc.headers)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    messages = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        messages.append(f"{where}: {error.get('msg', 'invalid')}" if where else error["msg"])
    error = nest_error(400, messages)
    return JSONResponse(error.body, status_code=error.status_code)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SandboxHTTPError, _sandbox_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
