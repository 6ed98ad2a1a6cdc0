from typing import Any

import pytest
from pydantic import ValidationError
from wagate_contracts import MessageContent, MessageType
from wagate_contracts.values import MESSAGE_TYPES

MEDIA = {"url": "https://cdn.example.com/file.bin", "caption": "look"}
PARTS: dict[MessageType, tuple[str, Any]] = {
    "text": ("text", "hello"),
    "image": ("media", MEDIA),
    "video": ("media", MEDIA),
    "audio": ("media", {"url": "http://cdn.example.com/a.ogg"}),
    "document": ("media", {**MEDIA, "filename": "a.pdf", "mime_type": "application/pdf"}),
    "sticker": ("media", {"url": "https://cdn.example.com/s.webp"}),
    "location": ("location", {"latitude": -6.2, "longitude": 106.8, "name": "Monas"}),
    "contact": ("contact", {"full_name": "Budi", "phone_number": "+62 812-3456-7890"}),
    "poll": ("poll", {"name": "Lunch?", "options": ["Yes", "No"], "multiple_answers": False}),
    "list": (
        "list",
        {
            "description": "Pick one",
            "button_text": "Menu",
            "sections": [{"title": "Food", "rows": [{"id": "r1", "title": "Rice"}]}],
        },
    ),
    "buttons": ("buttons", {"body": "Continue?", "buttons": [{"id": "y", "text": "Yes"}]}),
}


def _content(message_type: str, **parts: Any) -> MessageContent:
    return MessageContent.model_validate({"type": message_type, **parts})


def _invalid(message_type: str, **parts: Any) -> str:
    with pytest.raises(ValidationError) as info:
        _content(message_type, **parts)
    return str(info.value)


def test_every_message_type_has_a_case() -> None:
    assert set(PARTS) == set(MESSAGE_TYPES)


@pytest.mark.parametrize("message_type", MESSAGE_TYPES)
def test_valid_content_per_type(message_type: MessageType) -> None:
    part, value = PARTS[message_type]
    content = _content(message_type, **{part: value})
    assert content.type == message_type
    assert getattr(content, part) is not None
    assert MessageContent.model_validate_json(content.model_dump_json()) == content


@pytest.mark.parametrize("message_type", MESSAGE_TYPES)
def test_missing_required_part_is_rejected(message_type: MessageType) -> None:
    part, _ = PARTS[message_type]
    other = "text" if part != "text" else "media"
    message = _invalid(message_type, **{other: PARTS["text" if other == "text" else "image"][1]})
    assert f"a '{message_type}' message requires" in message
    assert ("media.url" if part == "media" else part) in message


def test_unknown_type_is_rejected() -> None:
    _invalid("carousel", text="hi")


def test_text_must_not_be_blank() -> None:
    _invalid("text", text="   ")


def test_media_needs_an_http_url() -> None:
    _invalid("image", media={"url": "file:///etc/passwd"})
    _invalid("image", media={"caption": "no url"})


@pytest.mark.parametrize(("lat", "lng"), [(91, 0), (-91, 0), (0, 181), (0, -180.5)])
def test_location_bounds(lat: float, lng: float) -> None:
    _invalid("location", location={"latitude": lat, "longitude": lng})


def test_location_accepts_integers() -> None:
    assert _content("location", location={"latitude": 0, "longitude": 180}).location is not None


def test_contact_phone_is_normalised() -> None:
    contact = _content("contact", contact=PARTS["contact"][1]).contact
    assert contact is not None
    assert contact.phone_number == "6281234567890"
    assert "invalid phone number" in _invalid(
        "contact", contact={"full_name": "X", "phone_number": "12"}
    )


@pytest.mark.parametrize(
    "options",
    [["only"], [str(i) for i in range(13)], ["Yes", "Yes"], ["Yes", " "]],
)
def test_bad_poll_options_are_rejected(options: list[str]) -> None:
    _invalid("poll", poll={"name": "Q", "options": options})


def test_poll_allows_twelve_options() -> None:
    poll = _content("poll", poll={"name": "Q", "options": [str(i) for i in range(12)]}).poll
    assert poll is not None
    assert len(poll.options) == 12


def test_list_rules() -> None:
    base = PARTS["list"][1]
    _invalid("list", list={**base, "sections": []})
    _invalid("list", list={**base, "sections": [{"title": "Empty", "rows": []}]})
    duplicate = {"title": "A", "rows": [{"id": "r1", "title": "One"}, {"id": "r1", "title": "Two"}]}
    assert "distinct" in _invalid("list", list={**base, "sections": [duplicate]})


def test_buttons_rules() -> None:
    _invalid("buttons", buttons={"body": "?", "buttons": []})
    four = [{"id": str(i), "text": str(i)} for i in range(4)]
    _invalid("buttons", buttons={"body": "?", "buttons": four})
    twice = [{"id": "a", "text": "A"}, {"id": "a", "text": "B"}]
    assert "distinct" in _invalid("buttons", buttons={"body": "?", "buttons": twice})


def test_content_is_frozen_and_ignores_unknown_fields() -> None:
    content = _content("text", text="hi", unexpected=True)
    with pytest.raises(ValidationError):
        content.text = "changed"  # type: ignore[misc]
