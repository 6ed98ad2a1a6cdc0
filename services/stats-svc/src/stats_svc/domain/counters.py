"""The counters kept per scope, and the rates derived from them at read time."""

from typing import Final, Literal

Counter = Literal[
    "requested",
    "sent",
    "failed",
    "delivered",
    "read",
    "played",
    "delivery_failed",
    "received",
    "deduplicated",
]
COUNTERS: Final[tuple[Counter, ...]] = (
    "requested",
    "sent",
    "failed",
    "delivered",
    "read",
    "played",
    "delivery_failed",
    "received",
    "deduplicated",
)


def success_rate(sent: int, failed: int) -> float:
    """``sent / (sent + failed) * 100``, rounded to 2 decimals; 0.0 when nothing was attempted."""
    attempted = sent + failed
    if attempted <= 0:
        return 0.0
    return round(sent * 100.0 / attempted, 2)
