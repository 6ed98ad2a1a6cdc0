"""Request and response bodies of billing-svc's REST API."""

from datetime import UTC, datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from wagate_contracts.dates import StorableDatetime

from billing_svc.domain.api_keys import ApiKey
from billing_svc.domain.plans import Plan
from billing_svc.service.subscriptions import SubscriptionView

PLAN_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,31}$"
PlanId = Annotated[str, StringConstraints(pattern=PLAN_ID_PATTERN)]
Price = Annotated[int, Field(ge=0, le=10**12)] | Annotated[float, Field(ge=0, le=10**12)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PlanIn(Body):
    name: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    max_sessions: int = Field(ge=0, le=1000)
    daily_limit_per_session: int | None = Field(ge=0, le=10_000_000)
    """None means unlimited."""
    rate_limit_per_minute: int = Field(ge=1, le=100_000)
    monthly_price: Price | None = None
    yearly_price: Price | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "IDR"

    def to_plan(self, plan_id: str) -> Plan:
        return Plan(plan_id=plan_id, **self.model_dump())


class PlanOut(BaseModel):
    id: str
    name: str
    max_sessions: int
    daily_limit_per_session: int | None
    rate_limit_per_minute: int
    monthly_price: int | float | None
    yearly_price: int | float | None
    currency: str

    @classmethod
    def of(cls, plan: Plan) -> "PlanOut":
        fields = plan.as_dict()
        return cls(id=fields.pop("plan_id"), **fields)


class PlansOut(BaseModel):
    plans: list[PlanOut]


class SubscriptionIn(Body):
    plan_id: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    ends_at: StorableDatetime
    starts_at: StorableDatetime | None = None
    status: Literal["active", "canceled", "expired"] = "active"

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.ends_at <= datetime.now(UTC):
            raise ValueError("ends_at must be in the future")
        if self.starts_at is not None and self.starts_at >= self.ends_at:
            raise ValueError("starts_at must be before ends_at")
        return self


class SubscriptionOut(BaseModel):
    user_id: str
    status: Literal["active", "expired", "canceled", "none"]
    plan: PlanOut | None
    starts_at: datetime | None
    ends_at: datetime | None
    max_sessions: int
    sessions_used: int
    sessions_remaining: int
    can_create_more: bool

    @classmethod
    def of(cls, view: SubscriptionView) -> "SubscriptionOut":
        return cls(
            user_id=view.user_id,
            status=view.status,
            plan=PlanOut.of(view.plan) if view.plan else None,
            starts_at=view.starts_at,
            ends_at=view.ends_at,
            max_sessions=view.quota.max_sessions,
            sessions_used=view.quota.sessions_used,
            sessions_remaining=view.quota.sessions_remaining,
            can_create_more=view.quota.can_create_more,
        )


class IssuedKeyOut(BaseModel):
    api_key: str
    prefix: str
    created_at: datetime


class ApiKeyOut(BaseModel):
    prefix: str
    created_at: datetime
    last_used_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> "ApiKeyOut":
        return cls(prefix=key.prefix, created_at=key.created_at, last_used_at=key.last_used_at)


class ApiKeysOut(BaseModel):
    api_keys: list[ApiKeyOut]
