"""Plans are data: limits and prices; the seeded catalogue of DESIGN.md."""

from dataclasses import asdict, dataclass
from typing import Any, Final


@dataclass(frozen=True)
class Plan:
    plan_id: str
    name: str
    max_sessions: int
    daily_limit_per_session: int | None
    """Messages per session per day; None means unlimited."""
    rate_limit_per_minute: int
    monthly_price: int | float | None = None
    yearly_price: int | float | None = None
    currency: str = "IDR"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Plan":
        return cls(
            plan_id=str(data["plan_id"]),
            name=str(data["name"]),
            max_sessions=int(data["max_sessions"]),
            daily_limit_per_session=data.get("daily_limit_per_session"),
            rate_limit_per_minute=int(data["rate_limit_per_minute"]),
            monthly_price=data.get("monthly_price"),
            yearly_price=data.get("yearly_price"),
            currency=str(data.get("currency") or "IDR"),
        )


SEEDED_PLANS: Final[tuple[Plan, ...]] = (
    Plan("free", "Free", 1, 100, 10, 0, 0),
    Plan("starter", "Starter", 1, 100, 20, 150_000, 1_500_000),
    Plan("basic", "Basic", 3, 500, 60),
    Plan("pro", "Pro", 5, 1000, 120),
    Plan("enterprise", "Enterprise", 10, None, 600),
)
"""Prices the design does not give are left unset (None); per-minute rates are our defaults."""
