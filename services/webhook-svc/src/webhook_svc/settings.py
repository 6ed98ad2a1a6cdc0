"""webhook-svc settings: the common environment plus this service's own."""

from typing import ClassVar, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict
from wagate_platform.settings import DEV_SHARED_SECRET, ProviderCallbackSettings, ProviderName

DEFAULT_RETRY_DELAYS_MS = (10_000, 60_000, 300_000, 1_800_000, 7_200_000, 21_600_000)


class WebhookSettings(ProviderCallbackSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)
    placeholder_refused: ClassVar[tuple[str, ...]] = ("webhook_shared_secret",)

    service_name: str = "webhook-svc"
    http_port: int = 8004
    mongodb_database: str = "wagate_webhook"

    # --- provider callbacks in ---
    provider: ProviderName = "sandbox"
    """The provider named in the generic ``/v1/events/message`` callbacks' events."""
    webhook_shared_secret: SecretStr = SecretStr(DEV_SHARED_SECRET)
    """Token of the generic callbacks (``X-Webhook-Secret`` or Bearer)."""
    meta_app_secret: SecretStr = SecretStr(DEV_SHARED_SECRET)
    """Meta app secret: key of the ``X-Hub-Signature-256`` HMAC-SHA256."""
    meta_verify_token: SecretStr = SecretStr(DEV_SHARED_SECRET)
    """Token Meta echoes in the ``GET`` hub.challenge handshake."""
    whapi_token: SecretStr = SecretStr(DEV_SHARED_SECRET)
    """Token Whapi sends (``Authorization: Bearer`` or ``X-Webhook-Token``)."""
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    dedup_ttl_s: int = Field(default=24 * 3600, ge=60)
    """How long an event identity (or a message's last status) is remembered."""
    content_dedup_window_s: int = Field(default=300, ge=0)
    """Default inbound content window (same sender + text); 0 disables. Per user override."""
    ingest_publish_timeout_s: float = Field(default=5.0, gt=0)
    directory_refresh_s: float = Field(default=2.0, gt=0)
    """How often the in-memory session/message directory re-reads MongoDB."""
    message_cache_size: int = Field(default=200_000, ge=100)

    # --- customer webhooks out ---
    webhook_retry_delays_ms: tuple[int, ...] = DEFAULT_RETRY_DELAYS_MS
    """Backoff between delivery attempts (RabbitMQ delay queues); attempts = len + 1."""
    webhook_timeout_s: float = Field(default=5.0, gt=0)
    webhook_allow_private_targets: bool = False
    """Development only: allow loopback/private/link-local customer webhook targets."""
    webhook_max_in_flight_per_user: int = Field(default=4, ge=1)
    """Concurrent deliveries per user per replica; more wait in the shortest delay queue."""

    @property
    def private_targets_allowed(self) -> bool:
        """Private targets are only ever allowed in development/test mode."""
        return self.webhook_allow_private_targets and self.is_development

    @model_validator(mode="after")
    def _refuse_placeholder_provider_secrets(self) -> Self:
        if self.is_development:
            return self
        weak = [
            name.upper()
            for name in ("meta_app_secret", "meta_verify_token", "whapi_token")
            if _is_placeholder(getattr(self, name))
        ]
        if weak:
            raise ValueError(f"refusing to start with a placeholder secret: {', '.join(weak)}")
        return self


def _is_placeholder(secret: SecretStr) -> bool:
    value = secret.get_secret_value()
    return value.startswith("dev-only") or len(value) < 16
