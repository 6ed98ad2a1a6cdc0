"""Identifiers minted by sender-svc."""

import hashlib
import secrets


def message_id() -> str:
    return f"msg_{secrets.token_hex(12)}"


def campaign_id() -> str:
    return f"cmp_{secrets.token_hex(12)}"


def campaign_message_id(campaign: str, seq: int) -> str:
    """The id of a campaign's ``seq``-th message: the same every time it is derived, so a
    preparation step that is run again inserts nothing twice."""
    digest = hashlib.sha256(f"{campaign}/{seq}".encode()).hexdigest()
    return f"msg_{digest[:24]}"
