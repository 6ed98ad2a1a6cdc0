"""Anti-ban pacing: the gap before a session may send again, with random jitter."""

import random
from datetime import datetime, timedelta


def next_free_at(at: datetime, interval_ms: int, jitter_ratio: float) -> datetime:
    """``at`` + the interval + up to ``jitter_ratio`` of it at random (never less)."""
    gap = interval_ms * (1 + random.uniform(0, jitter_ratio))
    return at + timedelta(milliseconds=gap)
