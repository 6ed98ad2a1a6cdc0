"""The common error format: ``{"status", "error", "message", "data"}``.

Every failure a client can see goes through these handlers, so bad input is a
clear 4xx, an outage (:func:`wagate_platform.faults.classify`) is a 503 with
``Retry-After``, and an unexpected error is a bare 500 without a stack trace.
:func:`exception_response` is what the edge middleware (``wagate_platform.http``)
answers for an exception no handler took, so the connection stays open.
"""

from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from wagate_platform.domain_errors import DEFAULT_STATUSES, DomainError, status_of
from wagate_platform.faults import Fault, classify
from wagate_platform.logging import get_logger

log = get_logger(__name__)

RETRY_AFTER_S: Final = 5
"""What a 503 asks the client to wait before retrying (``Retry-After``, ``data.retry_after``)."""

_FAULT_CODES: Final = {
    Fault.DATABASE: ("database_unavailable", "the database is unavailable, retry later"),
    Fault.BROKER: ("broker_unavailable", "the message broker is unavailable, retry later"),
    Fault.DEPENDENCY: ("service_unavailable", "a dependency is unavailable, retry later"),
}

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    503: "service_unavailable",
}


class ApiError(Exception):
    """An error answered in the common format."""

    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.data = data or {}
        self.headers = headers


def error_body(status: int, error: str, message: str, data: Any = None) -> dict[str, Any]:
    return {"status": status, "error": error, "message": message, "data": data or {}}


def error_response(err: ApiError) -> JSONResponse:
    return JSONResponse(
        error_body(err.status, err.error, err.message, err.data),
        status_code=err.status,
        headers=err.headers,
    )


def not_found(what: str = "resource") -> ApiError:
    return ApiError(404, "not_found", f"{what} not found")


def unavailable(error: str, message: str, retry_after_s: int = RETRY_AFTER_S) -> ApiError:
    """503 in the common format, with ``Retry-After`` and ``data.retry_after``."""
    return ApiError(
        503,
        error,
        message,
        {"retry_after": retry_after_s},
        headers={"Retry-After": str(retry_after_s)},
    )


def fault_of(exc: BaseException) -> Fault | None:
    """The outage behind ``exc``; an exception group is one when all its members are."""
    if isinstance(exc, BaseExceptionGroup):
        faults = [fault_of(member) for member in exc.exceptions]
        return faults[0] if faults and all(faults) else None
    return classify(exc)


def exception_response(exc: Exception) -> JSONResponse:
    """The answer to an exception no handler took: 503 for an outage, else a logged 500."""
    fault = fault_of(exc)
    if fault is not None:
        log.warning("request_unavailable", fault=fault.value, error_type=type(exc).__name__)
        return error_response(unavailable(*_FAULT_CODES[fault]))
    log.error("unhandled_error", error_type=type(exc).__name__, exc_info=exc)
    return JSONResponse(error_body(500, "internal_error", "internal server error"), status_code=500)


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = [
        {
            "loc": [str(part) for part in err.get("loc", ())],
            "message": err.get("msg", ""),
            "type": err.get("type", ""),
        }
        for err in exc.errors()
    ]
    return JSONResponse(
        error_body(422, "validation_error", "request validation failed", {"errors": fields}),
        status_code=422,
    )


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return JSONResponse(
        error_body(exc.status_code, code, message),
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


async def _unexpected_error(_: Request, exc: Exception) -> JSONResponse:
    # Last resort for a failure outside the edge middleware (Starlette re-raises after it).
    return exception_response(exc)


def domain_error_response(
    exc: DomainError, statuses: dict[type[DomainError], int] | None = None
) -> JSONResponse:
    """A domain error in the common format, with the status its service maps it to."""
    status = status_of(exc, {**DEFAULT_STATUSES, **(statuses or {})})
    headers = {"Retry-After": str(exc.retry_after_s)} if exc.retry_after_s is not None else None
    data = dict(exc.data)
    if exc.retry_after_s is not None:
        data.setdefault("retry_after", exc.retry_after_s)
    return JSONResponse(
        error_body(status, exc.error, exc.message, data), status_code=status, headers=headers
    )


def install_domain_errors(app: FastAPI, statuses: dict[type[DomainError], int]) -> None:
    """Answer the service's domain errors with the statuses its entry point chose."""

    async def handler(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        return domain_error_response(exc, statuses)

    app.add_exception_handler(DomainError, handler)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
