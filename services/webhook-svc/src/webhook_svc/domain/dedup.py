"""Identities of ingested events and the monotonic status rule (no I/O).

Every ingested event claims one or more marks in a single MongoDB collection:
- ``st|<provider>|<provider message id>``: a message's latest status; a status
  only claims it when it moves the message forward (repeats and downgrades lose);
- ``in|<provider>|<provider message id>``: an inbound message was seen;
- ``ev|<provider>|<event identity>``: a provider event (session status) was seen;
- ``ct|<user>|<sender>|<digest of text>``: the content window of inbound texts.
"""

from wagate_contracts.values import DELIVERY_STATUSES, DeliveryStatus, is_forward

from webhook_svc.domain.signatures import digest


def status_key(provider: str, provider_message_id: str) -> str:
    return f"st|{provider}|{provider_message_id}"


def inbound_key(provider: str, provider_message_id: str) -> str:
    return f"in|{provider}|{provider_message_id}"


def event_key(provider: str, identity: str) -> str:
    return f"ev|{provider}|{identity}"


def content_key(user_id: str, sender: str, text: str) -> str:
    return f"ct|{user_id}|{sender}|{digest(text.strip())}"


def statuses_that_may_precede(new: DeliveryStatus) -> list[DeliveryStatus]:
    """The stored statuses that ``new`` may replace (the contract's ``is_forward``)."""
    return [old for old in DELIVERY_STATUSES if is_forward(old, new)]
