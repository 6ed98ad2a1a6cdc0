"""Dispatch of ``message.requested``: ≤ 3 MongoDB round trips per message + the provider call.

1. claim the message (a lease, so two copies are never sent at once; a message already
   sent or failed is acknowledged without a provider call). Nothing is read back: the
   event carries the message, the AMQP headers carry the attempt and the sessions already
   tried, and a campaign's pool is read once per campaign (``PoolResolver``);
2. claim a session slot (one atomic ``find_one_and_update``: daily cap, pacing, strategy);
3. record the outcome with its event (the outbox record), right after the provider answers.
``sticky`` adds one read (the contact's last session). A send starts only while the
lease outlives the whole provider call (``PROVIDER_TIMEOUT_S``) plus ``LEASE_MARGIN_S`` to
record it; a message that waited too long for its session is put back instead, so a lease
never lapses while its message is at the provider (another dispatcher would send it again).
When no session has room the message is released (round trip 3, recording when the delay
ends as ``next_attempt_at``, which the lost-dispatch sweep reads) and waits on a RabbitMQ
delay queue; after ``max_wait_s`` it fails with ``no_session_available``. Provider errors:
``permanent`` fails at once; ``session`` cools the session down (or marks it) and falls
back to an untried session; ``transient`` falls back too. No session is tried twice for a message.
"""

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import uuid4

from wagate_contracts.events import MessageRequested
from wagate_contracts.names import Queue
from wagate_platform.logging import get_logger
from wagate_platform.publisher import EventPublisher
from wagate_platform.topology import Topology
from wagate_providers.base import ProviderError, SendResult

from sender_svc.adapters.messages import MessageRepository
from sender_svc.adapters.providers import ProviderAdapter
from sender_svc.adapters.sessions import Pool, SessionRepository, cooldown
from sender_svc.domain.calendar import day_key, now
from sender_svc.domain.messages import F
from sender_svc.domain.retry_headers import retry_headers
from sender_svc.domain.sessions import ClaimedSession
from sender_svc.service.choice import WAIT, SessionChooser
from sender_svc.service.outbox import MessageOutbox
from sender_svc.service.outcomes import Outcomes
from sender_svc.service.pools import PoolResolver
from sender_svc.settings import SenderSettings

log = get_logger(__name__)
NOT_READY_CODES = frozenset({"session_not_ready", "logged_out"})


