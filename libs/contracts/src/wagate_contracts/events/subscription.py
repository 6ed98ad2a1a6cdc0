"""Billing events: the session-quota RPC, subscription changes and API-key rotation."""

from typing import ClassVar, Final, Literal

from wagate_contracts.envelope import Event
from wagate_contracts.names import RoutingKey
from wagate_contracts.values import (
    Identifier,
    NonNegativeInt,
    Sha256Hex,
    ShortText,
    SubscriptionStatus,
    Timestamp,
)

CheckAction = Literal["reserve", "release"]


class DenialReason:
    """Well-known ``reason`` values of a refused :class:`SubscriptionChecked`."""

    SESSION_LIMIT_REACHED: Final = "session_limit_reached"
    SUBSCRIPTION_INACTIVE: Final = "subscription_inactive"


class SubscriptionCheck(Event):
    """Command (RPC): reserve a session slot for the user, or release one.

    billing-svc answers with :class:`SubscriptionChecked` carrying the same
    ``request_id``; a reserve is applied atomically against ``max_sessions``.
    """

    EVENT_TYPE: ClassVar[str] = RoutingKey.SUBSCRIPTION_CHECK

    request_id: Identifier
    action: CheckAction = "reserve"
    session_id: Identifier | None = None


class SubscriptionChecked(Event):
    """The answer to a :class:`SubscriptionCheck` (also broadcast)."""

    EVENT_TYPE: ClassVar[str] = RoutingKey.SUBSCRIPTION_CHECKED

    request_id: Identifier
    allowed: bool
    reason: Identifier | None = None
    """Why it was refused, e.g. a :class:`DenialReason` value; None when allowed."""
    action: CheckAction = "reserve"
    session_id: Identifier | None = None
    plan_id: Identifier | None = None
    plan_name: ShortText | None = None
    max_sessions: NonNegativeInt = 0
    sessions_used: NonNegativeInt = 0
    ends_at: Timestamp | None = None


class SubscriptionUpdated(Event):
    """A user's plan, limits, status or period changed."""

    EVENT_TYPE: ClassVar[str] = RoutingKey.SUBSCRIPTION_UPDATED

    plan_id: Identifier
    plan_name: ShortText
    status: SubscriptionStatus
    starts_at: Timestamp | None = None
    ends_at: Timestamp | None = None
    max_sessions: NonNegativeInt
    daily_limit_per_session: NonNegativeInt | None = None
    """Messages per session per day; None means unlimited."""
    rate_limit_per_minute: NonNegativeInt


class ApiKeyRotated(Event):
    """A user's API key changed. Carries its SHA-256 hash, never the key."""

    EVENT_TYPE: ClassVar[str] = RoutingKey.APIKEY_ROTATED

    key_hash: Sha256Hex
    prefix: ShortText
    rotated_at: Timestamp
