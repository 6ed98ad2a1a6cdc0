"""Session status from the provider's reports, and auto-reconnect with backoff.

A report is applied once (inbox on its event id) together with the status
change event. When a connected session drops unexpectedly, the first reconnect
timer is published before the state commits (its epoch is the report's event
id, so a redelivered report reuses it and a rolled-back one is ignored).
"""

import asyncio
import weakref
from datetime import datetime, timedelta

from pymongo.asynchronous.client_session import AsyncClientSession
from wagate_contracts import SessionStatusReported
from wagate_contracts.envelope import Event
from wagate_platform.inbox import Inbox
from wagate_platform.logging import get_logger
from wagate_platform.mongo import Document
from wagate_platform.unit_of_work import UnitOfWork
from wagate_providers.base import ProviderError, SessionManager

from session_svc.adapters.audit_repository import SYSTEM, AuditRepository, audit_entry
from session_svc.adapters.session_repository import SessionRepository
from session_svc.domain.clock import Clock, utc_now
from session_svc.domain.reconnect import on_report
from session_svc.domain.session_document import (
    RECONNECT_ATTEMPT,
    RECONNECT_EPOCH,
    ReconnectStreak,
    SessionDocument,
    changes,
)
from session_svc.service.reconnect_timer import ReconnectDue, ReconnectTimers
from session_svc.service.session_events import status_changed

log = get_logger(__name__)
INBOX_NAME = "session-svc.status-reports"
RACE_RETRIES = 5


class StatusRaced(Exception):
    """The session changed between reading and writing it; the report is retried."""


class StatusTracker:
    def __init__(
        self,
        sessions: SessionRepository,
        audit: AuditRepository,
        inbox: Inbox,
        uow: UnitOfWork,
        provider: SessionManager,
        timers: ReconnectTimers,
        stable_after_s: float,
        clock: Clock = utc_now,
    ) -> None:
        self._sessions = sessions
        self._audit = audit
        self._inbox = inbox
        self._uow = uow
        self._clock = clock
        self._provider = provider
        self._timers = timers
        self._stable_after = timedelta(seconds=stable_after_s)
        self.backoff = timers.backoff
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def apply(self, report: SessionStatusReported) -> None:
        """Apply a report; reports of one session are applied one at a time, in order of
        arrival (in this process), and re-decided if another writer got in between."""
        session_id = report.session_id or report.provider_session
        lock = self._locks.setdefault(session_id, asyncio.Lock())
        async with lock:
            for _ in range(RACE_RETRIES):
                try:
                    await self._apply_once(session_id, report)
                except StatusRaced:
                    continue
                return
        raise StatusRaced(session_id)

    async def _apply_once(self, session_id: str, report: SessionStatusReported) -> None:
        doc = await self._sessions.get(session_id)
        if doc is None or doc.user_id != report.user_id:
            log.info("status_report_for_unknown_session", session=report.provider_session)
            return
        last_report = doc.reported_at
        if last_report is not None and report.reported_at < last_report:
            return  # an older report overtaken by a newer one
        decision = on_report(doc.status, report.status, doc.user_disconnected)
        now = self._clock()
        fields = changes(updated_at=now, reported_at=report.reported_at)
        if report.phone_number:
            fields.update(changes(phone_number=report.phone_number))
        if decision.status == "connected":
            fields.update(changes(connected_at=now, last_active_at=now))
        if decision.start_reconnect:
            attempt = self._streak(doc, now)
            epoch = str(report.event_id)
            fields.update(changes(reconnect=ReconnectStreak(epoch, attempt)))
            await self._timers.schedule(
                ReconnectDue(
                    session_id=doc.id, user_id=doc.user_id, epoch=epoch, attempt=attempt + 1
                )
            )
        if decision.status is not None:
            fields.update(changes(status=decision.status))

        async def work(session: AsyncClientSession) -> tuple[None, list[Event]]:
            if not await self._inbox.first_time(report.event_id, session=session):
                return None, []
            after = await self._sessions.update(
                doc.id, fields, session, where={"status": doc.status}
            )
            if after is None:
                raise StatusRaced(doc.id)  # rolled back; decided again on a fresh read
            if decision.status is None:
                return None, []
            return None, [
                status_changed(after, doc.status, reason=f"provider: {report.raw_status}")
            ]

        await self._uow.commit(work)

    def _streak(self, doc: SessionDocument, now: datetime) -> int:
        """Attempts already made in this streak: 0 after a connection that lasted."""
        connected_at = doc.connected_at
        if connected_at is None or now - connected_at >= self._stable_after:
            return 0
        return doc.reconnect.attempt

    async def on_timer(self, due: ReconnectDue) -> None:
        doc = await self._sessions.get(due.session_id)
        if doc is None or doc.status != "reconnecting" or doc.reconnect.epoch != due.epoch:
            return  # reconnected, disconnected, deleted or superseded: a stale timer
        claim: Document = {
            "status": "reconnecting",
            RECONNECT_EPOCH: due.epoch,
            RECONNECT_ATTEMPT: due.attempt - 1,
        }
        if self._timers.backoff.gives_up(due.attempt):
            await self._give_up(doc, due, claim)
            return
        await self._timers.schedule(due.model_copy(update={"attempt": due.attempt + 1}))
        claimed = await self._sessions.update(
            due.session_id, {RECONNECT_ATTEMPT: due.attempt}, where=claim
        )
        if claimed is None:
            return  # a duplicate timer: this attempt was already made
        await self._audit.add(
            [
                audit_entry(
                    doc.user_id,
                    SYSTEM,
                    "reconnect",
                    "attempted",
                    doc.id,
                    attempt=due.attempt,
                )
            ]
        )
        try:
            await self._provider.start(doc.provider_session)
        except ProviderError as exc:
            log.warning(
                "reconnect_attempt_failed", session=doc.id, attempt=due.attempt, code=exc.code
            )

    async def _give_up(self, doc: SessionDocument, due: ReconnectDue, claim: Document) -> None:
        attempts = due.attempt - 1

        async def work(session: AsyncClientSession) -> tuple[None, list[Event]]:
            after = await self._sessions.update(
                doc.id,
                changes(status="failed", updated_at=self._clock()),
                session,
                where=claim,
            )
            if after is None:
                return None, []
            entry = audit_entry(
                doc.user_id, SYSTEM, "reconnect", "failed", doc.id, attempts=attempts
            )
            await self._audit.add([entry], session)
            reason = f"reconnect gave up after {attempts} attempts"
            return None, [status_changed(after, "reconnecting", reason=reason)]

        await self._uow.commit(work)
