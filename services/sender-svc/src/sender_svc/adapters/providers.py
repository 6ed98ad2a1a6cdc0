"""The provider adapter this deployment sends through (``PROVIDER``)."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from wagate_providers.base import MessageSender
from wagate_providers.meta import MetaSender
from wagate_providers.waha.client import WahaClient
from wagate_providers.waha.sender import WahaSender
from wagate_providers.whapi import WhapiSender

from sender_svc.settings import SenderSettings


@dataclass
class ProviderAdapter:
    name: str
    sender: MessageSender
    close: Callable[[], Awaitable[None]]


def build_provider(settings: SenderSettings) -> ProviderAdapter:
    """Nothing connects here; the HTTP clients open connections on first use."""
    key = settings.provider_api_key.get_secret_value()
    timeout = settings.provider_timeout_s
    if settings.provider == "meta":
        meta = MetaSender(key, base_url=settings.provider_url, timeout_s=timeout)
        return ProviderAdapter("meta", meta, meta.aclose)
    if settings.provider == "whapi":
        whapi = WhapiSender(lambda _session: key, base_url=settings.provider_url, timeout_s=timeout)
        return ProviderAdapter("whapi", whapi, whapi.aclose)
    client = WahaClient(settings.provider_url, key or None, timeout_s=timeout)
    return ProviderAdapter(settings.provider, WahaSender(client), client.aclose)
