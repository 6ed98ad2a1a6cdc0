"""The ``Sandbox``: state, webhook dispatcher and background tasks of one app instance."""

import asyncio
from collections.abc import Coroutine
from typing import Any

import structlog

from provider_sandbox.ids import event_id, now_ms
from provider_sandbox.settings import SandboxSettings
from provider_sandbox.state import SandboxStore, SessionState
from provider_sandbox.version import __version__
from provider_sandbox.webhooks import WebhookDispatcher, WebhookTarget

log = structlog.get_logger("provider_sandbox")


class Sandbox:
    def __init__(self, settings: SandboxSettings) -> None:
        self.settings = settings
        self.store = SandboxStore(settings)
        self.webhooks = WebhookDispatcher(timeout_s=settings.webhook_timeout_s)
        self._tasks: set[asyncio.Task[None]] = set()

    # -- background work -------------------------------------------------------------

    def spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        """Run ``coro`` in the background; errors are logged, the task is cancelled on reset."""
        task = asyncio.create_task(self._guard(coro, name), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _guard(coro: Coroutine[Any, Any, None], name: str) -> None:
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("sandbox.background_task_failed", task=name)

    async def _cancel_tasks(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()

    async def reset(self) -> None:
        await self._cancel_tasks()
        await self.webhooks.reset()
        self.store.reset()

    async def aclose(self) -> None:
        await self._cancel_tasks()
        await self.webhooks.aclose()

    # -- events ----------------------------------------------------------------------

    def environment(self) -> dict[str, Any]:
        return {
            "version": f"sandbox-{__version__}",
            "engine": self.settings.engine,
            "tier": "CORE",
            "browser": None,
        }

    def targets(self, session: SessionState) -> list[WebhookTarget]:
        """The session's webhooks, or the default ``SANDBOX_WEBHOOK_URL`` when it has none.

        A webhook without its own ``hmac.key`` is signed with ``SANDBOX_WEBHOOK_HMAC_KEY``.
        """
        settings = self.settings
        default_key = (
            settings.webhook_hmac_key.get_secret_value() if settings.webhook_hmac_key else None
        )
        delay_s = settings.webhook_retry_delay_ms / 1000
        targets = []
        for hook in session.config.webhooks or []:
            retries = hook.retries
            attempts = retries.attempts if retries and retries.attempts else None
            delay = retries.delaySeconds if retries else None
            targets.append(
                WebhookTarget(
                    url=hook.url,
                    events=tuple(hook.events),
                    hmac_key=(hook.hmac.key if hook.hmac and hook.hmac.key else default_key),
                    headers=tuple((h.name, h.value) for h in hook.customHeaders or []),
                    attempts=attempts or settings.webhook_attempts,
                    retry_delay_s=delay_s if delay is None else delay,
                )
            )
        if not targets and settings.webhook_url:
            targets.append(
                WebhookTarget(
                    url=settings.webhook_url,
                    events=tuple(settings.webhook_events),
                    hmac_key=default_key,
                    attempts=settings.webhook_attempts,
                    retry_delay_s=delay_s,
                )
            )
        return targets

    def envelope(
        self, session: SessionState, event: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        envelope: dict[str, Any] = {
            "id": event_id(),
            "timestamp": now_ms(),
            "event": event,
            "session": session.name,
        }
        if session.config.metadata:
            envelope["metadata"] = dict(session.config.metadata)
        if session.me is not None:
            envelope["me"] = session.me.as_dict()
        envelope.update(
            payload=payload, engine=self.settings.engine, environment=self.environment()
        )
        return envelope

    def emit(
        self, session: SessionState, event: str, payload: dict[str, Any], times: int = 1
    ) -> dict[str, Any]:
        """Send one event to the session's webhooks (the same envelope ``times`` times)."""
        envelope = self.envelope(session, event, payload)
        queued = self.webhooks.dispatch(self.targets(session), envelope, times)
        log.debug("sandbox.event", session=session.name, event_name=event, queued=queued)
        return envelope
