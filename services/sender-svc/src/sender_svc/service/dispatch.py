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
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from wagate_contracts.envelope import Event
from wagate_contracts.events import MessageRequested
from wagate_contracts.names import Queue
from wagate_platform.faults import retry_through_outage
from wagate_platform.logging import get_logger
from wagate_platform.publisher import EventPublisher
from wagate_platform.topology import Topology
from wagate_providers.base import ProviderError, SendResult

from sender_svc.adapters.messages import MessageRepository
from sender_svc.adapters.providers import ProviderAdapter
from sender_svc.adapters.sessions import ClaimedSession, SessionRepository, cooldown
from sender_svc.domain.calendar import day_key, now
from sender_svc.domain.retry_headers import retry_headers
from sender_svc.service.choice import WAIT, SessionChooser
from sender_svc.service.events import failed_event, sent_event, stored
from sender_svc.service.outbox import EVENT, MessageOutbox
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
                await self.after_failure(choice, exc, today, strategy)
                if exc.kind == "permanent":
                    await self.record_failed(
                        event, exc.code, exc.message, False, choice.session_id, tried
                    )
                    return
                continue
            await self.record_sent(event, choice, result.provider_message_id, tried)
            return
        if last_error is not None and not await self.sessions.count_untried(pool, tried):
            await self.record_failed(event, last_error.code, last_error.message, True, None, tried)
            return
        if (now() - event.occurred_at).total_seconds() >= self.settings.max_wait_s:
            await self.record_failed(
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
            or state.get("held")
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

    async def after_failure(
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

    async def record_sent(
        self,
        event: MessageRequested,
        session: ClaimedSession,
        provider_message_id: str,
        tried: list[str],
    ) -> None:
        at = now()
        sent = sent_event(event, session.session_id, self.provider.name, provider_message_id, at)
        fields = {
            "session_id": session.session_id,
            "provider": self.provider.name,
            "provider_message_id": provider_message_id,
            "sent_at": at,
            "claimed_at": session.claimed_at,
            "tried": tried,
        }
        # The provider has the message: this record must land, or the message would be sent
        # again once its lease lapses. An outage is waited out here, holding the lease.
        await retry_through_outage(
            lambda: self.messages.record_outcome(
                event.message_id, "sent", at, fields, stored(sent)
            ),
            what="record_sent",
        )
        await self._publish(sent, event.message_id)

    async def record_failed(
        self,
        event: MessageRequested,
        code: str,
        message: str,
        retryable: bool,
        session_id: str | None,
        tried: list[str],
    ) -> None:
        at = now()
        failed = failed_event(event, code, message, retryable, session_id)
        error = {"code": code, "message": message, "retryable": retryable}
        fields = {"error": error, "tried": tried, "failed_at": at}
        if session_id:
            fields["session_id"] = session_id
        await self.messages.record_outcome(event.message_id, "failed", at, fields, stored(failed))
        await self._publish(failed, event.message_id)

    async def _publish(self, event: Event, message_id: str) -> None:
        try:
            await self.publisher.publish(event)
        except Exception as exc:
            log.warning("outcome_publish_deferred", message_id=message_id, error=str(exc)[:200])
            return
        self.outbox.confirmed(EVENT, message_id)
