"""The projection consumer: session and sent-message mappings, and inbound contacts.

Session snapshots and sent messages are idempotent upserts (a stale snapshot
never overwrites a newer one) that also update this replica's directory at once;
contacts count each ``message.received`` once, guarded by the inbox in the same
transaction.
"""

from faststream.rabbit import RabbitMessage
from pymongo import AsyncMongoClient
from wagate_contracts import MessageReceived, MessageSent, SessionDeleted, SessionSnapshot
from wagate_contracts.envelope import Event
from wagate_platform.inbox import Inbox
from wagate_platform.mongo import Document

from webhook_svc.adapters.contacts import ContactStore
from webhook_svc.adapters.projection_store import ProjectionStore
from webhook_svc.service.directory import Directory


class Projector:
    def __init__(
        self,
        store: ProjectionStore,
        contacts: ContactStore,
        directory: Directory,
        mongo: AsyncMongoClient[Document],
        inbox: Inbox,
    ) -> None:
        self._store = store
        self._contacts = contacts
        self._directory = directory
        self._mongo = mongo
        self._inbox = inbox

    async def handle(self, event: Event, message: RabbitMessage) -> None:
        if isinstance(event, SessionSnapshot):
            doc = await self._store.save_session(event)
            if doc is not None:
                self._directory.apply_session(doc)
        elif isinstance(event, SessionDeleted):
            doc = await self._store.delete_session(event)
            if doc is not None:
                self._directory.apply_session(doc)
        elif isinstance(event, MessageSent):
            self._directory.apply_sent(await self._store.save_sent(event))
        elif isinstance(event, MessageReceived):
            await self._count_contact(event)

    async def _count_contact(self, event: MessageReceived) -> None:
        async with self._mongo.start_session() as session:
            async with await session.start_transaction():
                if not await self._inbox.first_time(event.event_id, session=session):
                    return
                await self._contacts.record_inbound(event, session=session)
