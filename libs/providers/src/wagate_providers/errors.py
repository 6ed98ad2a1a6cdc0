"""Shared helpers for turning provider HTTP failures into classified ``ProviderError``s."""

import httpx

from wagate_providers.base import ProviderError

MAX_DETAIL = 300


def transport_error(exc: httpx.HTTPError) -> ProviderError:
    """A timeout or connection failure: always ``transient`` (retry elsewhere or later)."""
    if isinstance(exc, httpx.TimeoutException):
        return ProviderError("transient", "provider_timeout", "the provider timed out")
    return ProviderError(
        "transient", "provider_unreachable", f"cannot reach the provider: {type(exc).__name__}"
    )


def retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds, when the provider sent a numeric one."""
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def by_http_status(response: httpx.Response, detail: str) -> ProviderError:
    """The generic classification of an HTTP status when the provider gave no better code."""
    status = response.status_code
    if status == 429:
        return ProviderError(
            "session",
            "rate_limited",
            detail,
            http_status=status,
            retry_after_s=retry_after(response),
        )
    if status >= 500:
        return ProviderError("transient", "provider_error", detail, http_status=status)
    if status in (401, 403):
        return ProviderError(
            "permanent",
            "provider_unauthorized",
            "the provider refused our credentials",
            http_status=status,
        )
    return ProviderError("permanent", "bad_request", detail, http_status=status)


def short(text: object) -> str:
    return str(text)[:MAX_DETAIL] or "no detail"
