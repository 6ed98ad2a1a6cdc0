"""Latency percentiles and throughput: pure functions, no I/O."""

import math
from collections.abc import Iterable, Sequence
from typing import Any


def percentile(samples: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0..100) of ``samples``, linear interpolation between ranks.

    The same definition as numpy's default (``method="linear"``); None for no samples.
    """
    if not 0 <= q <= 100:
        raise ValueError(f"percentile out of range: {q}")
    if not samples:
        return None
    ordered = sorted(samples)
    position = (len(ordered) - 1) * q / 100
    lower = math.floor(position)
    upper = math.ceil(position)
    if lower == upper:
        return float(ordered[lower])
    weight = position - lower
    return float(ordered[lower] * (1 - weight) + ordered[upper] * weight)


def latency_summary(samples_s: Iterable[float]) -> dict[str, Any] | None:
    """p50/p99/max in milliseconds (3 decimals) of latencies given in seconds."""
    values = sorted(samples_s)
    if not values:
        return None
    p50 = percentile(values, 50)
    p99 = percentile(values, 99)
    assert p50 is not None
    assert p99 is not None
    return {
        "count": len(values),
        "p50_ms": round(p50 * 1000, 3),
        "p99_ms": round(p99 * 1000, 3),
        "max_ms": round(values[-1] * 1000, 3),
    }


def throughput(count: int, elapsed_s: float) -> float | None:
    """Operations per second, rounded to 0.1; None when nothing could be measured."""
    if count <= 0 or elapsed_s <= 0 or not math.isfinite(elapsed_s):
        return None
    return round(count / elapsed_s, 1)


def ratio(value: float | None, floor: float | None) -> float | None:
    """``value / floor`` (3 decimals): a scenario's figure relative to its floor."""
    if value is None or floor is None:
        return None
    if not (math.isfinite(value) and math.isfinite(floor)) or value < 0 or floor <= 0:
        return None
    return round(value / floor, 3)
