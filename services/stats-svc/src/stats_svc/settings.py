"""stats-svc settings: the common environment plus this service's own."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict
from wagate_platform.settings import ServiceSettings


class StatsSettings(ServiceSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    service_name: str = "stats-svc"
    http_port: int = 8005
    mongodb_database: str = "wagate_stats"

    amqp_prefetch: int = Field(
        default=512, ge=1, description="Unacked messages per queue: the batching window."
    )
    stats_batch_max_events: int = Field(default=256, ge=1, le=5000)
    stats_flush_interval_ms: int = Field(
        default=250,
        ge=1,
        le=10_000,
        description="Longest wait for a batch to fill: counters lag by at most this much.",
    )
    stats_timezone: str = Field(default="UTC", description="Timezone of the daily counters.")
    stats_marker_retention_days: int = Field(
        default=14, ge=1, description="How long idempotency markers are kept."
    )

    @field_validator("stats_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.stats_timezone)
