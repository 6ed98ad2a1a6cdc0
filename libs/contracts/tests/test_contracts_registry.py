import json

import pytest
from pydantic import ValidationError
from wagate_contracts import (
    EVENT_TYPES,
    Event,
    EventParseError,
    MessageSent,
    RoutingKey,
    UnknownEventType,
    event_class,
    parse_event,
)


def _routing_keys() -> set[str]:
    return {value for name, value in vars(RoutingKey).items() if name.isupper()}


def test_registry_covers_every_routing_key() -> None:
    assert set(EVENT_TYPES) == _routing_keys()


@pytest.mark.parametrize(("event_type", "cls"), sorted(EVENT_TYPES.items()))
def test_registry_classes_match_their_type(event_type: str, cls: type[Event]) -> None:
    assert event_type == cls.EVENT_TYPE
    assert event_class(event_type) is cls


def test_parse_event_accepts_str_bytes_and_dict(sample_events: dict[str, Event]) -> None:
    event = sample_events["message.sent"]
    text = event.model_dump_json()
    for body in (text, text.encode(), json.loads(text)):
        parsed = parse_event(body)
        assert isinstance(parsed, MessageSent)
        assert parsed == event


def test_unknown_event_type() -> None:
    with pytest.raises(UnknownEventType, match=r"message\.exploded") as info:
        parse_event({"event_type": "message.exploded", "producer": "x", "user_id": "u"})
    assert info.value.event_type == "message.exploded"
    with pytest.raises(UnknownEventType):
        event_class("nope")


@pytest.mark.parametrize("body", [{"user_id": "u"}, {"event_type": 7}, {"event_type": None}])
def test_missing_event_type_is_unknown(body: dict[str, object]) -> None:
    with pytest.raises(UnknownEventType):
        parse_event(body)


@pytest.mark.parametrize("body", [b"[1, 2]", b"not json", '"text"', b"\xff\xfe"])
def test_body_must_be_a_json_object(body: bytes | str) -> None:
    with pytest.raises(EventParseError):
        parse_event(body)


def test_invalid_payload_raises_validation_error() -> None:
    with pytest.raises(ValidationError):
        parse_event({"event_type": "message.sent", "producer": "sender-svc", "user_id": "u"})


def test_unknown_event_type_is_a_value_error() -> None:
    assert issubclass(UnknownEventType, EventParseError)
    assert issubclass(EventParseError, ValueError)
