"""Every event type by name, and parsing of a message body into its event class."""

import json
from collections.abc import Mapping
from typing import Any, Final

from wagate_contracts.envelope import Event
from wagate_contracts.events import (
    ApiKeyRotated,
    MessageFailed,
    MessageReceived,
    MessageRequested,
    MessageSent,
    MessageStatus,
    SessionCreated,
    SessionDeleted,
    SessionStatusChanged,
    SessionStatusReported,
    SessionUpdated,
    SubscriptionCheck,
    SubscriptionChecked,
    SubscriptionUpdated,
)

_EVENT_CLASSES: Final[tuple[type[Event], ...]] = (
    SubscriptionCheck,
    SubscriptionChecked,
    SubscriptionUpdated,
    ApiKeyRotated,
    SessionCreated,
    SessionUpdated,
    SessionDeleted,
    SessionStatusChanged,
    SessionStatusReported,
    MessageRequested,
    MessageSent,
    MessageFailed,
    MessageStatus,
    MessageReceived,
)

EVENT_TYPES: Final[dict[str, type[Event]]] = {cls.EVENT_TYPE: cls for cls in _EVENT_CLASSES}
"""Event class by event type (= routing key), for every event of the contract."""


class EventParseError(ValueError):
    """A message body is not an event envelope (not a JSON object, no ``event_type``)."""


class UnknownEventType(EventParseError):
    """The body's ``event_type`` is not one of :data:`EVENT_TYPES`."""

    def __init__(self, event_type: object) -> None:
        self.event_type = event_type
        super().__init__(f"unknown event type {event_type!r}")


def event_class(event_type: str) -> type[Event]:
    """The class of ``event_type``; raises :class:`UnknownEventType`."""
    try:
        return EVENT_TYPES[event_type]
    except KeyError:
        raise UnknownEventType(event_type) from None


def parse_event(body: bytes | str | Mapping[str, Any]) -> Event:
    """Validate a message body (JSON or decoded JSON) into its event class.

    Raises :class:`UnknownEventType` for an unknown ``event_type``,
    :class:`EventParseError` for a body that is not a JSON object, and
    ``pydantic.ValidationError`` for an invalid payload.
    """
    if isinstance(body, bytes | str):
        try:
            data: object = json.loads(body)
        except ValueError as exc:
            raise EventParseError(f"event body is not valid JSON: {exc}") from exc
    else:
        data = body
    if not isinstance(data, Mapping):
        raise EventParseError("event body must be a JSON object")
    event_type = data.get("event_type")
    if not isinstance(event_type, str):
        raise UnknownEventType(event_type)
    return event_class(event_type).model_validate(dict(data))
