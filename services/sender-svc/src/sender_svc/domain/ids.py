"""Identifiers minted by sender-svc."""

import secrets


def message_id() -> str:
    return f"msg_{secrets.token_hex(12)}"


def campaign_id() -> str:
    return f"cmp_{secrets.token_hex(12)}"
