"""Webhook delivery: WAHA envelopes POSTed to each subscribed URL, signed, retried, in order.

Every URL has its own queue and worker task, so the events of a URL arrive in the order
they happened (ack 1 before 2 before 3). A failed delivery is retried, then logged and
dropped; it never reaches the API caller.
"""

import asyncio
import json
from collections import deque
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import httpx
import structlog

from provider_sandbox.ids import now_ms
from provider_sandbox.signing import ALGORITHM, ALGORITHM_HEADER, SIGNATURE_HEADER, sign

log = structlog.get_logger("provider_sandbox.webhooks")


@dataclass(frozen=True)
class WebhookTarget:
    url: str
    events: tuple[str, ...]
    hmac_key: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    attempts: int = 3
    retry_delay_s: float = 0.2

    def wants(self, event: str) -> bool:
        return "*" in self.events or event in self.events


@dataclass(frozen=True)
class _Job:
    target: WebhookTarget
    body: bytes
    event_id: str
    event: str
    session: str


@dataclass
class DeliveryRecord:
    event_id: str
    event: str
    session: str
    url: str
    request_id: str
    attempts: int = 0
    status_code: int | None = None
    ok: bool = False
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def encode(envelope: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON, as ``JSON.stringify`` produces it; the bytes that get signed."""
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


class WebhookDispatcher:
    def __init__(self, timeout_s: float, history: int = 1000) -> None:
        self._timeout_s = timeout_s
        self._client: httpx.AsyncClient | None = None
        self._queues: dict[str, asyncio.Queue[_Job]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self.deliveries: deque[DeliveryRecord] = deque(maxlen=history)

    def dispatch(
        self, targets: list[WebhookTarget], envelope: dict[str, Any], times: int = 1
    ) -> int:
        """Queue ``envelope`` ``times`` times for every target that wants its event."""
        body = encode(envelope)
        event = str(envelope["event"])
        queued = 0
        for target in targets:
            if not target.wants(event):
                continue
            job = _Job(target, body, str(envelope["id"]), event, str(envelope["session"]))
            for _ in range(times):
                self._queue_for(target.url).put_nowait(job)
                queued += 1
        return queued

    async def join(self) -> None:
        """Wait until everything queued so far was delivered or given up on."""
        for queue in list(self._queues.values()):
            await queue.join()

    def _queue_for(self, url: str) -> asyncio.Queue[_Job]:
        queue = self._queues.get(url)
        if queue is None:
            queue = self._queues[url] = asyncio.Queue()
        worker = self._workers.get(url)
        if worker is None or worker.done():  # first use, or a worker that died
            self._workers[url] = asyncio.create_task(self._work(queue), name=f"webhook:{url}")
        return queue

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            # trust_env=False: webhook receivers are local services, never behind a proxy.
            self._client = httpx.AsyncClient(timeout=self._timeout_s, trust_env=False)
        return self._client

    async def _work(self, queue: asyncio.Queue[_Job]) -> None:
        while True:
            job = await queue.get()
            try:
                await self._deliver(job)
            except Exception:  # never let one bad delivery stop the worker
                log.exception("webhook.worker_error", url=job.target.url, event_name=job.event)
            finally:
                queue.task_done()

    async def _deliver(self, job: _Job) -> None:
        target = job.target
        record = DeliveryRecord(job.event_id, job.event, job.session, target.url, uuid4().hex)
        self.deliveries.append(record)
        headers = {"Content-Type": "application/json", "X-Webhook-Request-Id": record.request_id}
        headers.update(dict(target.headers))
        if target.hmac_key:
            headers[SIGNATURE_HEADER] = sign(job.body, target.hmac_key)
            headers[ALGORITHM_HEADER] = ALGORITHM
        for attempt in range(1, target.attempts + 1):
            record.attempts = attempt
            headers["X-Webhook-Timestamp"] = str(now_ms())
            try:
                response = await self._http().post(target.url, content=job.body, headers=headers)
                record.status_code, record.error = response.status_code, None
                if response.is_success:
                    record.ok = True
                    return
            except httpx.HTTPError as exc:
                record.error = f"{type(exc).__name__}: {exc}"
            if attempt < target.attempts:
                await asyncio.sleep(target.retry_delay_s)
        log.warning(
            "webhook.delivery_failed",
            url=target.url,
            event_name=job.event,
            event_id=job.event_id,
            attempts=record.attempts,
            status_code=record.status_code,
            error=record.error,
        )

    async def reset(self) -> None:
        """Drop everything queued and stop the workers."""
        workers = list(self._workers.values())
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        self._workers.clear()
        self._queues.clear()
        self.deliveries.clear()

    async def aclose(self) -> None:
        await self.reset()
        if self._client is not None:
            await self._client.aclose()
            self._client = None
