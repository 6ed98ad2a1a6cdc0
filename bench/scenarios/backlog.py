"""Flow control for the end-to-end load: a sustained rate, not a backlog to catch up on.

The load generator may run ahead of the pipeline (accepting is cheaper than sending and
counting). Unbounded, the scenario would measure a backlog's drain after the load; bounded
by ``window`` messages accepted and not yet counted as sent, it measures the rate the whole
pipeline sustains, and the catch-up after the load is at most one window.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

BACKLOG_PER_WORKER = 2


class BacklogGate:
    def __init__(
        self, read_sent: Callable[[], Awaitable[int]], base: int, window: int, every_s: float = 0.2
    ) -> None:
        self._read_sent = read_sent
        self._base = base
        self.window = window
        self._every_s = every_s
        self.reserved = 0
        self.sent = 0
        self._changed = asyncio.Condition()

    async def wait(self, max_wait_s: float | None = None) -> None:
        """Wait for room in the window, then take one place in it; after ``max_wait_s``
        return without one (the load generator's deadline then stops the worker)."""
        async with self._changed:
            try:
                async with asyncio.timeout(max_wait_s):
                    await self._changed.wait_for(self._has_room)
            except TimeoutError:
                return
            self.reserved += 1

    def _has_room(self) -> bool:
        return self.reserved - self.sent < self.window

    def unreserve(self) -> None:
        """A request that was not accepted gives its place back."""
        self.reserved -= 1

    async def update(self, sent: int) -> None:
        async with self._changed:
            self.sent = sent - self._base
            self._changed.notify_all()

    @contextlib.asynccontextmanager
    async def polling(self) -> AsyncIterator[None]:
        async def poll() -> None:
            while True:
                with contextlib.suppress(Exception):  # a failed poll only delays the gate
                    await self.update(await self._read_sent())
                await asyncio.sleep(self._every_s)

        task = asyncio.create_task(poll())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
