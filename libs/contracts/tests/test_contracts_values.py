from datetime import UTC, datetime, timedelta, timezone
from itertools import product

import pytest
from pydantic import BaseModel, ValidationError
from wagate_contracts import (
    ChatId,
    ContractModel,
    DeliveryStatus,
    HttpUrlStr,
    NonEmptyText,
    NonNegativeInt,
    PhoneNumber,
    Sha256Hex,
    Timestamp,
    is_forward,
    is_group_chat,
    normalize_phone,
    status_rank,
)
from wagate_contracts.values import (
    DELIVERY_STATUSES,
    MESSAGE_TYPES,
    PROVIDER_NAMES,
    SESSION_STATUSES,
    SUBSCRIPTION_STATUSES,
)


class Values(ContractModel):
    phone: PhoneNumber = "6281234567890"
    chat: ChatId = "6281234567890"
    text: NonEmptyText = "x"
    count: NonNegativeInt = 0
    at: Timestamp | None = None
    url: HttpUrlStr = "https://example.com/a.png"
    digest: Sha256Hex = "0" * 64


def _error(**fields: object) -> str:
    with pytest.raises(ValidationError) as info:
        Values.model_validate(fields)
    return str(info.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+62 812-3456-7890", "6281234567890"),
        ("6281234567890", "6281234567890"),
        ("(021) 555.1234", "0215551234"),
        ("+1 (415) 555-0100", "14155550100"),
    ],
)
def test_phone_numbers_are_normalised(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected
    assert Values(phone=raw).phone == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "abc",
        "1234567",
        "1234567890123456",
        "62812345678x",
        "++6281234567890",
        "+62+812345678",
    ],
)
def test_bad_phone_numbers_are_rejected(raw: str) -> None:
    assert "invalid phone number" in _error(phone=raw)


@pytest.mark.parametrize(
    "chat_id",
    [
        "6281234567890@c.us",
        "120363012345678901@g.us",
        "6281234567890-1600000000@g.us",
        "6281234567890@s.whatsapp.net",
        "120363123456789012@newsletter",
        "123456789012345@lid",
    ],
)
def test_whatsapp_chat_ids_are_accepted(chat_id: str) -> None:
    assert Values(chat=f" {chat_id} ").chat == chat_id


def test_chat_id_may_be_a_phone_number() -> None:
    assert Values(chat="+62 812-3456-7890").chat == "6281234567890"


@pytest.mark.parametrize(
    "chat_id",
    [
        "group@g.us",
        "123@c.us",
        "6281234567890@example.com",
        "@g.us",
        "6281234567890@",
        "12-34@c.us",
    ],
)
def test_bad_chat_ids_are_rejected(chat_id: str) -> None:
    assert "invalid chat id" in _error(chat=chat_id)


def test_group_chats_are_recognised() -> None:
    assert is_group_chat("120363012345678901@g.us")
    assert not is_group_chat("6281234567890@c.us")
    assert not is_group_chat("6281234567890")


def test_text_is_stripped_and_must_not_be_empty() -> None:
    assert Values(text="  hi  ").text == "hi"
    _error(text="")
    _error(text="   ")
    _error(text="x" * 4097)
    assert len(Values(text="x" * 4096).text) == 4096


def test_negative_counts_are_rejected() -> None:
    assert Values(count=0).count == 0
    _error(count=-1)


def test_strict_types_do_not_coerce() -> None:
    _error(count="3")
    _error(text=3)


def test_timestamps_parse_from_strings_and_become_utc() -> None:
    value = Values.model_validate({"at": "2025-01-02T10:00:00+07:00"}).at
    assert value == datetime(2025, 1, 2, 3, tzinfo=UTC)
    assert value is not None
    assert value.utcoffset() == timedelta(0)
    assert Values(at=datetime(2025, 1, 2, tzinfo=timezone(timedelta(hours=7)))).at is not None
    assert "timezone" in _error(at="2025-01-02T10:00:00")


@pytest.mark.parametrize(
    "url", ["ftp://example.com/a", "example.com/a.png", "https://", "javascript:x"]
)
def test_urls_must_be_http(url: str) -> None:
    assert "http" in _error(url=url)


def test_sha256_hex_is_lowercased_and_checked() -> None:
    assert Values(digest="AB" * 32).digest == "ab" * 32
    _error(digest="ab" * 31)
    _error(digest="zz" * 32)


def test_literal_value_sets() -> None:
    assert SESSION_STATUSES == (
        "created",
        "starting",
        "scan_qr",
        "connected",
        "disconnected",
        "reconnecting",
        "failed",
        "logged_out",
    )
    assert len(MESSAGE_TYPES) == 11
    assert DELIVERY_STATUSES == ("queued", "sent", "delivered", "read", "played", "failed")
    assert SUBSCRIPTION_STATUSES == ("active", "expired", "canceled", "none")
    assert PROVIDER_NAMES == ("sandbox", "waha", "meta", "whapi")


def test_status_rank_order() -> None:
    progress: list[DeliveryStatus] = ["queued", "sent", "delivered", "read", "played"]
    ranks = [status_rank(status) for status in progress]
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == len(ranks)


_FORWARD: set[tuple[str, str]] = {
    ("queued", "sent"),
    ("queued", "delivered"),
    ("queued", "read"),
    ("queued", "played"),
    ("queued", "failed"),
    ("sent", "delivered"),
    ("sent", "read"),
    ("sent", "played"),
    ("sent", "failed"),
    ("delivered", "read"),
    ("delivered", "played"),
    ("read", "played"),
}


@pytest.mark.parametrize(("old", "new"), list(product(DELIVERY_STATUSES, repeat=2)))
def test_status_only_moves_forward(old: DeliveryStatus, new: DeliveryStatus) -> None:
    assert is_forward(old, new) is ((old, new) in _FORWARD)


def test_value_model_is_a_contract_model() -> None:
    assert issubclass(Values, BaseModel)
    with pytest.raises(ValidationError):
        Values().text = "changed"  # type: ignore[misc]
