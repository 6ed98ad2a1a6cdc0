"""Generic (seed-style) status callbacks.

``{user_id, session_id, message_id, to, status, timestamp, error}``.

They name the user and session themselves; ``message_id`` is the id the callback's
source knows the message by (the provider message id).
"""

import contextlib
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from wagate_contracts.dates import storable_utc
from wagate_contracts.values import DeliveryStatus, Identifier

from webhook_svc.adapters.payload import epoch
from webhook_svc.domain.inbound import StatusUpdate

MAX_BATCH = 500


class CallbackError(BaseModel):
    model_config = ConfigDict(extra="ignore")

    code: str | None = None
    message: str | None = None


class GenericStatus(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    user_id: Identifier
    session_id: Identifier | None = None
    message_id: Identifier
    to: str | None = Field(default=None, max_length=64)
    status: DeliveryStatus
    timestamp: datetime | float | None = None
    """Seconds or milliseconds since the epoch (number or numeric text), or ISO-8601 (naive
    is UTC) within ``wagate_contracts.dates``' range; absent means now."""
    error: str | CallbackError | None = None

    @field_validator("timestamp", mode="before")
    @classmethod
    def _numeric_text(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return None
            with contextlib.suppress(ValueError):
                return float(text)
            return text
        return value

    @field_validator("timestamp", mode="after")
    @classmethod
    def _storable(cls, value: datetime | float | None) -> datetime | float | None:
        return storable_utc(value) if isinstance(value, datetime) else value

    @field_validator("error", mode="before")
    @classmethod
    def _stringify_code(cls, value: object) -> object:
        if isinstance(value, dict) and isinstance(value.get("code"), int):
            return {**value, "code": str(value["code"])}
        return value

    def at(self) -> datetime:
        if isinstance(self.timestamp, datetime):
            return self.timestamp
        return epoch(self.timestamp)

    def to_item(self) -> StatusUpdate:
        code, message = None, None
        if isinstance(self.error, CallbackError):
            code, message = self.error.code, self.error.message
        elif isinstance(self.error, str) and self.error.strip():
            message = self.error.strip()
        if self.status == "failed":
            code = code or "provider_failed"
        return StatusUpdate(
            provider_session=None,
            provider_message_id=self.message_id,
            status=self.status,
            at=self.at(),
            to=self.to,
            error_code=code,
            error_message=message,
            user_id=self.user_id,
            session_id=self.session_id,
        )


class GenericBatch(BaseModel):
    events: Annotated[list[GenericStatus], Field(min_length=1, max_length=MAX_BATCH)]
