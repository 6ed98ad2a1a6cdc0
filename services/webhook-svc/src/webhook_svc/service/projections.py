"""The projection consumer: session and sent-message mappings, and inbound contacts.

Session snapshots and sent messages are idempotent upserts (a stale snapshot
never overwrites a newer one) that also update this replica's directory at once;
contacts count each ``message.received`` once, guarded by the inbox in the same
transaction.
"""

from faststream.rabbit import RabbitMessage
from pymongo import AsyncMongoClient
from wagate_contracts import MessageReceived, MessageSent, SessionDeleted, SessionSnapshot
from wagate_platform.inbox import Inbox
from wagate_platform.mongo import Document

from webhook_svc.adapters.contacts import ContactStore
from webhook_svc.adapters.projection_store import ProjectionStore
from webhook_svc.service.directory import Directory


class Projector:
    """One typed handler per event the projection queue carries."""

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

    async def on_session_snapshot(self, event: SessionSnapshot, _: RabbitMessage) -> None:
        doc = await self._store.save_session(event)
        if doc is not None:
            self._directory.apply_session(doc)

    async def on_session_deleted(self, event: SessionDeleted, _: RabbitMessage) -> None:
        doc = await self._store.delete_session(event)
        if doc is not None:
            self._directory.apply_session(doc)

    async def on_message_sent(self, event: MessageSent, _: RabbitMessage) -> None:
        self._directory.apply_sent(await self._store.save_sent(event))

    async def on_message_received(self, event: MessageReceived, _: RabbitMessage) -> None:
        """Count the contact once per event: the inbox guards it in the same transaction.

        Not a ``UnitOfWork`` (yet): the inbox's duplicate-key answer aborts the server's
        transaction, so a redelivered event fails its commit here (and is requeued), while
        ``with_transaction`` would retry it as transient until its 120 s limit.
        """
        async with self._mongo.start_session() as session:
            async with await session.start_transaction():
                if not await self._inbox.first_time(event.event_id, session=session):
                    return
                await self._contacts.record_inbound(event, session=session)
