"""Removing what a test declared: its namespaced queues and exchanges, its databases.

A test process that is killed never runs its teardown, so every namespace it uses
is also written down in a ledger file (``$TMPDIR/wagate-test-namespaces/``) with
the owner's pid and the queues it declared. The next test session deletes what
the ledger lists for owners that are no longer alive (:func:`sweep_dead_owners`).
"""

import contextlib
import json
import os
import tempfile
from pathlib import Path

import aio_pika
from pymongo import AsyncMongoClient
from wagate_contracts.names import DEAD_LETTER_EXCHANGE, EVENTS_EXCHANGE, RETRY_EXCHANGE
from wagate_platform.runtime import ServiceRuntime

EXCHANGES = (EVENTS_EXCHANGE, DEAD_LETTER_EXCHANGE, RETRY_EXCHANGE)


def ledger_dir() -> Path:
    return Path(tempfile.gettempdir()) / "wagate-test-namespaces"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def delete_broker_objects(rabbitmq_url: str, queues: set[str], namespaces: set[str]) -> None:
    connection = await aio_pika.connect(rabbitmq_url)
    async with connection:
        for name in sorted(queues):
            channel = await connection.channel()
            with contextlib.suppress(Exception):
                await channel.queue_delete(name)
        for namespace in namespaces:
            for exchange in EXCHANGES:
                channel = await connection.channel()
                with contextlib.suppress(Exception):
                    await channel.exchange_delete(f"{namespace}{exchange}")


async def sweep_dead_owners(rabbitmq_url: str) -> int:
    """Delete the queues and exchanges of ledger entries whose process is gone."""
    removed = 0
    for entry in sorted(ledger_dir().glob("*.json")):
        try:
            record = json.loads(entry.read_text())
            if _alive(int(record["pid"])):
                continue
            await delete_broker_objects(
                rabbitmq_url, set(record.get("queues", [])), {str(record["namespace"])}
            )
        except (OSError, ValueError, KeyError):
            pass
        with contextlib.suppress(OSError):
            entry.unlink()
        removed += 1
    return removed


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
        if namespace and namespace not in self._namespaces:
            self._namespaces.add(namespace)
            self._write_ledger()

    def track_queue(self, name: str) -> None:
        self._queues.add(name)
        self._write_ledger()

    def track_runtime(self, runtime: ServiceRuntime, *, database: bool = True) -> None:
        """Remember every queue a service runtime declares (main, DLQ, delay and retry),
        and its database unless ``database`` is False."""
        topology = runtime.topology
        for binding in runtime.bindings:
            self._queues.add(topology.name(binding.queue))
            self._queues.add(str(topology.dead_letter_queue(binding.queue).name))
            for delay in binding.delays_ms:
                self._queues.add(str(topology.delay_queue(binding.queue, delay).name))
        for delay in runtime.settings.amqp_retry_delays_ms:
            self._queues.add(str(topology.retry_queue(delay).name))
        self.track_namespace(topology.namespace)
        if database:
            self.track_database(runtime.db.name)
        self._write_ledger()

    @property
    def queues(self) -> frozenset[str]:
        return frozenset(self._queues)

    def _ledger_files(self) -> list[Path]:
        return [ledger_dir() / f"{ns.strip('.') or 'root'}.json" for ns in self._namespaces]

    def _write_ledger(self) -> None:
        ledger_dir().mkdir(parents=True, exist_ok=True)
        for namespace, path in zip(self._namespaces, self._ledger_files(), strict=True):
            queues = sorted(q for q in self._queues if q.startswith(namespace))
            record = {"pid": os.getpid(), "namespace": namespace, "queues": queues}
            path.write_text(json.dumps(record))

    async def clean(self) -> None:
        await delete_broker_objects(self._rabbitmq_url, set(self._queues), self._namespaces)
        await self._clean_databases()
        for path in self._ledger_files():
            with contextlib.suppress(OSError):
                path.unlink()

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
