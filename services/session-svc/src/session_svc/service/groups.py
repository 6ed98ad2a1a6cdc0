"""Session groups: named sets of a user's own sessions, usable by the sender.

Each session carries the ids of its groups, so a membership change publishes
``session.updated`` for every session that joined or left a group.
"""

from collections.abc import Awaitable, Callable, Sequence

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError
from wagate_contracts.envelope import Event
from wagate_platform.identity import Principal
from wagate_platform.mongo import Document
from wagate_platform.unit_of_work import UnitOfWork

from session_svc.adapters.audit_repository import AuditRepository, audit_entry
from session_svc.adapters.group_repository import GroupRepository
from session_svc.adapters.session_repository import SessionRepository
from session_svc.domain.clock import Clock, utc_now
from session_svc.domain.errors import GroupNameTaken, GroupNotFound, UnknownSessions
from session_svc.domain.sessions import new_group_id
from session_svc.service.session_events import session_updated

Work = Callable[[AsyncClientSession], Awaitable[tuple[Document, list[Event]]]]


class Groups:
    def __init__(
        self,
        groups: GroupRepository,
        sessions: SessionRepository,
        audit: AuditRepository,
        uow: UnitOfWork,
        clock: Clock = utc_now,
    ) -> None:
        self._groups = groups
        self._sessions = sessions
        self._audit = audit
        self._uow = uow
        self._clock = clock

    async def of_user(self, user_id: str) -> list[Document]:
        return await self._groups.of_user(user_id)

    async def get(self, user_id: str, group_id: str) -> Document:
        doc = await self._groups.owned(user_id, group_id)
        if doc is None:
            raise GroupNotFound()
        return doc

    async def create(self, actor: Principal, name: str, session_ids: Sequence[str]) -> Document:
        now = self._clock()
        doc: Document = {
            "_id": new_group_id(),
            "user_id": actor.user_id,
            "name": name,
            "session_ids": list(dict.fromkeys(session_ids)),
            "created_at": now,
            "updated_at": now,
        }

        async def work(session: AsyncClientSession) -> tuple[Document, list[Event]]:
            await self._check_owned(actor.user_id, doc["session_ids"], session)
            await self._groups.insert(doc, session)
            events = await self._membership(
                actor.user_id, doc["_id"], doc["session_ids"], [], session
            )
            await self._log(actor, "group_create", doc["_id"], session)
            return doc, events

        return await self._commit(work, name)

    async def update(
        self, actor: Principal, group_id: str, name: str | None, session_ids: Sequence[str] | None
    ) -> Document:
        async def work(session: AsyncClientSession) -> tuple[Document, list[Event]]:
            current = await self._groups.owned(actor.user_id, group_id, session=session)
            if current is None:
                raise GroupNotFound()
            fields: Document = {"updated_at": self._clock()}
            if name is not None:
                fields["name"] = name
            events: list[Event] = []
            if session_ids is not None:
                wanted = list(dict.fromkeys(session_ids))
                await self._check_owned(actor.user_id, wanted, session)
                fields["session_ids"] = wanted
                old = current["session_ids"]
                joined = [s for s in wanted if s not in old]
                left = [s for s in old if s not in wanted]
                events = await self._membership(actor.user_id, group_id, joined, left, session)
            doc = await self._groups.replace(actor.user_id, group_id, fields, session)
            if doc is None:
                raise GroupNotFound()
            await self._log(actor, "group_update", group_id, session)
            return doc, events

        return await self._commit(work, name or "")

    async def delete(self, actor: Principal, group_id: str) -> None:
        async def work(session: AsyncClientSession) -> tuple[None, list[Event]]:
            current = await self._groups.owned(actor.user_id, group_id, session=session)
            if current is None:
                raise GroupNotFound()
            await self._groups.delete(actor.user_id, group_id, session)
            events = await self._membership(
                actor.user_id, group_id, [], current["session_ids"], session
            )
            await self._log(actor, "group_delete", group_id, session)
            return None, events

        await self._uow.commit(work)

    async def _commit(self, work: Work, name: str) -> Document:
        try:
            return await self._uow.commit(work)
        except DuplicateKeyError as exc:
            raise GroupNameTaken(name) from exc

    async def _check_owned(
        self, user_id: str, session_ids: Sequence[str], session: AsyncClientSession
    ) -> None:
        found = {d.id for d in await self._sessions.owned_many(user_id, session_ids, session)}
        unknown = [s for s in session_ids if s not in found]
        if unknown:
            raise UnknownSessions(unknown)

    async def _membership(
        self,
        user_id: str,
        group_id: str,
        joined: Sequence[str],
        left: Sequence[str],
        session: AsyncClientSession,
    ) -> list[Event]:
        if joined:
            await self._sessions.set_groups(user_id, joined, group_id, True, session)
        if left:
            await self._sessions.set_groups(user_id, left, group_id, False, session)
        changed = await self._sessions.owned_many(user_id, [*joined, *left], session)
        return [session_updated(doc) for doc in changed]

    async def _log(
        self, actor: Principal, action: str, group_id: str, session: AsyncClientSession
    ) -> None:
        entry = audit_entry(actor.user_id, actor, action, "success", None, group_id=group_id)
        await self._audit.add([entry], session)
