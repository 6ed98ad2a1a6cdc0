"""Meta WhatsApp Cloud API adapters."""

from wagate_providers.meta.errors import classify_meta_error
from wagate_providers.meta.messages import message_body, template_body
from wagate_providers.meta.sender import MetaSender

__all__ = ["MetaSender", "classify_meta_error", "message_body", "template_body"]
