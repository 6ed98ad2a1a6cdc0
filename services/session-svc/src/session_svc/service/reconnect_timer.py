"""Durable reconnect timers: messages parked in RabbitMQ delay queues.

A timer is published to ``session-svc.reconnects.delay.<ms>ms``; when its TTL
expires RabbitMQ moves it into ``session-svc.reconnects``, whose consumer runs
the attempt. Nothing lives in process memory, so a restart or another replica
picks the timer up. ``epoch`` ties a timer to one reconnect streak; stale
timers are ignored.
"""

from typing import Any, Final

from pydantic import BaseModel, ConfigDict
from wagate_contracts import Queue
from wagate_platform.broker import Binding
from wagate_platform.publisher import EventPublisher
from wagate_platform.topology import Topology

from session_svc.domain.reconnect import Backoff

RECONNECT_QUEUE: Final = Queue.SESSION_RECONNECTS
RECONNECT_KEY: Final = "session-svc.reconnect-due"
"""Only bound so that the queue has a binding; timers arrive by dead-lettering."""


class ReconnectDue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    session_id: str
    user_id: str
    epoch: str
    attempt: int


def parse_due(body: dict[str, Any]) -> ReconnectDue:
    return ReconnectDue.model_validate(body)


def reconnect_binding(backoff: Backoff) -> Binding:
    return Binding(RECONNECT_QUEUE, [RECONNECT_KEY], delays_ms=backoff.all_delays())


class ReconnectTimers:
    def __init__(self, publisher: EventPublisher, topology: Topology, backoff: Backoff) -> None:
        self._publisher = publisher
        self._topology = topology
        self.backoff = backoff

    async def schedule(self, due: ReconnectDue) -> None:
        """Fire ``due`` after the backoff delay of its attempt (confirmed by the broker)."""
        delay = self.backoff.delay_before(due.attempt)
        queue = self._topology.delay_queue(RECONNECT_QUEUE, delay)
        await self._publisher.publish_raw(
            due.model_dump(),
            exchange="",
            routing_key=str(queue.name),
            message_id=f"{due.epoch}:{due.attempt}",
        )
