"""sender-svc settings: the common environment plus this service's own."""

from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict
from wagate_platform.settings import ProviderSettings


class SenderSettings(ProviderSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    service_name: str = "sender-svc"
    http_port: int = 8003
    mongodb_database: str = "wagate_sender"

    pacing_interval_ms: int = Field(default=3000, ge=0, description="gap per session (20/min)")
    pacing_jitter_ratio: float = Field(default=0.2, ge=0, le=5)
    daily_timezone: str = "UTC"
    max_wait_s: float = Field(default=3600, gt=0, description="then no_session_available")
    wait_delays_ms: tuple[int, ...] = (1000, 5000, 30000)
    lease_s: float = Field(default=60, gt=0, description="a dispatcher's hold on a message")
    lease_margin_s: float = Field(
        default=5, ge=0, description="time kept after the provider call to record its outcome"
    )
    session_cooldown_s: float = Field(default=60, ge=0)
    provider_timeout_s: float = Field(default=15, gt=0, description="the whole provider call")
    status_retry_delay_ms: int = Field(default=2000, ge=1)
    status_retry_attempts: int = Field(default=5, ge=0)

    campaign_max_recipients: int = Field(default=100_000, ge=1)
    campaign_window: int = Field(default=500, ge=1, description="messages in flight per campaign")
    campaign_batch: int = Field(default=1000, ge=1)
    campaign_prepare_chunk: int = Field(
        default=1000, ge=1, description="recipients stored, and made messages, per chunk"
    )
    campaign_poll_interval_s: float = Field(default=1.0, gt=0)

    lost_dispatch_after_s: float = Field(
        default=900,
        gt=0,
        description="a queued message nothing has dispatched for this long is dispatched again",
    )
    lost_dispatch_interval_s: float = Field(default=30, gt=0)
    lost_dispatch_batch: int = Field(default=500, ge=1)
    lost_dispatch_max_sweeps: int = Field(
        default=3, ge=1, description="then the message fails with dispatch_lost"
    )

    relay_grace_s: float = Field(default=30, gt=0)
    relay_interval_s: float = Field(default=5, gt=0)
    ack_flush_interval_s: float = Field(default=0.2, gt=0)

    @model_validator(mode="after")
    def _lease_outlives_a_send(self) -> Self:
        """A send starts only while the lease outlives the call and its record (dispatch)."""
        if self.lease_s <= self.provider_timeout_s + self.lease_margin_s:
            raise ValueError("LEASE_S must exceed PROVIDER_TIMEOUT_S + LEASE_MARGIN_S")
        return self
