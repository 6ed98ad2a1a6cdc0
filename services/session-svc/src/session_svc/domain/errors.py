"""What session-svc's rules refuse, as domain errors (the entry point maps them to HTTP)."""

from typing import Any

from wagate_platform.domain_errors import (
    Conflict,
    Invalid,
    NotFound,
    Refused,
    TooMany,
    Unavailable,
    UpstreamFailed,
)


class SessionNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("session not found")


class GroupNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("session group not found")


class SessionNameTaken(Conflict):
    code = "session_name_taken"

    def __init__(self, name: str) -> None:
        super().__init__(f"you already have a session named {name!r}", {"name": name})


class GroupNameTaken(Conflict):
    code = "group_name_taken"

    def __init__(self, name: str) -> None:
        super().__init__(f"you already have a group named {name!r}", {"name": name})


class DailyLimitExceedsPlan(Invalid):
    code = "daily_limit_exceeds_plan"

    def __init__(self, daily_limit: int | None, cap: int | None) -> None:
        super().__init__(
            f"daily_limit {daily_limit} is above your plan's {cap} messages per session per day",
            {"daily_limit": daily_limit, "plan_daily_limit": cap},
        )


class UnknownSessions(Invalid):
    code = "unknown_session"

    def __init__(self, session_ids: list[str]) -> None:
        super().__init__("some sessions do not exist", {"session_ids": session_ids})


class CreationRateLimited(TooMany):
    code = "rate_limited"

    def __init__(self, retry_after_s: int) -> None:
        super().__init__("too many sessions created; try again later", retry_after_s=retry_after_s)


class NoBillingAnswer(Unavailable):
    code = "billing_unavailable"

    def __init__(self) -> None:
        super().__init__("billing did not answer; no session was created")


class SessionLimitReached(Refused):
    code = "session_limit_reached"

    def __init__(self, max_sessions: int | None, data: dict[str, Any]) -> None:
        super().__init__(f"your plan allows {max_sessions} session(s) and all are in use", data)


class SubscriptionInactive(Refused):
    code = "subscription_inactive"

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__("your subscription is not active", data)


class SessionNotReady(Conflict):
    code = "session_not_ready"

    def __init__(self, provider_code: str) -> None:
        super().__init__("the session is not in a state that allows this", {"code": provider_code})


class ProviderFailed(UpstreamFailed):
    code = "provider_error"

    def __init__(self, message: str, provider_code: str, kind: str) -> None:
        super().__init__(f"the provider failed: {message}", {"code": provider_code, "kind": kind})


class BillingUnreachable(Exception):
    """billing-svc did not answer in time (or the question could not be delivered); raised
    by the billing port, answered to the client as :class:`NoBillingAnswer`."""
