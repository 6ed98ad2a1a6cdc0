"""Subscription rules: what counts as active, and the quota a user has left."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

StoredStatus = Literal["active", "canceled", "expired"]
EffectiveStatus = Literal["active", "canceled", "expired", "none"]


@dataclass(frozen=True)
class Subscription:
    user_id: str
    plan_id: str
    status: StoredStatus
    starts_at: datetime
    ends_at: datetime


class SubscriptionField:
    """The stored names of a subscription document's fields (used in the repository's queries)."""

    PLAN_ID = "plan_id"
    STATUS = "status"
    ENDS_AT = "ends_at"


def effective_status(subscription: Subscription | None, now: datetime) -> EffectiveStatus:
    """Active only while the status is ``active`` and ``ends_at`` is still ahead.

    Expiry needs nobody to call anything: it is read off the clock at check time.
    """
    if subscription is None:
        return "none"
    if subscription.status == "active" and subscription.ends_at <= now:
        return "expired"
    return subscription.status


@dataclass(frozen=True)
class Quota:
    max_sessions: int
    sessions_used: int
    active: bool

    @property
    def sessions_remaining(self) -> int:
        return max(0, self.max_sessions - self.sessions_used) if self.active else 0

    @property
    def can_create_more(self) -> bool:
        return self.sessions_remaining > 0
