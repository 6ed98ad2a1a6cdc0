"""What a provider callback carries, normalised across providers (no I/O).

Parsers in ``adapters/`` turn each provider's payload into these items; the
ingest use case maps them to users and sessions and then to contract events.
"""

from dataclasses import dataclass
from datetime import datetime

from wagate_contracts.values import DeliveryStatus, InboundMessageType, SessionStatus

from webhook_svc.domain.errors import InvalidPayload

__all__ = [
    "CallbackItem",
    "InboundMessage",
    "InvalidPayload",
    "SessionReport",
    "StatusUpdate",
    "Unsupported",
]


@dataclass(frozen=True)
class StatusUpdate:
    """A receipt for a message the platform sent."""

    provider_session: str | None
    provider_message_id: str
    status: DeliveryStatus
    at: datetime
    to: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    session_phone: str | None = None
    """The business number, where the provider names the session by number (Meta)."""
    user_id: str | None = None
    """Set only by sources that name the user themselves (generic callbacks)."""
    session_id: str | None = None


@dataclass(frozen=True)
class InboundMessage:
    """Someone wrote to one of the platform's numbers."""

    provider_session: str
    provider_message_id: str
    sender: str
    type: InboundMessageType
    text: str | None
    at: datetime
    session_phone: str | None = None


@dataclass(frozen=True)
class SessionReport:
    """The provider says a session's state changed."""

    provider_session: str
    status: SessionStatus
    raw_status: str
    at: datetime
    identity: str
    """The provider's event id, or a digest of the raw event when it has none."""
    phone_number: str | None = None


@dataclass(frozen=True)
class Unsupported:
    """An event kind this service does not turn into events (acknowledged and counted)."""

    kind: str


CallbackItem = StatusUpdate | InboundMessage | SessionReport | Unsupported
