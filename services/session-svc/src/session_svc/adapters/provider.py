"""The provider's session manager for the configured ``PROVIDER``."""

from wagate_providers.base import SessionManager
from wagate_providers.waha import WahaClient, WahaSessionManager

from session_svc.settings import SessionSettings

WAHA_PROTOCOL_PROVIDERS = frozenset({"sandbox", "waha"})


def webhook_url(settings: SessionSettings) -> str:
    return f"{settings.public_webhook_base_url.rstrip('/')}/v1/webhooks/{settings.provider}"


def build_session_manager(settings: SessionSettings) -> tuple[SessionManager, WahaClient]:
    """A WAHA session manager (the sandbox speaks WAHA) and its client, to close at stop."""
    if settings.provider not in WAHA_PROTOCOL_PROVIDERS:
        raise ValueError(
            f"PROVIDER={settings.provider} has no session lifecycle adapter; use waha or sandbox"
        )
    client = WahaClient(
        settings.provider_url,
        settings.provider_api_key.get_secret_value() or None,
        timeout_s=settings.provider_timeout_s,
    )
    return WahaSessionManager(client), client
