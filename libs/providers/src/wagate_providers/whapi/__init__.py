"""Whapi.cloud adapters."""

from wagate_providers.whapi.sender import WhapiSender, classify_whapi_error, request_for

__all__ = ["WhapiSender", "classify_whapi_error", "request_for"]
