"""Request bodies of the sandbox's own ``/control`` API."""

from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from provider_sandbox.failures import FailureKind


class ControlModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScanRequest(ControlModel):
    phone: str | None = Field(
        default=None, description="the number that scanned; generated if unset"
    )
    push_name: str | None = None


class DropRequest(ControlModel):
    status: Literal["STARTING", "FAILED"] = "STARTING"
    recover_after_ms: int | None = Field(
        default=None, ge=0, description="go back to WORKING after this long (None: stay down)"
    )


class InboundRequest(ControlModel):
    from_: str = Field(validation_alias=AliasChoices("from", "from_"))
    body: str = ""
    id: str | None = None
    push_name: str | None = None
    has_media: bool = False
    media: dict[str, Any] | None = None
    redeliver: int = Field(
        default=1, ge=1, le=100, description="how many times the same event is POSTed in total"
    )


class AckRequest(ControlModel):
    message_id: str
    ack: int = Field(ge=-1, le=4)
    redeliver: int = Field(default=1, ge=1, le=100)


class ConfigUpdate(ControlModel):
    latency_ms: int | None = Field(default=None, ge=0)
    failure_rate: float | None = Field(default=None, ge=0.0, le=1.0)
    random_failure_kind: FailureKind | None = None
    auto_ack: bool | None = None
    ack_delays_ms: list[int] | None = None

    @field_validator("ack_delays_ms")
    @classmethod
    def _three_delays(cls, value: list[int] | None) -> list[int] | None:
        if value is not None and (len(value) != 3 or any(delay < 0 for delay in value)):
            raise ValueError("ack_delays_ms needs three non-negative delays (server, device, read)")
        return value


class FailureRequest(ControlModel):
    kind: FailureKind
    count: int | None = Field(default=None, ge=1, description="fail the next N sends; None: always")
    retry_after_s: int = Field(default=1, ge=0, description="Retry-After of a rate_limit failure")
