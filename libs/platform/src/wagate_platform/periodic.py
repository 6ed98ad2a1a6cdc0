"""Background work repeated at an interval: sweeps, relays, streamers.

A failing round is logged and the loop goes on; ``stop`` cancels it and waits. The
round trips it makes are attributed to ``task:<name>`` (see ``wagate_platform.origin``).
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from wagate_platform.logging import get_logger
from wagate_platform.origin import task_origin

log = get_logger(__name__)


class PeriodicTask:
    def __init__(self, name: str, work: Callable[[], Awaitable[object]], interval_s: float) -> None:
        self.name = name
        self._work = work
        self._interval_s = interval_s
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        task_origin(self.name)
        while True:
            try:
                await self._work()
            except Exception as exc:
                log.warning("periodic_task_failed", task=self.name, error=str(exc)[:300])
            await asyncio.sleep(self._interval_s)

    @property
    def running(self) -> bool:
        return self._task is not None

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
