"""Domain errors: what a use case raises when a rule says no, without speaking HTTP.

A use case raises a subclass (defined per service, in its ``domain/errors.py``) of one
of the kinds below, with the contract's error ``code``, a message and data. The
service's entry point maps each kind to an HTTP status (``entrypoints/errors.py``
passes a ``{kind: status}`` table to ``build_service_app``), and the platform answers
it in the common error format. Nothing here imports FastAPI.
"""

from typing import Any, ClassVar


class DomainError(Exception):
    """A rule of the domain refused the request; ``code`` is the contract's ``error``."""

    code: ClassVar[str] = "bad_request"

    def __init__(
        self,
        message: str,
        data: dict[str, Any] | None = None,
        *,
        code: str | None = None,
        retry_after_s: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.data = data or {}
        self.error = code or type(self).code
        self.retry_after_s = retry_after_s


class NotFound(DomainError):
    """Unknown, or another user's: the two look the same (no existence leaks)."""

    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class Refused(DomainError):
    """Not allowed for this user now (plan limits, inactive subscription)."""

    code = "forbidden"


class Invalid(DomainError):
    """Well-formed input that breaks a rule (an unknown session to pin, a bad number)."""

    code = "validation_error"


class Unauthorized(DomainError):
    code = "unauthorized"


class TooMany(DomainError):
    """A rate limit; ``retry_after_s`` becomes ``Retry-After``."""

    code = "rate_limited"


class UpstreamFailed(DomainError):
    """A provider or another service answered with a failure."""

    code = "provider_error"


class Unavailable(DomainError):
    """A dependency cannot answer now; ``retry_after_s`` becomes ``Retry-After``."""

    code = "service_unavailable"


DEFAULT_STATUSES: dict[type[DomainError], int] = {
    NotFound: 404,
    Conflict: 409,
    Refused: 403,
    Invalid: 422,
    Unauthorized: 401,
    TooMany: 429,
    UpstreamFailed: 502,
    Unavailable: 503,
    DomainError: 400,
}
"""The usual status of each kind; a service's entry point may override any of them."""


def status_of(exc: DomainError, statuses: dict[type[DomainError], int]) -> int:
    """The status of the most specific kind of ``exc`` found in ``statuses``."""
    for kind in type(exc).__mro__:
        if kind in statuses:
            return statuses[kind]
    return 400
