"""Request bodies of WAHA's sessions API (WAHA's own camelCase field names).

Unknown fields are accepted and kept, as WAHA ignores what it does not use.
"""

from pydantic import BaseModel, ConfigDict, Field

SESSION_NAME_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


class WahaModel(BaseModel):
    model_config = ConfigDict(extra="allow")


class HmacConfig(WahaModel):
    key: str | None = None


class RetriesConfig(WahaModel):
    policy: str | None = None
    delaySeconds: float | None = Field(default=None, ge=0)
    attempts: int | None = Field(default=None, ge=0)


class CustomHeader(WahaModel):
    name: str
    value: str


class WebhookConfig(WahaModel):
    url: str
    events: list[str] = Field(default_factory=list)
    hmac: HmacConfig | None = None
    retries: RetriesConfig | None = None
    customHeaders: list[CustomHeader] | None = None


class SessionConfig(WahaModel):
    webhooks: list[WebhookConfig] | None = None
    metadata: dict[str, str] | None = None


class SessionCreateRequest(WahaModel):
    name: str | None = Field(default=None, pattern=SESSION_NAME_PATTERN)
    start: bool = True
    config: SessionConfig | None = None


class SessionUpdateRequest(WahaModel):
    config: SessionConfig | None = None


class RequestCodeRequest(WahaModel):
    phoneNumber: str
    method: str | None = None
