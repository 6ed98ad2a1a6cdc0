"""Request and response models of webhook-svc's REST API (they document it in OpenAPI)."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field
from wagate_contracts.values import HttpUrlStr

from webhook_svc.adapters.deliveries import Delivery

ForwardedEvent = Literal["message.received", "message.status", "session.status_changed"]


def _all_events() -> list[ForwardedEvent]:
    return ["message.received", "message.status", "session.status_changed"]


MAX_EVENTS = 32
"""Generous for three event types; a bound keeps a config document small (a list of a
million repeats was a 500: the document exceeded MongoDB's 16 MB)."""


def _distinct(events: list[ForwardedEvent]) -> list[ForwardedEvent]:
    return list(dict.fromkeys(events))


class IngestAnswer(BaseModel):
    """What a provider callback was turned into."""

    accepted: int
    duplicates: int
    ignored: int
    deduplicated: bool = Field(description="nothing new: every item had been seen already")


class WebhookConfigIn(BaseModel):
    url: HttpUrlStr
    events: Annotated[list[ForwardedEvent], AfterValidator(_distinct)] = Field(
        default_factory=_all_events, max_length=MAX_EVENTS
    )
    """Each event type once (repeats are dropped); at most ``MAX_EVENTS`` entries."""
    secret: str | None = Field(default=None, min_length=16, max_length=256)
    """Signing secret; generated (and shown in this answer only) when omitted."""
    content_dedup_window_s: int | None = Field(default=None, ge=0, le=86_400)
    """Inbound content window for this user (same sender + text); 0 disables; None = default."""


class WebhookConfigOut(BaseModel):
    url: str
    events: list[str]
    secret: str
    content_dedup_window_s: int | None
    created_at: datetime
    updated_at: datetime


class DeliveryOut(BaseModel):
    id: str
    event_id: str
    event_type: str
    url: str
    status: str
    attempts: int
    last_error: str | None
    last_status_code: int | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, delivery: Delivery) -> "DeliveryOut":
        return cls.model_validate(delivery, from_attributes=True)


class DeliveryList(BaseModel):
    deliveries: list[DeliveryOut]


class ContactOut(BaseModel):
    number: str
    chat_id: str | None
    first_seen: datetime | None
    last_seen: datetime | None
    message_count: int


class ContactList(BaseModel):
    contacts: list[ContactOut]
