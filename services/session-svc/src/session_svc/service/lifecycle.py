"""Connecting, disconnecting and pairing sessions through the provider.

Connect creates the provider session on first use (with our webhook URL and HMAC
key) and starts it; later status comes from the provider's reports. A user's own
disconnect is remembered so that the drop it causes is not "repaired".
"""

import asyncio

from pymongo.asynchronous.client_session import AsyncClientSession
from wagate_contracts import SessionStatus
from wagate_contracts.envelope import Event
from wagate_platform.domain_errors import DomainError
from wagate_platform.identity import Principal
from wagate_platform.mongo import Document
from wagate_platform.unit_of_work import UnitOfWork
from wagate_providers.base import ProviderError, QrCode, SessionManager

from session_svc.adapters.audit_repository import AuditRepository, audit_entry
from session_svc.adapters.session_repository import SessionRepository
from session_svc.domain.clock import Clock, utc_now
from session_svc.domain.errors import ProviderFailed, SessionNotFound, SessionNotReady
from session_svc.domain.session_document import ReconnectStreak, SessionDocument, changes
from session_svc.service.session_events import status_changed

PROVIDER_CONCURRENCY = 8
IDLE_STATUSES: frozenset[str] = frozenset({"created", "disconnected", "logged_out"})


class Lifecycle:
    def __init__(
        self,
        sessions: SessionRepository,
        audit: AuditRepository,
        uow: UnitOfWork,
        provider: SessionManager,
        webhook_url: str,
        hmac_key: str,
        clock: Clock = utc_now,
    ) -> None:
        self._sessions = sessions
        self._audit = audit
        self._uow = uow
        self._provider = provider
        self._webhook_url = webhook_url
        self._hmac_key = hmac_key
        self._clock = clock

    async def connect(self, actor: Principal, session_id: str) -> SessionDocument:
        doc = await self._owned(actor, session_id)
        if doc.status == "connected":
            return doc
        name = doc.provider_session
        try:
            await self._provider.create(name, self._webhook_url, self._hmac_key)
            started = await self._provider.start(name)
        except ProviderError as exc:
            await self._audit.add(
                [audit_entry(actor.user_id, actor, "connect", "error", session_id, error=exc.code)]
            )
            raise provider_failure(exc) from exc
        status: SessionStatus = "starting" if started.status == "disconnected" else started.status
        fields = changes(user_disconnected=False, reconnect=ReconnectStreak())
        return await self._set_status([doc], status, actor, "connect", fields)

    async def disconnect(self, actor: Principal, session_id: str) -> SessionDocument:
        doc = await self._owned(actor, session_id)
        try:
            await self._stop(doc.provider_session)
        except ProviderError as exc:
            await self._audit.add(
                [
                    audit_entry(
                        actor.user_id, actor, "disconnect", "error", session_id, error=exc.code
                    )
                ]
            )
            raise provider_failure(exc) from exc
        return await self._set_status([doc], "disconnected", actor, "disconnect", _user_stop())

    async def disconnect_all(self, actor: Principal) -> tuple[list[str], list[dict[str, str]]]:
        """Stop every running session of the user; returns (disconnected, failures)."""
        sessions = await self._sessions.of_user(actor.user_id)
        docs = [d for d in sessions if d.status not in IDLE_STATUSES]
        gate = asyncio.Semaphore(PROVIDER_CONCURRENCY)

        async def stop(doc: SessionDocument) -> ProviderError | None:
            async with gate:
                try:
                    await self._stop(doc.provider_session)
                except ProviderError as exc:
                    return exc
                return None

        results = await asyncio.gather(*(stop(d) for d in docs))
        stopped = [d for d, err in zip(docs, results, strict=True) if err is None]
        failures = [
            {"id": d.id, "error": err.code}
            for d, err in zip(docs, results, strict=True)
            if err is not None
        ]
        if stopped:
            await self._set_status(stopped, "disconnected", actor, "disconnect_all", _user_stop())
        return [d.id for d in stopped], failures

    async def qr(self, actor: Principal, session_id: str) -> QrCode:
        doc = await self._owned(actor, session_id)
        try:
            return await self._provider.qr(doc.provider_session)
        except ProviderError as exc:
            raise provider_failure(exc) from exc

    async def _owned(self, actor: Principal, session_id: str) -> SessionDocument:
        doc = await self._sessions.owned(actor.user_id, session_id)
        if doc is None:
            raise SessionNotFound()
        return doc

    async def _stop(self, provider_session: str) -> None:
        try:
            await self._provider.stop(provider_session)
        except ProviderError as exc:
            if exc.code != "not_found":  # never created at the provider: nothing to stop
                raise

    async def _set_status(
        self,
        docs: list[SessionDocument],
        status: SessionStatus,
        actor: Principal,
        action: str,
        fields: Document,
    ) -> SessionDocument:
        now = self._clock()

        async def work(session: AsyncClientSession) -> tuple[SessionDocument, list[Event]]:
            events: list[Event] = []
            entries = []
            last: SessionDocument | None = None
            for doc in docs:
                last = await self._sessions.update(
                    doc.id, {**fields, **changes(status=status, updated_at=now)}, session
                )
                if last is None:
                    continue
                if doc.status != status:
                    events.append(status_changed(last, doc.status, reason=action))
                entries.append(audit_entry(actor.user_id, actor, action, "success", doc.id))
            await self._audit.add(entries, session)
            if last is None:
                raise SessionNotFound()
            return last, events

        return await self._uow.commit(work)


def provider_failure(exc: ProviderError) -> DomainError:
    """A provider failure as the client sees it: 409 when the session is not ready, else 502."""
    if exc.code in ("session_not_ready", "not_found"):
        return SessionNotReady(exc.code)
    return ProviderFailed(exc.message, exc.code, exc.kind)


def _user_stop() -> Document:
    return changes(user_disconnected=True, reconnect=ReconnectStreak())
