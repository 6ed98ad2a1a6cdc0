"""AMQP headers sender-svc sets when it puts a delivery back on a delay queue: written and
read only here."""

import json
from collections.abc import Mapping
from typing import Any

ATTEMPT_HEADER = "x-attempt"
"""How many times the delivery has been put back (0 when absent)."""
TRIED_HEADER = "x-tried"
"""A JSON list of the session ids already tried for the message (dispatch only)."""


def retry_headers(attempt: int, tried: list[str] | None = None) -> dict[str, Any]:
    headers: dict[str, Any] = {ATTEMPT_HEADER: attempt}
    if tried is not None:
        headers[TRIED_HEADER] = json.dumps(tried)
    return headers


def attempt_in(headers: Mapping[str, Any] | None) -> int:
    value = (headers or {}).get(ATTEMPT_HEADER, 0)
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else 0


def tried_in(headers: Mapping[str, Any] | None) -> list[str]:
    """The sessions already tried; anything unreadable counts as none."""
    value = (headers or {}).get(TRIED_HEADER)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    try:
        tried = json.loads(value) if isinstance(value, str) else []
    except ValueError:
        return []
    return [str(t) for t in tried] if isinstance(tried, list) else []