@dataclass
class Dispatcher:
    messages: MessageRepository
    sessions: SessionRepository
    chooser: SessionChooser
    provider: ProviderAdapter
    publisher: EventPublisher
    topology: Topology
    outbox: MessageOutbox
    settings: SenderSettings
    pools: PoolResolver
    outcomes: Outcomes = field(init=False)

    def __post_init__(self) -> None:
        self.outcomes = Outcomes(self.messages, self.publisher, self.outbox, self.provider.name)

    async def handle(self, event: MessageRequested, attempt: int, tried: list[str]) -> None:
        pool = await self.pools.pool_for(event)
        at = now()
        owner = uuid4().hex
        until = at + timedelta(seconds=self.settings.lease_s)
        if not await self.messages.claim(event.message_id, owner, at, until):
            await self._not_claimable(event, attempt, tried)
            return
        tried = list(tried)
        strategy = str(event.strategy)
        today = day_key(at, self.settings.daily_timezone)
        sticky = await self.chooser.sticky_session(event.user_id, event.to, strategy)
        send_by = until - timedelta(
            seconds=self.settings.provider_timeout_s + self.settings.lease_margin_s
        )
        last_error: ProviderError | None = None
        while True:
            choice = await self.chooser.choose(
                pool, strategy, event.to, tried, today, sticky=sticky
            )
            if choice is None or choice == WAIT:
                break
            if now() > send_by:  # the lease could lapse mid-call: another copy could be sent
                await self._give_back(choice, today, strategy)
                log.info("dispatch_lease_too_short", message_id=event.message_id)
                break
            try:
                result = await self._send(choice, event)
            except ProviderError as exc:
                last_error = exc
                tried.append(choice.session_id)
                await self._after_failure(choice, exc, today, strategy)
                if exc.kind == "permanent":
                    await self.outcomes.failed(
                        event, exc.code, exc.message, False, choice.session_id, tried
                    )
                    return
                continue
            await self.outcomes.sent(event, choice, result.provider_message_id, tried)
            return
        if last_error is not None and not await self.sessions.count_untried(pool, tried):
            await self.outcomes.failed(
                event, last_error.code, last_error.message, True, None, tried
            )
            return
        if (now() - event.occurred_at).total_seconds() >= self.settings.max_wait_s:
            await self.outcomes.failed(
                event,
                "no_session_available",
                "no session had room within the maximum wait",
                True,
                None,
                tried,
            )
            return
        due = now() + timedelta(milliseconds=self._delay_ms(attempt))
        await self.messages.release(event.message_id, owner, tried, attempt + 1, due)
        await self._wait(event, attempt, tried)

    async def _send(self, session: ClaimedSession, event: MessageRequested) -> SendResult:
        """The provider call; anything unexpected counts as a transient provider failure."""
        try:
            async with asyncio.timeout(self.settings.provider_timeout_s):
                return await self.provider.sender.send(
                    session.provider_session, event.to, event.content
                )
        except ProviderError:
            raise
        except TimeoutError as exc:
            raise ProviderError(
                "transient", "provider_timeout", "the provider call timed out"
            ) from exc
        except Exception as exc:
            raise ProviderError(
                "transient", "provider_unexpected", f"unexpected {type(exc).__name__}"
            ) from exc

    async def _not_claimable(self, event: MessageRequested, attempt: int, tried: list[str]) -> None:
        state = await self.messages.state(event.message_id)
        if (
            state is None
            or state.get("status") != "queued"
            or state.get(F.HELD)
            or state.get("canceled")
        ):
            log.info(
                "dispatch_skipped", message_id=event.message_id, status=(state or {}).get("status")
            )
            return
        await self._wait(event, attempt, tried)  # another dispatcher holds the lease for now

    def _delay_ms(self, attempt: int) -> int:
        delays = self.settings.wait_delays_ms
        return delays[min(attempt // 3, len(delays) - 1)]

    async def _wait(self, event: MessageRequested, attempt: int, tried: list[str]) -> None:
        delay = self._delay_ms(attempt)
        await self.publisher.publish_raw(
            event.model_dump(mode="json"),
            exchange="",
            routing_key=str(self.topology.delay_queue(Queue.SENDER_DISPATCH, delay).name),
            message_id=str(event.event_id),
            correlation_id=event.correlation_id,
            headers=retry_headers(attempt + 1, tried),
        )

    async def _after_failure(
        self, session: ClaimedSession, exc: ProviderError, today: str, strategy: str = ""
    ) -> None:
        log.warning(
            "provider_send_failed", session_id=session.session_id, kind=exc.kind, code=exc.code
        )
        cool_until = None
        status = None
        if exc.kind == "session":
            wait = exc.retry_after_s
            cool_until = cooldown(now(), self.settings.session_cooldown_s if wait is None else wait)
            if exc.logged_out or exc.code in NOT_READY_CODES:
                status = "logged_out" if exc.logged_out else "disconnected"
        await self._give_back(session, today, strategy, cool_until, status)

    async def _give_back(
        self,
        session: ClaimedSession,
        today: str,
        strategy: str,
        cool_until: datetime | None = None,
        status: str | None = None,
    ) -> None:
        """Refund a slot (and round-robin turn) that did not send; cool down or mark it."""
        await self.sessions.release(
            session.session_id,
            today,
            cool_until=cool_until,
            status=status,
            round_robin=strategy == "round_robin",
        )

    # --- a direct send (``POST /v1/messages/direct``): no queue, no pacing wait -----------

    async def claim_now(
        self, event: MessageRequested, pool: Pool, today: str
    ) -> ClaimedSession | None:
        """A slot on a session under its daily cap, without waiting for its pacing gap."""
        strategy = str(event.strategy)
        sticky = await self.chooser.sticky_session(event.user_id, event.to, strategy)
        choice = await self.chooser.choose(
            pool, strategy, event.to, [], today, sticky=sticky, respect_pacing=False
        )
        return None if choice is None or choice == WAIT else choice

    async def send_claimed(
        self, event: MessageRequested, session: ClaimedSession, today: str
    ) -> SendResult:
        """Send through the timeout guard and record the outcome; a provider error is
        re-raised once the failure is recorded (and the session cooled down if it is due)."""
        try:
            result = await self._send(session, event)
        except ProviderError as exc:
            await self._after_failure(session, exc, today, str(event.strategy))
            tried = [session.session_id]
            retryable = exc.kind != "permanent"
            await self.outcomes.failed(
                event, exc.code, exc.message, retryable, session.session_id, tried
            )
            raise
        await self.outcomes.sent(event, session, result.provider_message_id, [session.session_id])
        return result
