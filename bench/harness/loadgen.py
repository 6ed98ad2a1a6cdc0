"""A closed-loop load generator: bounded concurrency, request count and time.

``send(i)`` performs request ``i`` and returns its HTTP status; the generator
times every call and counts statuses. Targets must be loopback addresses.
"""

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from bench.harness.http import LoopbackClient, ensure_loopback
from bench.harness.stats import latency_summary, throughput

Send = Callable[[int], Awaitable[int]]
__all__ = ["LoadResult", "Send", "ensure_loopback", "loopback_client", "run_load"]


def loopback_client(base_url: str, concurrency: int, timeout_s: float = 30.0) -> LoopbackClient:
    """The load's client: a minimal keep-alive HTTP/1.1 pool (``bench.harness.http``)."""
    return LoopbackClient(base_url, concurrency, timeout_s)


@dataclass
class LoadResult:
    sent: int = 0
    elapsed_s: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)
    ok_latencies_s: list[float] = field(default_factory=list)
    stopped_by: str = "count"

    def ok_count(self, ok: Collection[int]) -> int:
        return sum(
            n for status, n in self.statuses.items() if status.isdigit() and int(status) in ok
        )

    def summary(self, ok: Collection[int]) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "ok": self.ok_count(ok),
            "elapsed_s": round(self.elapsed_s, 3),
            "statuses": dict(sorted(self.statuses.items())),
            "stopped_by": self.stopped_by,
        }

    def throughput(self, ok: Collection[int]) -> float | None:
        return throughput(self.ok_count(ok), self.elapsed_s)

    def latency(self) -> dict[str, Any] | None:
        return latency_summary(self.ok_latencies_s)


async def run_load(
    send: Send,
    *,
    total: int,
    concurrency: int,
    time_limit_s: float,
    ok: Collection[int] = (200, 201, 202),
    gate: Callable[[], Awaitable[None]] | None = None,
) -> LoadResult:
    """Run ``send(0..total-1)`` with ``concurrency`` workers until done or out of time.

    ``gate``, when given, is awaited before each send, outside its latency (flow control).
    """
    if total < 0 or concurrency < 1 or time_limit_s <= 0:
        raise ValueError("total >= 0, concurrency >= 1 and time_limit_s > 0 are required")
    result = LoadResult()
    next_index = 0
    start = time.perf_counter()
    deadline = start + time_limit_s

    async def worker() -> None:
        nonlocal next_index
        while next_index < total:
            if time.perf_counter() >= deadline:
                result.stopped_by = "time"
                return
            if gate is not None:
                await gate()
                if time.perf_counter() >= deadline:
                    result.stopped_by = "time"
                    return
            index = next_index
            next_index += 1
            began = time.perf_counter()
            try:
                status = await send(index)
            except Exception as exc:
                result.statuses[type(exc).__name__] += 1
            else:
                result.statuses[str(status)] += 1
                if status in ok:
                    result.ok_latencies_s.append(time.perf_counter() - began)
            result.sent += 1

    await asyncio.gather(*(worker() for _ in range(min(concurrency, max(total, 1)))))
    result.elapsed_s = time.perf_counter() - start
    return result
