"""Session groups (``session_groups``): named sets of one user's sessions."""

from collections.abc import Sequence

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from wagate_platform.mongo import CollectionIndexes, Document

GROUPS = "session_groups"
GROUP_INDEXES = CollectionIndexes(
    GROUPS,
    [
        IndexModel([("user_id", ASCENDING), ("name", ASCENDING)], unique=True),
        IndexModel([("user_id", ASCENDING), ("session_ids", ASCENDING)]),
    ],
)


class GroupRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._groups = db[GROUPS]

    async def insert(self, doc: Document, session: AsyncClientSession) -> None:
        await self._groups.insert_one(doc, session=session)

    async def owned(
        self, user_id: str, group_id: str, session: AsyncClientSession | None = None
    ) -> Document | None:
        return await self._groups.find_one({"_id": group_id, "user_id": user_id}, session=session)

    async def of_user(self, user_id: str) -> list[Document]:
        return [doc async for doc in self._groups.find({"user_id": user_id}).sort("created_at", 1)]

    async def replace(
        self, user_id: str, group_id: str, fields: Document, session: AsyncClientSession
    ) -> Document | None:
        return await self._groups.find_one_and_update(
            {"_id": group_id, "user_id": user_id},
            {"$set": fields},
            return_document=ReturnDocument.AFTER,
            session=session,
        )

    async def delete(self, user_id: str, group_id: str, session: AsyncClientSession) -> None:
        await self._groups.delete_one({"_id": group_id, "user_id": user_id}, session=session)

    async def drop_sessions(
        self, user_id: str, session_ids: Sequence[str], session: AsyncClientSession
    ) -> None:
        await self._groups.update_many(
            {"user_id": user_id, "session_ids": {"$in": list(session_ids)}},
            {"$pull": {"session_ids": {"$in": list(session_ids)}}},
            session=session,
        )
