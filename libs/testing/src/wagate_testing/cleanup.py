"""Removing what a test declared: its namespaced queues and exchanges, its databases."""

import contextlib

import aio_pika
from pymongo import AsyncMongoClient
from wagate_contracts.names import DEAD_LETTER_EXCHANGE, EVENTS_EXCHANGE
from wagate_platform.runtime import ServiceRuntime


class Janitor:
    def __init__(self, rabbitmq_url: str, mongodb_url: str) -> None:
        self._rabbitmq_url = rabbitmq_url
        self._mongodb_url = mongodb_url
        self._databases: set[str] = set()
        self._namespaces: set[str] = set()
        self._queues: set[str] = set()

    def track_database(self, name: str) -> None:
        self._databases.add(name)

    def track_namespace(self, namespace: str) -> None:
        self._namespaces.add(namespace)

    def track_queue(self, name: str) -> None:
        self._queues.add(name)

    def track_runtime(self, runtime: ServiceRuntime) -> None:
        """Remember every queue a service runtime declares (main, DLQ and delay queues)."""
        topology = runtime.topology
        for binding in runtime.bindings:
            self._queues.add(topology.name(binding.queue))
            self._queues.add(str(topology.dead_letter_queue(binding.queue).name))
            for delay in binding.delays_ms:
                self._queues.add(str(topology.delay_queue(binding.queue, delay).name))
        self.track_namespace(topology.namespace)
        self.track_database(runtime.db.name)

    async def clean(self) -> None:
        await self._clean_broker()
        await self._clean_databases()

    async def _clean_broker(self) -> None:
        queues = set(self._queues)
        connection = await aio_pika.connect(self._rabbitmq_url)
        async with connection:
            for name in sorted(queues):
                channel = await connection.channel()
                with contextlib.suppress(Exception):
                    await channel.queue_delete(name)
            for namespace in self._namespaces:
                for exchange in (EVENTS_EXCHANGE, DEAD_LETTER_EXCHANGE):
                    channel = await connection.channel()
                    with contextlib.suppress(Exception):
                        await channel.exchange_delete(f"{namespace}{exchange}")

    async def _clean_databases(self) -> None:
        if not self._databases:
            return
        client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(self._mongodb_url)
        try:
            for name in self._databases:
                with contextlib.suppress(Exception):
                    await client.drop_database(name)
        finally:
            await client.close()
