"""Message events: requested and sent/failed (sender-svc), receipts and inbound (webhook-svc)."""

from typing import ClassVar

from pydantic import ConfigDict, Field

from wagate_contracts.envelope import Event
from wagate_contracts.message_content import MessageContent
from wagate_contracts.names import RoutingKey
from wagate_contracts.values import (
    DEFAULT_SEND_STRATEGY,
    ChatId,
    DeliveryStatus,
    Identifier,
    InboundMessageType,
    NonEmptyText,
    ProviderName,
    SendStrategy,
    Timestamp,
)


class MessageRequested(Event):
    """A message was accepted and queued for sending."""

    EVENT_TYPE: ClassVar[str] = RoutingKey.MESSAGE_REQUESTED

    message_id: Identifier
    to: ChatId
    content: MessageContent
    session_id: Identifier | None = None
    """A pinned session; otherwise one is picked from the pool by ``strategy``."""
    group_id: Identifier | None = None
    """A session group narrowing the pool."""
    strategy: SendStrategy = DEFAULT_SEND_STRATEGY
    campaign_id: Identifier | None = None


class MessageSent(Event):
    """The provider accepted the message."""

    EVENT_TYPE: ClassVar[str] = RoutingKey.MESSAGE_SENT

    message_id: Identifier
    session_id: Identifier
    provider: ProviderName
    provider_message_id: Identifier
    to: ChatId
    sent_at: Timestamp
    campaign_id: Identifier | None = None


class MessageFailed(Event):
    """The message could not be sent (``retryable`` says whether a retry may succeed)."""

    EVENT_TYPE: ClassVar[str] = RoutingKey.MESSAGE_FAILED

    message_id: Identifier
    session_id: Identifier | None = None
    error_code: Identifier
    error_message: NonEmptyText
    retryable: bool
    to: ChatId
    campaign_id: Identifier | None = None


class MessageStatus(Event):
    """A delivery receipt (delivered / read / played / failed) for a sent message."""

    EVENT_TYPE: ClassVar[str] = RoutingKey.MESSAGE_STATUS

    message_id: Identifier | None = None
    """The platform's message id, when the receipt could be matched to it."""
    provider: ProviderName
    provider_message_id: Identifier
    session_id: Identifier | None = None
    status: DeliveryStatus
    error_code: Identifier | None = None
    error_message: NonEmptyText | None = None
    to: ChatId | None = None
    at: Timestamp


class MessageReceived(Event):
    """An inbound message reached one of the user's sessions.

    The sender is ``from`` on the wire (``from_`` in Python); both names validate.
    """

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    EVENT_TYPE: ClassVar[str] = RoutingKey.MESSAGE_RECEIVED

    provider: ProviderName
    session_id: Identifier | None = None
    provider_session: Identifier
    provider_message_id: Identifier
    from_: ChatId = Field(alias="from")
    type: InboundMessageType
    text: str | None = Field(default=None, max_length=65536)
    """The text or caption, if any (may be empty)."""
    received_at: Timestamp
    deduplicated: bool = False
