"""Identifiers in WAHA's formats: chat ids, message ids, event ids."""

import re
import secrets
import time

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_SERVERS = frozenset({"c.us", "g.us", "s.whatsapp.net", "lid", "newsletter"})
_PHONE = re.compile(r"^\d{5,20}$")
_MESSAGE_ID = re.compile(r"^(true|false)_([^_]+@[a-z.]+)_([0-9A-Za-z]+)$")


def now_ms() -> int:
    return int(time.time() * 1000)


def now_s() -> int:
    return int(time.time())


def digits(value: str) -> str:
    """The phone number in ``value`` (``+62 812-345``, ``62812345@c.us`` …) as digits only."""
    return "".join(ch for ch in value.partition("@")[0] if ch.isdigit())


def normalize_chat_id(value: str) -> str | None:
    """A WAHA chat id (``6281234567890@c.us``) from a chat id or a bare phone number.

    ``None`` when ``value`` is neither.
    """
    text = value.strip()
    if "@" not in text:
        number = digits(text)
        cleaned = text.lstrip("+").replace(" ", "").replace("-", "")
        return f"{number}@c.us" if _PHONE.match(number) and cleaned == number else None
    user, _, server = text.partition("@")
    if not user or server not in _SERVERS:
        return None
    if server in {"c.us", "s.whatsapp.net"}:
        return f"{user}@c.us" if _PHONE.match(user) else None
    return text


def message_id(from_me: bool, chat_id: str) -> str:
    """``true_6281234567890@c.us_3EB0…`` (own) or ``false_…`` (received)."""
    return f"{'true' if from_me else 'false'}_{chat_id}_3EB0{secrets.token_hex(8).upper()}"


def parse_message_id(value: str) -> tuple[bool, str] | None:
    """``(from_me, chat_id)`` of a serialized message id, ``None`` if it is not one."""
    match = _MESSAGE_ID.match(value)
    if match is None:
        return None
    return match.group(1) == "true", match.group(2)


def event_id() -> str:
    """``evt_`` + a ULID-like, time-ordered id, as WAHA puts in its event envelopes."""
    value = (now_ms() << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "evt_" + "".join(reversed(chars))
