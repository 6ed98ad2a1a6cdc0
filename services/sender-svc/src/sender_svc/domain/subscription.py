"""What a user's projected subscription allows."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Subscription:
    status: str
    plan_name: str | None
    ends_at: datetime | None
    daily_limit_per_session: int | None
    rate_limit_per_minute: int

    @classmethod
    def from_doc(cls, doc: dict[str, Any] | None) -> "Subscription":
        doc = doc or {}
        return cls(
            status=str(doc.get("status", "none")),
            plan_name=doc.get("plan_name"),
            ends_at=doc.get("ends_at"),
            daily_limit_per_session=doc.get("daily_limit_per_session"),
            rate_limit_per_minute=int(doc.get("rate_limit_per_minute", 0)),
        )

    def is_active(self, at: datetime) -> bool:
        """Active and not past its end (an expiry the billing job has not announced yet)."""
        return self.status == "active" and (self.ends_at is None or self.ends_at > at)

    @property
    def rate_limited(self) -> bool:
        """A limit of 0 means the plan sets no per-minute limit."""
        return self.rate_limit_per_minute > 0
