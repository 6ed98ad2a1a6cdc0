"""Provider vocabularies mapped onto the contract's statuses and types (no I/O)."""

from typing import Final

from wagate_contracts.values import DeliveryStatus, InboundMessageType, SessionStatus

WAHA_ACKS: Final[dict[int, DeliveryStatus]] = {
    -1: "failed",
    1: "sent",
    2: "delivered",
    3: "read",
    4: "played",
}
"""WAHA ``ack``: -1 ERROR, 0 PENDING (no event), 1 SERVER, 2 DEVICE, 3 READ, 4 PLAYED."""

WAHA_ACK_NAMES: Final[dict[str, int]] = {
    "ERROR": -1,
    "PENDING": 0,
    "SERVER": 1,
    "DEVICE": 2,
    "READ": 3,
    "PLAYED": 4,
}

WAHA_SESSION_STATUSES: Final[dict[str, SessionStatus]] = {
    "STOPPED": "disconnected",
    "STARTING": "starting",
    "SCAN_QR_CODE": "scan_qr",
    "WORKING": "connected",
    "FAILED": "failed",
}

WHAPI_CHANNEL_STATUSES: Final[dict[str, SessionStatus]] = {
    "INIT": "starting",
    "LAUNCH": "starting",
    "QR": "scan_qr",
    "AUTH": "connected",
    "ERROR": "failed",
    "STOP": "disconnected",
    "SYNC_ERROR": "failed",
}

CLOUD_STATUSES: Final[dict[str, DeliveryStatus]] = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "played": "played",
    "failed": "failed",
}
"""Meta and Whapi status words; anything else (pending, deleted, warning) is not a receipt."""

MESSAGE_TYPES: Final[dict[str, InboundMessageType]] = {
    "text": "text",
    "chat": "text",
    "link_preview": "text",
    "image": "image",
    "video": "video",
    "gif": "video",
    "short": "video",
    "audio": "audio",
    "voice": "audio",
    "ptt": "audio",
    "document": "document",
    "sticker": "sticker",
    "location": "location",
    "live_location": "location",
    "contact": "contact",
    "contacts": "contact",
    "vcard": "contact",
    "poll": "poll",
    "poll_creation": "poll",
    "list": "list",
    "interactive": "list",
    "buttons": "buttons",
    "button": "buttons",
    "reaction": "reaction",
}


def message_type(raw: object) -> InboundMessageType:
    return MESSAGE_TYPES.get(str(raw).lower(), "unknown") if raw else "unknown"
