"""Reading, changing and deleting a user's sessions (ownership: others' are 404)."""

from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError
from wagate_contracts.envelope import Event
from wagate_platform.identity import Principal
from wagate_platform.logging import get_logger
from wagate_platform.unit_of_work import UnitOfWork
from wagate_providers.base import ProviderError, SessionManager

from session_svc.adapters.audit_repository import AuditRepository, audit_entry
from session_svc.adapters.group_repository import GroupRepository
from session_svc.adapters.plan_projection import PlanProjection
from session_svc.adapters.send_counts import SendCounts
from session_svc.adapters.session_repository import SessionRepository
from session_svc.domain.calendar import day_key
from session_svc.domain.clock import Clock, utc_now
from session_svc.domain.errors import DailyLimitExceedsPlan, SessionNameTaken, SessionNotFound
from session_svc.domain.session_document import SessionDocument, changes
from session_svc.domain.sessions import exceeds_plan
from session_svc.domain.subscription import KnownPlan, Summary, summarize
from session_svc.service.session_events import session_deleted, session_updated

log = get_logger(__name__)
UNSET: Any = object()


class Sessions:
    def __init__(
        self,
        sessions: SessionRepository,
        groups: GroupRepository,
        plans: PlanProjection,
        counts: SendCounts,
        audit: AuditRepository,
        uow: UnitOfWork,
        provider: SessionManager,
        timezone: str = "UTC",
        clock: Clock = utc_now,
    ) -> None:
        self._sessions = sessions
        self._groups = groups
        self._plans = plans
        self._counts = counts
        self._audit = audit
        self._uow = uow
        self._provider = provider
        self._timezone = timezone
        self._clock = clock

    async def plan(self, user_id: str) -> KnownPlan | None:
        return await self._plans.get(user_id)

    async def sent_today(self, session_ids: Sequence[str]) -> dict[str, int]:
        """Messages sent today (in the configured timezone) by each of these sessions."""
        today = day_key(self._clock(), self._timezone)
        counts = await self._counts.of_day(session_ids, today)
        return {sid: counts.get(sid, 0) for sid in session_ids}

    async def overview(
        self, user_id: str
    ) -> tuple[list[SessionDocument], Summary, KnownPlan | None]:
        sessions = await self._sessions.of_user(user_id)
        plan = await self._plans.get(user_id)
        return sessions, summarize(plan, len(sessions), self._clock()), plan

    async def get(self, user_id: str, session_id: str) -> SessionDocument:
        doc = await self._sessions.owned(user_id, session_id)
        if doc is None:
            raise SessionNotFound()
        return doc

    async def update(
        self, actor: Principal, session_id: str, name: str | None, daily_limit: Any = UNSET
    ) -> SessionDocument:
        current = await self.get(actor.user_id, session_id)
        updates: dict[str, Any] = {}
        if name is not None and name != current.name:
            if await self._sessions.name_taken(actor.user_id, name, except_id=session_id):
                raise SessionNameTaken(name)
            updates["name"] = name
        if daily_limit is not UNSET:
            plan = await self._plans.get(actor.user_id)
            cap = plan.daily_limit_per_session if plan else None
            if exceeds_plan(daily_limit, cap):
                raise DailyLimitExceedsPlan(daily_limit, cap)
            updates["daily_limit"] = daily_limit
        fields = changes(updated_at=self._clock(), **updates)

        async def work(session: AsyncClientSession) -> tuple[SessionDocument, list[Event]]:
            doc = await self._sessions.update(
                session_id, fields, session, where={"user_id": actor.user_id}
            )
            if doc is None:
                raise SessionNotFound()
            changed = sorted(updates)
            entry = audit_entry(
                actor.user_id, actor, "update", "success", session_id, fields=changed
            )
            await self._audit.add([entry], session)
            return doc, [session_updated(doc)]

        try:
            return await self._uow.commit(work)
        except DuplicateKeyError as exc:
            raise SessionNameTaken(str(name)) from exc

    async def make_default(self, actor: Principal, session_id: str) -> SessionDocument:
        await self.get(actor.user_id, session_id)

        async def work(session: AsyncClientSession) -> tuple[SessionDocument, list[Event]]:
            before = await self._sessions.of_user(actor.user_id, session=session)
            await self._sessions.make_default(actor.user_id, session_id, session)
            changed = [d for d in before if d.is_default != (d.id == session_id)]
            events: list[Event] = [
                session_updated(d.but(is_default=d.id == session_id)) for d in changed
            ]
            entry = audit_entry(actor.user_id, actor, "set_default", "success", session_id)
            await self._audit.add([entry], session)
            doc = await self._sessions.owned(actor.user_id, session_id, session=session)
            if doc is None:
                raise SessionNotFound()
            return doc, events

        return await self._uow.commit(work)

    async def delete(self, actor: Principal, session_id: str) -> None:
        deleted, _ = await self.delete_many(actor, [session_id])
        if not deleted:
            raise SessionNotFound()

    async def delete_many(
        self, actor: Principal, ids: Sequence[str]
    ) -> tuple[list[str], list[str]]:
        """Delete the user's sessions among ``ids``; returns (deleted, not found)."""
        wanted = list(dict.fromkeys(ids))

        async def work(
            session: AsyncClientSession,
        ) -> tuple[list[SessionDocument], list[Event]]:
            docs = await self._sessions.owned_many(actor.user_id, wanted, session=session)
            if not docs:
                return [], []
            found = [d.id for d in docs]
            await self._sessions.delete_many(actor.user_id, found, session)
            await self._groups.drop_sessions(actor.user_id, found, session)
            events: list[Event] = [session_deleted(d) for d in docs]
            promoted = await self._sessions.promote_oldest(actor.user_id, session)
            if promoted is not None:
                events.append(session_updated(promoted))
            entries = [audit_entry(actor.user_id, actor, "delete", "success", sid) for sid in found]
            await self._audit.add(entries, session)
            return docs, events

        docs = await self._uow.commit(work)
        for doc in docs:
            await self._forget_at_provider(doc.provider_session)
        deleted = [d.id for d in docs]
        return deleted, [sid for sid in wanted if sid not in deleted]

    async def _forget_at_provider(self, provider_session: str) -> None:
        """Best effort: the platform session is gone whatever the provider says."""
        try:
            await self._provider.delete(provider_session)
        except ProviderError as exc:
            log.warning("provider_delete_failed", session=provider_session, code=exc.code)
