"""Event models, one class per event type, grouped by domain."""

from wagate_contracts.events.message import (
    MessageFailed,
    MessageReceived,
    MessageRequested,
    MessageSent,
    MessageStatus,
)
from wagate_contracts.events.session import (
    SessionCreated,
    SessionDeleted,
    SessionSnapshot,
    SessionStatusChanged,
    SessionStatusReported,
    SessionUpdated,
)
from wagate_contracts.events.subscription import (
    ApiKeyRotated,
    CheckAction,
    DenialReason,
    SubscriptionCheck,
    SubscriptionChecked,
    SubscriptionUpdated,
)

__all__ = [
    "ApiKeyRotated",
    "CheckAction",
    "DenialReason",
    "MessageFailed",
    "MessageReceived",
    "MessageRequested",
    "MessageSent",
    "MessageStatus",
    "SessionCreated",
    "SessionDeleted",
    "SessionSnapshot",
    "SessionStatusChanged",
    "SessionStatusReported",
    "SessionUpdated",
    "SubscriptionCheck",
    "SubscriptionChecked",
    "SubscriptionUpdated",
]
