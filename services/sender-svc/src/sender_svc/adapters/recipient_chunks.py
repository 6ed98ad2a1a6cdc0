"""A campaign's recipients as accepted, in chunks, until they have become messages.

``POST /v1/campaigns`` stores the validated recipients here (one ``insert_many`` of a few
documents) before the campaign document and before its 202, so an accepted campaign can
always be rebuilt; the preparer turns one chunk at a time into message documents and
deletes the chunks when done. A chunk is ``{_id: "<campaign>:<n>", n, first_seq,
recipients: [{to, content?}]}`` (``content`` only where variables changed the message).
Chunks of a campaign whose document was never written (the process died in between, no
202 was given) expire after ``ORPHAN_TTL_S``.
"""

from datetime import datetime

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from wagate_platform.mongo import CollectionIndexes, Document

RECIPIENT_CHUNKS = "campaign_recipients"
ORPHAN_TTL_S = 7 * 24 * 3600
RECIPIENT_CHUNK_INDEXES = CollectionIndexes(
    RECIPIENT_CHUNKS, [IndexModel([("created_at", ASCENDING)], expireAfterSeconds=ORPHAN_TTL_S)]
)
CHUNK_BYTES = 4 * 1024 * 1024  # far below MongoDB's 16 MB per document


def chunk_id(campaign_id: str, n: int) -> str:
    return f"{campaign_id}:{n:06d}"


def chunked(
    campaign_id: str, entries: list[Document], sizes: list[int], limit: int, at: datetime
) -> list[Document]:
    """Chunk documents of at most ``limit`` recipients and about ``CHUNK_BYTES`` each."""
    chunks: list[Document] = []
    start = weight = 0
    for seq, size in enumerate(sizes):
        if seq > start and (seq - start >= limit or weight + size > CHUNK_BYTES):
            chunks.append(_chunk(campaign_id, len(chunks), start, entries[start:seq], at))
            start, weight = seq, 0
        weight += size
    chunks.append(_chunk(campaign_id, len(chunks), start, entries[start:], at))
    return chunks


def _chunk(
    campaign_id: str, n: int, first_seq: int, recipients: list[Document], at: datetime
) -> Document:
    return {
        "_id": chunk_id(campaign_id, n),
        "campaign_id": campaign_id,
        "n": n,
        "first_seq": first_seq,
        "recipients": recipients,
        "created_at": at,
    }


class RecipientChunks:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._col = db[RECIPIENT_CHUNKS]

    async def insert(self, chunks: list[Document]) -> None:
        await self._col.insert_many(chunks)

    async def get(self, campaign_id: str, n: int) -> Document | None:
        return await self._col.find_one({"_id": chunk_id(campaign_id, n)})

    async def delete(self, campaign_id: str, count: int) -> None:
        ids = [chunk_id(campaign_id, n) for n in range(count)]
        await self._col.delete_many({"_id": {"$in": ids}})
