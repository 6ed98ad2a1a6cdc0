"""WAHA (WhatsApp HTTP API) adapters; the provider sandbox speaks the same protocol."""

from wagate_providers.waha.client import WahaClient, classify_response
from wagate_providers.waha.sessions import WahaSessionManager, normalize_status

__all__ = ["WahaClient", "WahaSessionManager", "classify_response", "normalize_status"]
