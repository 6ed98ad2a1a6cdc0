"""Reusable validated value types shared by the contract models.

Every type here validates from its JSON form even inside strict models, so a
``json.loads``-ed body and a raw JSON document are accepted alike.
"""

import re
from typing import Annotated, Final, Literal, get_args
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, Strict, StringConstraints

from wagate_contracts.envelope import UtcDatetime

_PHONE_SEPARATORS: Final = re.compile(r"[\s\-.()]")
_PHONE_DIGITS: Final = re.compile(r"[0-9]{8,15}")
_CHAT_ID: Final = re.compile(
    r"(?:[0-9]{5,20}@(?:c\.us|s\.whatsapp\.net|newsletter|lid))"
    r"|(?:[0-9]{5,20}(?:-[0-9]{5,20})?@g\.us)"
)
_SHA256_HEX: Final = r"^[0-9a-fA-F]{64}$"


def normalize_phone(value: str) -> str:
    """``"+62 812-3456-7890"`` → ``"6281234567890"``; raises ``ValueError`` if invalid."""
    digits = _PHONE_SEPARATORS.sub("", value)
    digits = digits.removeprefix("+")
    if not _PHONE_DIGITS.fullmatch(digits):
        raise ValueError("invalid phone number")
    return digits


def normalize_chat_id(value: str) -> str:
    """A phone number (normalised) or a WhatsApp chat id such as ``"…@g.us"``."""
    candidate = value.strip()
    if "@" not in candidate:
        return normalize_phone(candidate)
    candidate = candidate.lower()
    if not _CHAT_ID.fullmatch(candidate):
        raise ValueError(
            "invalid chat id: expected a phone number or <digits>@c.us, "
            "@g.us, @s.whatsapp.net, @newsletter or @lid"
        )
    return candidate


def is_group_chat(chat_id: str) -> bool:
    """Whether a (validated) chat id names a group."""
    return chat_id.endswith("@g.us")


def _check_http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an absolute http or https URL")
    return value


PhoneNumber = Annotated[str, AfterValidator(normalize_phone)]
"""A phone number in international form, digits only (8-15), e.g. ``6281234567890``."""

ChatId = Annotated[str, AfterValidator(normalize_chat_id)]
"""A recipient: a :data:`PhoneNumber` or a WhatsApp chat id (``…@c.us``, ``…@g.us`` …)."""

NonEmptyText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4096)
]
"""Text, stripped, 1-4096 characters (WhatsApp's message length limit)."""

Identifier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]
"""A non-empty id (platform or provider), at most 256 characters."""

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]
"""A non-empty label (names, titles, button texts), at most 256 characters."""

NonNegativeInt = Annotated[int, Field(ge=0)]
"""A count or a limit: an integer ≥ 0."""

Timestamp = Annotated[UtcDatetime, Strict(False)]
"""A timezone-aware timestamp (UTC), accepted from its ISO-8601 string form."""

HttpUrlStr = Annotated[str, StringConstraints(max_length=2048), AfterValidator(_check_http_url)]
"""An absolute ``http``/``https`` URL, kept as a string."""

Sha256Hex = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=_SHA256_HEX), AfterValidator(str.lower)
]
"""A SHA-256 digest as 64 lowercase hexadecimal characters."""

SessionStatus = Literal[
    "created",
    "starting",
    "scan_qr",
    "connected",
    "disconnected",
    "reconnecting",
    "failed",
    "logged_out",
]
SESSION_STATUSES: Final[tuple[SessionStatus, ...]] = get_args(SessionStatus)

MessageType = Literal[
    "text",
    "image",
    "video",
    "audio",
    "document",
    "sticker",
    "location",
    "contact",
    "poll",
    "list",
    "buttons",
]
MESSAGE_TYPES: Final[tuple[MessageType, ...]] = get_args(MessageType)
MEDIA_MESSAGE_TYPES: Final[frozenset[MessageType]] = frozenset(
    {"image", "video", "audio", "document", "sticker"}
)

InboundMessageType = MessageType | Literal["reaction", "unknown"]
"""Types of inbound messages: what can be sent, plus reactions and anything unsupported."""

DeliveryStatus = Literal["queued", "sent", "delivered", "read", "played", "failed"]
DELIVERY_STATUSES: Final[tuple[DeliveryStatus, ...]] = get_args(DeliveryStatus)

SubscriptionStatus = Literal["active", "expired", "canceled", "none"]
SUBSCRIPTION_STATUSES: Final[tuple[SubscriptionStatus, ...]] = get_args(SubscriptionStatus)

ProviderName = Literal["sandbox", "waha", "meta", "whapi"]
PROVIDER_NAMES: Final[tuple[ProviderName, ...]] = get_args(ProviderName)

SendStrategy = Literal["round_robin", "least_recently_used", "sticky"]
SEND_STRATEGIES: Final[tuple[SendStrategy, ...]] = get_args(SendStrategy)
DEFAULT_SEND_STRATEGY: Final[SendStrategy] = "least_recently_used"

_STATUS_RANK: Final[dict[DeliveryStatus, int]] = {
    "queued": 0,
    "sent": 1,
    "delivered": 2,
    "read": 3,
    "played": 4,
    "failed": 2,
}


def status_rank(status: DeliveryStatus) -> int:
    """Progress of a delivery status: queued 0 < sent 1 < delivered 2 < read 3 < played 4.

    ``failed`` ranks 2: it outranks queued and sent only.
    """
    return _STATUS_RANK[status]


def is_forward(old: DeliveryStatus, new: DeliveryStatus) -> bool:
    """Whether ``new`` may replace ``old``: status only moves forward.

    ``failed`` may only replace queued or sent, and nothing replaces ``failed``.
    A repeated status is not forward (apply it at most once).
    """
    if old == "failed":
        return False
    if new == "failed":
        return old in ("queued", "sent")
    return status_rank(new) > status_rank(old)
