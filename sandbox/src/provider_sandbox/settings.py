"""Settings of the provider sandbox, read from ``SANDBOX_*`` environment variables."""

import json
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _split_list(value: Any) -> Any:
    """Accept ``a,b,c`` as well as a JSON list from the environment."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [part.strip() for part in text.split(",") if part.strip()]
    return value


class SandboxSettings(BaseSettings):
    """Everything the sandbox can be told at start; the control API changes some at run time."""

    model_config = SettingsConfigDict(env_prefix="SANDBOX_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8090, ge=1, le=65535)
    api_key: SecretStr | None = None
    """When set, every ``/api`` and ``/control`` request needs this value in ``X-Api-Key``."""

    auto_connect: bool = False
    """Development mode: a started session skips the QR step and goes straight to WORKING."""
    start_delay_ms: int = Field(default=0, ge=0)
    """How long a started session stays STARTING before SCAN_QR_CODE / WORKING."""
    engine: str = "GOWS"

    webhook_url: str | None = None
    """The webhook of sessions whose config has none (WAHA's global webhook, as a default)."""
    webhook_hmac_key: SecretStr | None = None
    """Signs every webhook whose config has no ``hmac.key`` of its own."""
    webhook_events: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["*"])
    webhook_attempts: int = Field(default=3, ge=1, le=20)
    webhook_retry_delay_ms: int = Field(default=200, ge=0)
    webhook_timeout_s: float = Field(default=5.0, gt=0)

    auto_ack: bool = True
    ack_delays_ms: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [0, 0, 0])
    """Delays before the SERVER (1), DEVICE (2) and READ (3) acks of a sent message."""
    latency_ms: int = Field(default=0, ge=0)
    failure_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    random_seed: int = 0

    log_level: str = "info"
    log_format: str = "console"

    @field_validator("webhook_events", "ack_delays_ms", mode="before")
    @classmethod
    def _lists_from_env(cls, value: Any) -> Any:
        return _split_list(value)

    @field_validator("ack_delays_ms")
    @classmethod
    def _three_delays(cls, value: list[int]) -> list[int]:
        if len(value) != 3 or any(delay < 0 for delay in value):
            raise ValueError("ack_delays_ms needs three non-negative delays (server, device, read)")
        return value
