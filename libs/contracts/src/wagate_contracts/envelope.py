"""The common envelope every event carries, and the base of all contract models."""

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Self
from uuid import UUID, uuid4

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator


def _require_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamps must carry a timezone")
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_require_utc)]
"""A timezone-aware timestamp, normalised to UTC."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class ContractModel(BaseModel):
    """Base of every contract model: frozen, strict, tolerant of unknown fields.

    Unknown fields are ignored so that a producer may add optional fields without
    breaking older consumers; a breaking change gets a new event type instead.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="ignore",
        strict=True,
        str_strip_whitespace=True,
        use_attribute_docstrings=True,
    )


class Event(ContractModel):
    """The envelope: every event type subclasses this and fixes ``EVENT_TYPE``.

    Strict mode is relaxed for the envelope's UUID and datetime fields so that
    they validate from their JSON string forms.
    """

    EVENT_TYPE: ClassVar[str] = ""
    SCHEMA_VERSION: ClassVar[int] = 1

    event_id: Annotated[UUID, Field(strict=False)] = Field(default_factory=uuid4)
    event_type: str = ""
    schema_version: int = Field(default=1, ge=1)
    occurred_at: Annotated[UtcDatetime, Field(strict=False)] = Field(default_factory=utc_now)
    correlation_id: str = ""
    producer: str
    user_id: str = Field(min_length=1, max_length=128)

    @model_validator(mode="before")
    @classmethod
    def _default_event_type(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("event_type"):
            return {**data, "event_type": cls.EVENT_TYPE}
        return data

    @model_validator(mode="after")
    def _check_event_type(self) -> Self:
        if self.event_type != type(self).EVENT_TYPE:
            raise ValueError(
                f"event_type {self.event_type!r} does not match {type(self).EVENT_TYPE!r}"
            )
        return self
