"""Sessions in MongoDB (``sessions``); every query is scoped to the owning user.

A unique index keeps names unique per user and a partial unique index allows
one default per user, so concurrent writers cannot break either invariant.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from pymongo import ASCENDING, IndexModel, ReturnDocument, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError
from wagate_platform.mongo import CollectionIndexes, Document

from session_svc.domain.session_document import SessionDocument

SESSIONS = "sessions"
NAME_INDEX = "user_name_unique"
DEFAULT_INDEX = "user_one_default"
SESSION_INDEXES = CollectionIndexes(
    SESSIONS,
    [
        IndexModel([("user_id", ASCENDING), ("name", ASCENDING)], unique=True, name=NAME_INDEX),
        IndexModel(
            [("user_id", ASCENDING)],
            unique=True,
            partialFilterExpression={"is_default": True},
            name=DEFAULT_INDEX,
        ),
        IndexModel([("user_id", ASCENDING), ("created_at", ASCENDING)]),
    ],
)

Session = AsyncClientSession | None


def _typed(doc: Document | None) -> SessionDocument | None:
    return None if doc is None else SessionDocument.from_mongo(doc)


def violated_index(exc: DuplicateKeyError) -> str:
    """Which unique index a duplicate-key error came from."""
    details = exc.details or {}
    message = str(details.get("errmsg", "")) + str(exc)
    return DEFAULT_INDEX if DEFAULT_INDEX in message or "is_default" in message else NAME_INDEX


class SessionRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._sessions = db[SESSIONS]

    async def insert(self, doc: SessionDocument, session: Session = None) -> None:
        await self._sessions.insert_one(doc.to_mongo(), session=session)

    async def get(self, session_id: str, session: Session = None) -> SessionDocument | None:
        return _typed(await self._sessions.find_one({"_id": session_id}, session=session))

    async def owned(
        self, user_id: str, session_id: str, session: Session = None
    ) -> SessionDocument | None:
        found = await self._sessions.find_one(
            {"_id": session_id, "user_id": user_id}, session=session
        )
        return _typed(found)

    async def of_user(self, user_id: str, session: Session = None) -> list[SessionDocument]:
        cursor = self._sessions.find({"user_id": user_id}, session=session).sort("created_at", 1)
        return [SessionDocument.from_mongo(doc) async for doc in cursor]

    async def owned_many(
        self, user_id: str, ids: Sequence[str], session: Session = None
    ) -> list[SessionDocument]:
        cursor = self._sessions.find(
            {"user_id": user_id, "_id": {"$in": list(ids)}}, session=session
        )
        return [SessionDocument.from_mongo(doc) async for doc in cursor]

    async def name_taken(self, user_id: str, name: str, except_id: str | None = None) -> bool:
        query: Document = {"user_id": user_id, "name": name}
        if except_id:
            query["_id"] = {"$ne": except_id}
        return await self._sessions.find_one(query, {"_id": 1}) is not None

    async def has_default(self, user_id: str, session: Session = None) -> bool:
        found = await self._sessions.find_one(
            {"user_id": user_id, "is_default": True}, {"_id": 1}, session=session
        )
        return found is not None

    async def update(
        self,
        session_id: str,
        fields: Document,
        session: Session = None,
        where: Document | None = None,
    ) -> SessionDocument | None:
        """Set ``fields`` (see ``changes``) on the session if it still matches ``where``;
        the document after."""
        after = await self._sessions.find_one_and_update(
            {"_id": session_id, **(where or {})},
            {"$set": fields},
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        return _typed(after)

    async def make_default(
        self, user_id: str, session_id: str, session: AsyncClientSession
    ) -> None:
        await self._sessions.update_many(
            {"user_id": user_id, "is_default": True, "_id": {"$ne": session_id}},
            {"$set": {"is_default": False}},
            session=session,
        )
        await self._sessions.update_one(
            {"_id": session_id, "user_id": user_id}, {"$set": {"is_default": True}}, session=session
        )

    async def delete_many(
        self, user_id: str, ids: Sequence[str], session: AsyncClientSession
    ) -> None:
        await self._sessions.delete_many(
            {"user_id": user_id, "_id": {"$in": list(ids)}}, session=session
        )

    async def promote_oldest(
        self, user_id: str, session: AsyncClientSession
    ) -> SessionDocument | None:
        """Make the oldest session the default if the user has sessions but no default."""
        if await self.has_default(user_id, session=session):
            return None
        promoted = await self._sessions.find_one_and_update(
            {"user_id": user_id},
            {"$set": {"is_default": True}},
            sort=[("created_at", ASCENDING)],
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        return _typed(promoted)

    async def set_groups(
        self,
        user_id: str,
        ids: Sequence[str],
        group_id: str,
        member: bool,
        session: AsyncClientSession,
    ) -> None:
        op = "$addToSet" if member else "$pull"
        await self._sessions.update_many(
            {"user_id": user_id, "_id": {"$in": list(ids)}},
            {op: {"group_ids": group_id}},
            session=session,
        )

    async def count(self, user_id: str) -> int:
        return await self._sessions.count_documents({"user_id": user_id})

    async def owners(self, session_ids: Iterable[str], session: Session = None) -> dict[str, str]:
        """The user id of each of these sessions that exists."""
        ids = sorted(set(session_ids))
        if not ids:
            return {}
        cursor = self._sessions.find({"_id": {"$in": ids}}, {"user_id": 1}, session=session)
        return {doc["_id"]: doc["user_id"] async for doc in cursor}

    async def touch_many(
        self, latest: Mapping[tuple[str, str], datetime], session: Session = None
    ) -> None:
        """``touch`` for many (user id, session id) pairs in one round trip."""
        if latest:
            await self._sessions.bulk_write(
                [
                    UpdateOne({"_id": sid, "user_id": uid}, {"$max": {"last_active_at": at}})
                    for (uid, sid), at in latest.items()
                ],
                ordered=False,
                session=session,
            )

    async def touch(
        self, user_id: str, session_id: str, at: datetime, session: Session = None
    ) -> bool:
        """Move ``last_active_at`` forward to ``at`` (never back); False if the user has
        no such session."""
        result = await self._sessions.update_one(
            {"_id": session_id, "user_id": user_id},
            {"$max": {"last_active_at": at}},
            session=session,
        )
        return result.matched_count > 0
