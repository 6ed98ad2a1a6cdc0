"""Injected send failures: what each kind looks like on the wire."""

from dataclasses import dataclass
from enum import StrEnum

from provider_sandbox.errors import SandboxHTTPError, engine_error, nest_error

FAILURE_HEADER = "X-Sandbox-Failure"


class FailureKind(StrEnum):
    RATE_LIMIT = "rate_limit"
    BAN = "ban"
    TIMELOCK = "timelock"
    LOGGED_OUT = "logged_out"
    SERVER_ERROR = "server_error"
    INVALID_RECIPIENT = "invalid_recipient"


@dataclass
class FailureRule:
    """Fail the next ``remaining`` sends of a session (``None``: every send until cleared)."""

    kind: FailureKind
    remaining: int | None = None
    retry_after_s: int = 1

    def consume(self) -> bool:
        """Whether this send fails; counts it down."""
        if self.remaining is None:
            return True
        if self.remaining <= 0:
            return False
        self.remaining -= 1
        return True

    @property
    def exhausted(self) -> bool:
        return self.remaining is not None and self.remaining <= 0


def failure_error(kind: FailureKind, chat_id: str, retry_after_s: int = 1) -> SandboxHTTPError:
    """The HTTP error a send fails with for ``kind`` (``logged_out`` is handled by the caller).

    - ``ban`` / ``timelock``: WhatsApp's 463 "reach-out timelock", which WAHA reports as a
      500 whose ``exception`` says ``server returned error 463``.
    - ``rate_limit``: 429 with ``Retry-After``.
    - ``invalid_recipient``: 400, the number is not on WhatsApp.
    - ``server_error``: a plain 500.
    """
    error: SandboxHTTPError
    if kind in (FailureKind.BAN, FailureKind.TIMELOCK):
        error = engine_error(
            "2 UNKNOWN: server returned error 463", code=2, details="server returned error 463"
        )
    elif kind is FailureKind.RATE_LIMIT:
        error = nest_error(429, "Too Many Requests")
        error.headers["Retry-After"] = str(retry_after_s)
    elif kind is FailureKind.INVALID_RECIPIENT:
        number = chat_id.partition("@")[0]
        error = nest_error(400, f"The number {number} is not registered on WhatsApp")
    else:
        error = engine_error("Internal server error")
    error.headers[FAILURE_HEADER] = kind.value
    return error
