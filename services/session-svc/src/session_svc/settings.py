"""session-svc settings: the common environment plus this service's own."""

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict
from wagate_platform.settings import ProviderCallbackSettings, ProviderSettings

from session_svc.domain.calendar import known_timezone


class SessionSettings(ProviderSettings, ProviderCallbackSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    service_name: str = "session-svc"
    http_port: int = 8001
    mongodb_database: str = "wagate_session"

    public_webhook_base_url: str = Field(
        default="http://127.0.0.1:8004",
        description="webhook-svc's public URL, which the provider is told to call back.",
    )

    billing_timeout_s: float = Field(default=5.0, gt=0, description="Wait for billing's answer.")
    provider_timeout_s: float = Field(default=10.0, gt=0)
    session_create_rate_limit: int = Field(default=10, ge=1, description="Creates per window.")
    session_create_rate_window_s: int = Field(default=60, ge=1)
    reconnect_base_delay_ms: int = Field(default=1000, ge=1)
    reconnect_max_delay_ms: int = Field(default=30_000, ge=1)
    reconnect_max_attempts: int = Field(default=5, ge=1, le=20)
    reconnect_stable_after_s: float = Field(
        default=60.0,
        ge=0,
        description="A connection that lasted this long ends a reconnect streak "
        "(attempts count from zero again at the next drop).",
    )
    daily_limit_warning_ratio: float = Field(
        default=0.8,
        gt=0,
        le=1,
        description="Health turns yellow once sent_today reaches this share of the daily limit.",
    )
    daily_timezone: str = Field(
        default="UTC",
        description="Timezone whose calendar day sent_today counts (same name as sender-svc's).",
    )
    bulk_max_ids: int = Field(default=100, ge=1)

    @field_validator("daily_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return known_timezone(value)
