"""Response models of the stats REST API (they document the answers in OpenAPI)."""

from datetime import datetime

from pydantic import BaseModel, Field


class Counters(BaseModel):
    requested: int
    sent: int
    failed: int
    delivered: int
    read: int
    played: int
    delivery_failed: int = Field(description="failed delivery receipts after sending")
    received: int
    deduplicated: int = Field(description="inbound messages delivered again by the provider")
    success_rate: float = Field(description="sent / (sent + failed) * 100; 0 without data")
    last_sent_at: datetime | None
    last_failed_at: datetime | None


class SessionStats(Counters):
    session_id: str
    name: str | None
    status: str | None
    phone_number: str | None
    created_at: datetime | None
    deleted_at: datetime | None


class UserSessionStats(SessionStats):
    user_id: str


class ResetRecord(BaseModel):
    by: str
    at: datetime


class UserStats(Counters):
    user_id: str
    sessions: list[SessionStats]
    last_reset: ResetRecord | None


class DayStats(Counters):
    date: str


class DailyStats(BaseModel):
    user_id: str
    from_: str = Field(alias="from")
    to: str
    timezone: str
    days: list[DayStats]


class ResetResult(BaseModel):
    user_id: str
    reset: bool
    reset_by: str
    reset_at: datetime
