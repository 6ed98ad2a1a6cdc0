"""Pure rules about sessions: ids and names, health, the daily limit against the plan."""

import math
import secrets
from typing import Literal

from wagate_contracts import SessionStatus

Health = Literal["green", "yellow", "red"]
RED_STATUSES: frozenset[SessionStatus] = frozenset({"disconnected", "failed", "logged_out"})


def new_session_id() -> str:
    """The platform id, also the provider-side session name (``ses_<hex>``)."""
    return f"ses_{secrets.token_hex(8)}"


def new_group_id() -> str:
    return f"grp_{secrets.token_hex(8)}"


def generated_name() -> str:
    return f"session-{secrets.token_hex(3)}"


def effective_daily_limit(own: int | None, plan_cap: int | None) -> int | None:
    """The session's own limit capped by the plan's (None: unlimited / not set)."""
    if own is None:
        return plan_cap
    if plan_cap is None:
        return own
    return min(own, plan_cap)


def exceeds_plan(daily_limit: int | None, plan_cap: int | None) -> bool:
    return daily_limit is not None and plan_cap is not None and daily_limit > plan_cap


def health(
    status: SessionStatus, sent_today: int, daily_limit: int | None, warning_ratio: float
) -> Health:
    """Green when connected, yellow when reconnecting, not connected yet or close to the
    daily limit, red when disconnected, failed or logged out."""
    if status in RED_STATUSES:
        return "red"
    if status != "connected":
        return "yellow"
    if near_daily_limit(sent_today, daily_limit, warning_ratio):
        return "yellow"
    return "green"


def near_daily_limit(sent_today: int, daily_limit: int | None, warning_ratio: float) -> bool:
    """True once ``sent_today`` reaches ``warning_ratio`` of the limit (None: unlimited).

    The threshold is a whole number of messages, rounded up (90 % of 15 is 14), and
    computed without float noise (0.7 * 10 is 7, not 7.000000000000001)."""
    if daily_limit is None:
        return False
    return sent_today >= math.ceil(round(daily_limit * warning_ratio, 6))
