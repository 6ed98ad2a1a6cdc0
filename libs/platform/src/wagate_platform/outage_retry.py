"""Waiting out an outage: a message whose handler met one goes on a retry delay queue.

A handler failure that :func:`wagate_platform.faults.classify` calls an outage is
not the message's fault, so it must not spend the delivery limit (five quick
redeliveries would send it to the DLQ within one failover). Instead the message
is republished, confirmed, to the retry exchange with the next delay of the
schedule (1 s, 5 s, 30 s, 2 min, 10 min, then 10 min again) and the original
delivery is acknowledged. It comes back to its own queue only, as a new delivery.

Two headers carry the state: ``x-outage-attempt`` (retries so far) and
``x-outage-since`` (epoch ms of the first failure). Once a message has waited
longer than the budget, its failures count like any other again.
"""

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from faststream.rabbit import RabbitBroker, RabbitMessage

from wagate_platform.topology import RETRY_DELAY_HEADER, Topology

ATTEMPT_HEADER = "x-outage-attempt"
SINCE_HEADER = "x-outage-since"
# Headers RabbitMQ adds on the way through a delay queue: not copied to the retry.
_BROKER_HEADERS = (
    "x-death",
    "x-delivery-count",
    "x-first-death-exchange",
    "x-first-death-queue",
    "x-first-death-reason",
    "x-last-death-exchange",
    "x-last-death-queue",
    "x-last-death-reason",
)


def _now_ms() -> int:
    return int(time.time() * 1000)


def _as_int(value: Any, default: int) -> int:
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else default


@dataclass(frozen=True)
class RetrySchedule:
    delays_ms: Sequence[int]
    budget_s: float

    def delay_ms(self, attempt: int) -> int:
        """The wait before retry number ``attempt`` (0-based); the last delay repeats."""
        return self.delays_ms[min(attempt, len(self.delays_ms) - 1)]

    def next_headers(
        self, headers: Mapping[str, Any], now_ms: int | None = None
    ) -> dict[str, Any] | None:
        """Headers of the next retry, or None once the message is out of budget."""
        now = _now_ms() if now_ms is None else now_ms
        attempt = _as_int(headers.get(ATTEMPT_HEADER), 0)
        since = _as_int(headers.get(SINCE_HEADER), now)
        if now - since > self.budget_s * 1000:
            return None
        kept = {k: v for k, v in headers.items() if k not in _BROKER_HEADERS}
        delay = self.delay_ms(attempt)
        return {
            **kept,
            ATTEMPT_HEADER: attempt + 1,
            SINCE_HEADER: since,
            RETRY_DELAY_HEADER: f"{delay}ms",
        }


class OutageRetry:
    """Puts a delivery on the retry queue of its next delay (confirmed, mandatory)."""

    def __init__(self, broker: RabbitBroker, topology: Topology, schedule: RetrySchedule) -> None:
        self._broker = broker
        self._topology = topology
        self.schedule = schedule

    async def defer(self, message: RabbitMessage, queue: str) -> int | None:
        """Republish ``message`` to come back to ``queue`` later; the delay in ms, or None
        when its budget is spent. Raises when the broker does not confirm the publish."""
        headers = self.schedule.next_headers(message.headers or {})
        if headers is None:
            return None
        raw = message.raw_message
        await self._broker.publish(
            message.body,
            exchange=self._topology.retry_exchange,
            routing_key=self._topology.name(queue),
            headers=headers,
            persist=True,
            mandatory=True,
            message_id=raw.message_id,
            correlation_id=raw.correlation_id,
            content_type=raw.content_type,
            timeout=5.0,
        )
        return _as_int(str(headers[RETRY_DELAY_HEADER]).removesuffix("ms"), 0)
