"""The user's plan as session-svc knows it (from billing's events), and its summary."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class KnownPlan:
    plan_name: str | None
    status: str
    max_sessions: int
    daily_limit_per_session: int | None
    ends_at: datetime | None

    def is_active(self, now: datetime) -> bool:
        return self.status == "active" and (self.ends_at is None or self.ends_at > now)


@dataclass(frozen=True)
class Summary:
    plan_name: str | None
    max_sessions: int
    sessions_used: int
    sessions_remaining: int
    can_create_more: bool
    ends_at: datetime | None
    status: str


def summarize(plan: KnownPlan | None, sessions_used: int, now: datetime) -> Summary:
    if plan is None:
        return Summary(None, 0, sessions_used, 0, False, None, "none")
    active = plan.is_active(now)
    remaining = max(0, plan.max_sessions - sessions_used) if active else 0
    status = plan.status if active or plan.status != "active" else "expired"
    return Summary(
        plan.plan_name,
        plan.max_sessions,
        sessions_used,
        remaining,
        remaining > 0,
        plan.ends_at,
        status,
    )
