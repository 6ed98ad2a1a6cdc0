"""Customer webhook delivery rules: what to retry (no I/O). Which targets are safe is
``wagate_platform.netguard``."""

from dataclasses import dataclass
from typing import Final
from uuid import UUID

FORWARDED_EVENTS: Final = ("message.received", "message.status", "session.status_changed")
RETRYABLE_4XX: Final = frozenset({408, 429})


@dataclass(frozen=True)
class DeliveryOutcome:
    ok: bool
    retryable: bool
    status_code: int | None = None
    error: str | None = None


def outcome_of_status(code: int) -> DeliveryOutcome:
    """2xx delivered; 408, 429 and 5xx retried; other answers (4xx, 3xx) are final."""
    if 200 <= code < 300:
        return DeliveryOutcome(True, False, code)
    retryable = code in RETRYABLE_4XX or code >= 500
    return DeliveryOutcome(False, retryable, code, f"endpoint answered HTTP {code}")


def delivery_id_for(event_id: UUID) -> str:
    """One delivery per forwarded event (per user): stable across retries."""
    return f"dlv_{event_id.hex}"


def next_delay_ms(delays_ms: tuple[int, ...], attempt: int) -> int | None:
    """The wait before attempt ``attempt + 1``, or None after the last attempt."""
    return delays_ms[attempt - 1] if 1 <= attempt <= len(delays_ms) else None
