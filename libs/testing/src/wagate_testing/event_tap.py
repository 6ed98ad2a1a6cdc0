"""Watching the events a test's services publish, on the real broker.

    async with EventTap(rabbitmq_url, amqp_namespace, ["subscription.*"]) as tap:
        ...
        body = await tap.next("subscription.updated", lambda b: b["user_id"] == "u1")

An exclusive, auto-deleted queue is bound to the namespace's events exchange;
every message is kept (decoded JSON body) in arrival order.
"""

import asyncio
import json
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Self

import aio_pika
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection
from wagate_contracts.names import EVENTS_EXCHANGE

Body = dict[str, Any]


class EventTap:
    def __init__(self, rabbitmq_url: str, namespace: str, routing_keys: Sequence[str] = ("#",)):
        self._url = rabbitmq_url
        self._exchange = f"{namespace}{EVENTS_EXCHANGE}"
        self._routing_keys = list(routing_keys)
        self._connection: AbstractRobustConnection | None = None
        self.received: list[Body] = []
        self._arrived = asyncio.Condition()

    async def __aenter__(self) -> Self:
        self._connection = await aio_pika.connect_robust(self._url)
        channel = await self._connection.channel()
        exchange = await channel.declare_exchange(
            self._exchange, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        for key in self._routing_keys:
            await queue.bind(exchange, routing_key=key)
        await queue.consume(self._on_message, no_ack=True)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._connection is not None:
            await self._connection.close()

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        async with self._arrived:
            self.received.append(json.loads(message.body))
            self._arrived.notify_all()

    def seen(self, event_type: str, where: Callable[[Body], bool] = lambda _: True) -> list[Body]:
        return [b for b in self.received if b.get("event_type") == event_type and where(b)]

    async def next(
        self,
        event_type: str,
        where: Callable[[Body], bool] = lambda _: True,
        timeout_s: float = 15.0,
    ) -> Body:
        """The first ``event_type`` event matching ``where`` (already seen or still to come)."""
        async with asyncio.timeout(timeout_s), self._arrived:
            while True:
                found = self.seen(event_type, where)
                if found:
                    return found[0]
                await self._arrived.wait()
