"""Contacts auto-created from inbound numbers: first seen, last seen, message count."""

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from wagate_contracts import MessageReceived
from wagate_platform.mongo import CollectionIndexes, Document

from webhook_svc.adapters.payload import phone_of

CONTACTS = "contacts"
CONTACT_INDEXES = CollectionIndexes(
    CONTACTS, [IndexModel([("user_id", ASCENDING), ("last_seen", DESCENDING)])]
)


class ContactStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._contacts = db[CONTACTS]

    async def record_inbound(
        self, event: MessageReceived, session: AsyncClientSession | None = None
    ) -> None:
        number = phone_of(event.from_) or event.from_
        await self._contacts.update_one(
            {"_id": f"{event.user_id}|{number}"},
            {
                "$setOnInsert": {"user_id": event.user_id, "number": number},
                "$set": {"chat_id": event.from_},
                "$min": {"first_seen": event.received_at},
                "$max": {"last_seen": event.received_at},
                "$inc": {"message_count": 1},
            },
            upsert=True,
            session=session,
        )

    async def list(self, user_id: str, limit: int) -> list[Document]:
        cursor = self._contacts.find({"user_id": user_id}).sort("last_seen", DESCENDING)
        return await cursor.limit(limit).to_list()
