import json
from typing import Any

import pytest
from pydantic import ValidationError
from wagate_contracts import (
    EVENT_TYPES,
    ApiKeyRotated,
    Event,
    MessageReceived,
    MessageRequested,
    SessionCreated,
    SubscriptionChecked,
    SubscriptionUpdated,
    parse_event,
)

ALL_TYPES = sorted(EVENT_TYPES)


def _as_dict(event: Event) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(event.model_dump_json())
    return data


def test_there_is_a_sample_per_event_type(sample_events: dict[str, Event]) -> None:
    assert sorted(sample_events) == ALL_TYPES


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_round_trip_through_json(sample_events: dict[str, Event], event_type: str) -> None:
    event = sample_events[event_type]
    body = event.model_dump_json().encode()
    assert parse_event(body) == event
    assert parse_event(json.loads(body)) == event
    assert type(event).model_validate_json(body) == event
    assert type(parse_event(body)) is EVENT_TYPES[event_type]


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_envelope_fields(sample_events: dict[str, Event], event_type: str) -> None:
    data = _as_dict(sample_events[event_type])
    assert data["event_type"] == event_type
    assert data["schema_version"] == 1
    assert data["occurred_at"].endswith("Z")
    for field in ("event_id", "correlation_id", "producer", "user_id"):
        assert field in data


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_unknown_fields_are_ignored(sample_events: dict[str, Event], event_type: str) -> None:
    data = {**_as_dict(sample_events[event_type]), "added_in_v2": {"x": 1}}
    assert parse_event(data) == sample_events[event_type]


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_wrong_event_type_is_rejected(sample_events: dict[str, Event], event_type: str) -> None:
    other = next(name for name in ALL_TYPES if name != event_type)
    data = {**_as_dict(sample_events[event_type]), "event_type": other}
    with pytest.raises(ValidationError, match="does not match"):
        EVENT_TYPES[event_type].model_validate(data)


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_events_are_frozen(sample_events: dict[str, Event], event_type: str) -> None:
    with pytest.raises(ValidationError):
        sample_events[event_type].user_id = "someone-else"  # type: ignore[misc]


def test_negative_limits_are_rejected(sample_events: dict[str, Event]) -> None:
    updated = _as_dict(sample_events["subscription.updated"])
    for field in ("max_sessions", "daily_limit_per_session", "rate_limit_per_minute"):
        with pytest.raises(ValidationError, match=field):
            SubscriptionUpdated.model_validate({**updated, field: -1})
    checked = _as_dict(sample_events["subscription.checked"])
    for field in ("max_sessions", "sessions_used"):
        with pytest.raises(ValidationError, match=field):
            SubscriptionChecked.model_validate({**checked, field: -1})
    created = _as_dict(sample_events["session.created"])
    with pytest.raises(ValidationError, match="daily_limit"):
        SessionCreated.model_validate({**created, "daily_limit": -5})


@pytest.mark.parametrize("field", ["message_id", "user_id", "session_id", "provider_message_id"])
def test_ids_must_not_be_empty(sample_events: dict[str, Event], field: str) -> None:
    data = _as_dict(sample_events["message.sent"])
    with pytest.raises(ValidationError, match=field):
        parse_event({**data, field: "  "})


def test_strict_fields_do_not_coerce(sample_events: dict[str, Event]) -> None:
    data = _as_dict(sample_events["subscription.updated"])
    with pytest.raises(ValidationError):
        parse_event({**data, "max_sessions": "10"})


def test_naive_timestamps_are_rejected(sample_events: dict[str, Event]) -> None:
    data = _as_dict(sample_events["message.sent"])
    with pytest.raises(ValidationError, match="timezone"):
        parse_event({**data, "sent_at": "2025-01-02T03:04:05"})


def test_message_requested_normalises_the_recipient(sample_events: dict[str, Event]) -> None:
    event = sample_events["message.requested"]
    assert isinstance(event, MessageRequested)
    assert event.to == "6281234567890"
    with pytest.raises(ValidationError, match="invalid phone number"):
        parse_event({**_as_dict(event), "to": "12-34"})
    with pytest.raises(ValidationError, match="requires"):
        parse_event({**_as_dict(event), "content": {"type": "image", "text": "no media"}})


def test_message_requested_defaults() -> None:
    event = MessageRequested(
        producer="sender-svc",
        user_id="u",
        message_id="m",
        to="6281234567890",
        content={"type": "text", "text": "x"},  # type: ignore[arg-type]
    )
    assert event.strategy == "least_recently_used"
    assert event.session_id is None
    assert event.group_id is None


def test_message_received_uses_from_on_the_wire(sample_events: dict[str, Event]) -> None:
    event = sample_events["message.received"]
    assert isinstance(event, MessageReceived)
    data = _as_dict(event)
    assert data["from"] == "6281234567890@s.whatsapp.net"
    assert "from_" not in data
    assert event.model_dump()["from"] == event.from_
    renamed = {**{k: v for k, v in data.items() if k != "from"}, "from_": data["from"]}
    assert parse_event(renamed) == event
    assert event.deduplicated is False


def test_message_received_accepts_reactions(sample_events: dict[str, Event]) -> None:
    data = {**_as_dict(sample_events["message.received"]), "type": "reaction", "text": None}
    assert parse_event(data).model_dump()["type"] == "reaction"


def test_api_key_hash_must_be_sha256_hex(sample_events: dict[str, Event]) -> None:
    data = _as_dict(sample_events["apikey.rotated"])
    with pytest.raises(ValidationError, match="key_hash"):
        ApiKeyRotated.model_validate({**data, "key_hash": "not-a-hash"})


def test_session_snapshot_accepts_json_lists(sample_events: dict[str, Event]) -> None:
    data = _as_dict(sample_events["session.created"])
    assert data["group_ids"] == ["g-1"]
    assert parse_event(data) == sample_events["session.created"]
