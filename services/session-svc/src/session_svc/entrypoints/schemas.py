"""Request and response bodies of session-svc's REST API."""

from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from wagate_contracts import SessionStatus
from wagate_platform.mongo import Document

from session_svc.domain.session_document import SessionDocument
from session_svc.domain.sessions import Health, effective_daily_limit, health
from session_svc.domain.subscription import KnownPlan, Summary

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
DailyLimit = Annotated[int, Field(ge=0, le=10_000_000)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SessionCreateIn(Body):
    name: Name | None = None
    is_default: bool = False
    daily_limit: DailyLimit | None = None


class SessionPatchIn(Body):
    name: Name | None = None
    daily_limit: DailyLimit | None = None
    """Null resets the session to the plan's limit."""

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("give at least one of name, daily_limit")
        if "name" in self.model_fields_set and self.name is None:
            raise ValueError("name cannot be null")
        return self


class BulkDeleteIn(Body):
    ids: list[Id] = Field(min_length=1, max_length=100)


class GroupIn(Body):
    name: Name
    session_ids: list[Id] = Field(default_factory=list, max_length=100)


class GroupPatchIn(Body):
    name: Name | None = None
    session_ids: list[Id] | None = Field(default=None, max_length=100)


class SessionOut(BaseModel):
    id: str
    name: str
    status: SessionStatus
    health: Health
    is_default: bool
    phone_number: str | None
    daily_limit: int | None
    sent_today: int
    group_ids: list[str]
    created_at: datetime
    last_active_at: datetime | None

    @classmethod
    def of(
        cls, doc: SessionDocument, plan: KnownPlan | None, warning_ratio: float, sent_today: int
    ) -> "SessionOut":
        cap = plan.daily_limit_per_session if plan else None
        limit = effective_daily_limit(doc.daily_limit, cap)
        sent = sent_today
        return cls(
            id=doc.id,
            name=doc.name,
            status=doc.status,
            health=health(doc.status, sent, limit, warning_ratio),
            is_default=doc.is_default,
            phone_number=doc.phone_number,
            daily_limit=limit,
            sent_today=sent,
            group_ids=list(doc.group_ids),
            created_at=doc.created_at,
            last_active_at=doc.last_active_at,
        )


class SummaryOut(BaseModel):
    plan_name: str | None
    status: str
    max_sessions: int
    sessions_used: int
    sessions_remaining: int
    can_create_more: bool
    ends_at: datetime | None

    @classmethod
    def of(cls, summary: Summary) -> "SummaryOut":
        return cls.model_validate(summary, from_attributes=True)


class SessionListOut(BaseModel):
    sessions: list[SessionOut]
    subscription: SummaryOut


class BulkDeleteOut(BaseModel):
    deleted: list[str]
    not_found: list[str]


class DisconnectAllOut(BaseModel):
    disconnected: list[str]
    failed: list[dict[str, str]]


class QrOut(BaseModel):
    value: str
    mimetype: str = "image/png"
    data: str | None
    """The PNG, base64-encoded."""


class GroupOut(BaseModel):
    id: str
    name: str
    session_ids: list[str]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, doc: Document) -> "GroupOut":
        return cls(
            id=doc["_id"],
            **{k: doc[k] for k in ("name", "session_ids", "created_at", "updated_at")},
        )


class GroupListOut(BaseModel):
    groups: list[GroupOut]


class AuditEntryOut(BaseModel):
    id: str
    user_id: str
    actor_id: str
    actor_role: str
    session_id: str | None
    action: str
    outcome: str
    at: datetime
    details: dict[str, Any]

    @classmethod
    def of(cls, doc: Document) -> "AuditEntryOut":
        return cls(id=doc["_id"], **{k: v for k, v in doc.items() if k != "_id"})


class AuditOut(BaseModel):
    entries: list[AuditEntryOut]
