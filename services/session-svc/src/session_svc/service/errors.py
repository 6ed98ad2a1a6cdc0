"""Errors the session use cases answer with (common error format)."""

from wagate_platform.errors import ApiError
from wagate_providers.base import ProviderError


def name_taken(name: str) -> ApiError:
    return ApiError(
        409, "session_name_taken", f"you already have a session named {name!r}", {"name": name}
    )


def daily_limit_too_high(daily_limit: int | None, cap: int | None) -> ApiError:
    return ApiError(
        422,
        "daily_limit_exceeds_plan",
        f"daily_limit {daily_limit} is above your plan's {cap} messages per session per day",
        {"daily_limit": daily_limit, "plan_daily_limit": cap},
    )


def session_not_found() -> ApiError:
    return ApiError(404, "not_found", "session not found")


def provider_failure(exc: ProviderError) -> ApiError:
    """A provider failure as the client sees it: 409 when the session is not ready, else 502."""
    if exc.code in ("session_not_ready", "not_found"):
        return ApiError(
            409,
            "session_not_ready",
            "the session is not in a state that allows this",
            {"code": exc.code},
        )
    return ApiError(
        502,
        "provider_error",
        f"the provider failed: {exc.message}",
        {"code": exc.code, "kind": exc.kind},
    )
