"""Session lifecycle events (session-svc) and provider status reports (webhook-svc)."""

from typing import Annotated, ClassVar

from pydantic import Strict

from wagate_contracts.envelope import Event
from wagate_contracts.names import RoutingKey
from wagate_contracts.values import (
    Identifier,
    NonEmptyText,
    NonNegativeInt,
    PhoneNumber,
    ProviderName,
    SessionStatus,
    ShortText,
    Timestamp,
)


class SessionSnapshot(Event):
    """The full state of a session; base of ``session.created`` and ``session.updated``."""

    session_id: Identifier
    name: ShortText
    is_default: bool = False
    daily_limit: NonNegativeInt | None = None
    """Messages per day for this session; None means the plan's limit applies."""
    status: SessionStatus
    group_ids: Annotated[tuple[Identifier, ...], Strict(False)] = ()
    provider: ProviderName
    provider_session: Identifier
    """The session's name at the provider (e.g. the WAHA session name)."""
    phone_number: PhoneNumber | None = None
    """The WhatsApp number, once known (after the QR code was scanned)."""


class SessionCreated(SessionSnapshot):
    EVENT_TYPE: ClassVar[str] = RoutingKey.SESSION_CREATED


class SessionUpdated(SessionSnapshot):
    EVENT_TYPE: ClassVar[str] = RoutingKey.SESSION_UPDATED


class SessionDeleted(Event):
    EVENT_TYPE: ClassVar[str] = RoutingKey.SESSION_DELETED

    session_id: Identifier
    provider_session: Identifier | None = None


class SessionStatusChanged(Event):
    """session-svc applied a new status to a session."""

    EVENT_TYPE: ClassVar[str] = RoutingKey.SESSION_STATUS_CHANGED

    session_id: Identifier
    status: SessionStatus
    previous_status: SessionStatus
    reason: NonEmptyText | None = None
    phone_number: PhoneNumber | None = None


class SessionStatusReported(Event):
    """A provider reported a session's state (normalised into :data:`SessionStatus`)."""

    EVENT_TYPE: ClassVar[str] = RoutingKey.SESSION_STATUS_REPORTED

    provider: ProviderName
    provider_session: Identifier
    session_id: Identifier | None = None
    status: SessionStatus
    raw_status: ShortText
    """The provider's own status value, e.g. WAHA's ``WORKING`` or ``SCAN_QR_CODE``."""
    reported_at: Timestamp
    phone_number: PhoneNumber | None = None
