"""Micro-batching: many concurrent callers, one write per batch, each caller released after it.

``submit(item)`` returns once the batch holding ``item`` has been written (or
raises what the write raised). A batch is written when it holds ``max_items``
or ``max_delay_s`` after the flusher started waiting, whichever comes first.
Batches are written one at a time. No background task lives while nothing is
pending, so there is nothing to start or stop.
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
Writer = Callable[[Sequence[T]], Awaitable[None]]


class Batcher(Generic[T]):
    def __init__(self, write: Writer[T], *, max_items: int, max_delay_s: float) -> None:
        if max_items < 1 or max_delay_s <= 0:
            raise ValueError("max_items must be >= 1 and max_delay_s > 0")
        self._write = write
        self._max_items = max_items
        self._max_delay_s = max_delay_s
        self._pending: list[tuple[T, asyncio.Future[None]]] = []
        self._full = asyncio.Event()
        self._flusher: asyncio.Task[None] | None = None

    @property
    def pending(self) -> int:
        return len(self._pending)

    async def submit(self, item: T) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if len(self._pending) >= self._max_items:
            self._full.set()
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush_while_pending(), name="stats-batcher")
        await future

    async def _flush_while_pending(self) -> None:
        try:
            while self._pending:
                if len(self._pending) < self._max_items:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(self._max_delay_s):
                            await self._full.wait()
                self._full.clear()
                batch = self._pending[: self._max_items]
                del self._pending[: self._max_items]
                await self._write_batch(batch)
        finally:
            self._flusher = None

    async def _write_batch(self, batch: list[tuple[T, asyncio.Future[None]]]) -> None:
        try:
            await self._write([item for item, _ in batch])
        except Exception as exc:
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for _, future in batch:
            if not future.done():
                future.set_result(None)
