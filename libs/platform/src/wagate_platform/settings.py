"""Settings every service shares, read from the environment (pydantic-settings)."""

from typing import ClassVar, Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "dev-only-insecure-jwt-secret-change-me"
DEV_SHARED_SECRET = "dev-only-insecure-shared-secret"
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", DEV_JWT_SECRET})

ProviderName = Literal["sandbox", "waha", "meta", "whapi"]


class ServiceSettings(BaseSettings):
    """The common environment of DESIGN.md; each service subclasses it.

    A default or placeholder secret is refused at start outside development mode: every
    class in the hierarchy names the secrets it adds in ``placeholder_refused``. The settings
    only some services use are in the subclasses below (``ProviderSettings``,
    ``ProviderCallbackSettings``), which a service's settings inherit as it needs them.
    ``ENVIRONMENT`` defaults to ``production``: a deployment that forgets it gets the strict
    checks, and development (``make run``, compose, tests) has to say so explicitly.
    """

    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)
    placeholder_refused: ClassVar[tuple[str, ...]] = ("auth_jwt_secret",)

    service_name: str = "wagate"
    environment: Literal["development", "production", "test"] = "production"
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8000, ge=1, le=65535)
    log_level: str = "INFO"
    log_format: Literal["json", "console"] = "json"

    rabbitmq_url: str = "amqp://guest:guest@localhost:5672/"
    amqp_namespace: str = Field(
        default="",
        description="Prefix for exchange and queue names; empty in production. "
        "Tests use it to isolate runs on a shared broker.",
    )
    amqp_prefetch: int = Field(default=32, ge=1)
    amqp_delivery_limit: int = Field(default=5, ge=1)
    amqp_retry_delays_ms: tuple[int, ...] = Field(
        default=(1_000, 5_000, 30_000, 120_000, 600_000),
        min_length=1,
        description="Backoff of a message whose handler met an outage (MongoDB or broker "
        "unreachable, a timeout): the n-th retry waits the n-th delay, the last one repeating. "
        "Outage retries do not count towards the delivery limit.",
    )
    amqp_retry_budget_s: float = Field(
        default=3_600.0,
        gt=0,
        description="How long a message keeps waiting out an outage before its failures "
        "count towards the delivery limit (and so, in the end, the DLQ).",
    )
    amqp_paused_queues: str = Field(
        default="",
        description="Comma-separated consumer queues (without namespace) this process declares "
        "and binds but does not consume: messages wait there until a process without the "
        "setting runs (maintenance; the bench pre-fills a backlog with it).",
    )

    mongodb_url: str = "mongodb://localhost:27017/?directConnection=true"
    mongodb_database: str = ""
    mongodb_timeout_ms: int = Field(
        default=3000,
        ge=100,
        description="Server selection and connect timeout of MongoDB: how long an operation "
        "waits for an unreachable database before it fails (an HTTP request then answers 503 "
        "database_unavailable). Must be shorter than the HTTP request deadline.",
    )
    shutdown_timeout_s: float = Field(
        default=8.0,
        gt=0,
        description="Time the graceful stop's steps (hooks, outbox relay, broker, MongoDB) "
        "get in all, after uvicorn's 15 s for open requests: a step that hangs is abandoned, "
        "so SIGTERM ends the process within a 30 s grace period.",
    )
    http_request_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="Deadline of an HTTP request: one that has not started its answer by then "
        "is cancelled and answered 503 service_unavailable (a started stream is exempt).",
    )

    auth_jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)

    outbox_poll_interval_s: float = Field(default=1.0, gt=0)

    @property
    def paused_queues(self) -> frozenset[str]:
        return frozenset(q.strip() for q in self.amqp_paused_queues.split(",") if q.strip())

    @property
    def is_development(self) -> bool:
        return self.environment in ("development", "test")

    @model_validator(mode="after")
    def _deadline_outlasts_database_timeout(self) -> Self:
        if self.http_request_timeout_s * 1000 <= self.mongodb_timeout_ms:
            raise ValueError(
                "HTTP_REQUEST_TIMEOUT_S must be longer than MONGODB_TIMEOUT_MS, so that a request "
                "meeting a dead database answers database_unavailable before its deadline"
            )
        return self

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Self:
        if self.is_development:
            return self
        weak = [name for name in self.refused_secrets() if _is_placeholder(getattr(self, name))]
        if weak:
            raise ValueError(
                f"refusing to start in {self.environment} mode with a default or placeholder "
                f"secret: {', '.join(n.upper() for n in weak)} (ENVIRONMENT defaults to "
                "production; set ENVIRONMENT=development only for a local run)"
            )
        return self

    @classmethod
    def refused_secrets(cls) -> list[str]:
        """Every ``placeholder_refused`` of the hierarchy, the base's first."""
        names = (n for c in reversed(cls.__mro__) for n in vars(c).get("placeholder_refused", ()))
        return list(dict.fromkeys(names))


class ProviderSettings(ServiceSettings):
    """The WhatsApp provider the deployment calls (session-svc, sender-svc)."""

    provider: ProviderName = "sandbox"
    provider_url: str = "http://127.0.0.1:8090"
    provider_api_key: SecretStr = SecretStr("")


class ProviderCallbackSettings(ServiceSettings):
    """The key the provider signs its callbacks with: session-svc configures it at the
    provider, webhook-svc verifies it."""

    placeholder_refused: ClassVar[tuple[str, ...]] = ("provider_webhook_hmac_key",)

    provider_webhook_hmac_key: SecretStr = SecretStr(DEV_SHARED_SECRET)


def _is_placeholder(secret: SecretStr) -> bool:
    value = secret.get_secret_value()
    return value in PLACEHOLDER_SECRETS or value.startswith("dev-only") or len(value) < 16
