"""billing-svc settings: the common environment plus this service's own."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from wagate_platform.settings import ServiceSettings


class BillingSettings(ServiceSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    service_name: str = "billing-svc"
    http_port: int = 8002
    mongodb_database: str = "wagate_billing"
    expiry_sweep_interval_s: float = Field(
        default=30.0,
        gt=0,
        description="How often subscriptions past ends_at are marked expired and announced.",
    )
