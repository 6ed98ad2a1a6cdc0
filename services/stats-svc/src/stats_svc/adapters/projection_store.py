"""Writing a resolved batch: markers and counter upserts in one MongoDB transaction.

Round trips per flush: 1 ``find`` of the batch's marker keys (outside the
transaction), then ``insert_many`` markers + ``bulk_write`` upserts +
``commitTransaction``: 4 in all, whatever the batch size (3 when it changes no
counter, 1 when every event was already projected).

The marker insert is the guard: if another replica (or an ambiguous commit that
did succeed) stored one of the keys meanwhile, the insert fails with a duplicate
key, the transaction aborts with nothing written, and the caller re-resolves.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from pymongo import AsyncMongoClient, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError, PyMongoError
from wagate_platform.mongo import Document

from stats_svc.adapters.documents import (
    MARKERS,
    STATS,
    counter_update,
    marker_document,
    session_update,
)
from stats_svc.domain.aggregation import aggregate
from stats_svc.domain.dedupe import ConcurrentProjection, Resolution

DUPLICATE_KEY = 11000


class ProjectionStore:
    def __init__(self, client: AsyncMongoClient[Document], db: AsyncDatabase[Document]) -> None:
        self._client = client
        self._stats = db[STATS]
        self._markers = db[MARKERS]

    async def stored_markers(self, keys: Sequence[str]) -> set[str]:
        """Which of ``keys`` are already stored (one round trip)."""
        if not keys:
            return set()
        cursor = self._markers.find({"_id": {"$in": list(keys)}}, {"_id": 1}, batch_size=len(keys))
        return {doc["_id"] async for doc in cursor}

    async def commit(self, resolution: Resolution) -> None:
        """Store the markers and apply the counters atomically."""
        now = datetime.now(UTC)
        ops: list[UpdateOne] = [
            counter_update(scope, delta) for scope, delta in aggregate(resolution.counted).items()
        ]
        ops += [session_update(change) for change in resolution.session_changes]
        try:
            async with self._client.start_session() as session:
                async with await session.start_transaction():
                    await self._markers.insert_many(
                        [marker_document(key, now) for key in resolution.markers],
                        session=session,
                    )
                    if ops:
                        await self._stats.bulk_write(ops, session=session)
        except (DuplicateKeyError, BulkWriteError) as exc:
            if _is_duplicate(exc):
                raise ConcurrentProjection(str(exc)[:200]) from exc
            raise
        except PyMongoError as exc:
            if exc.has_error_label("TransientTransactionError") or exc.has_error_label(
                "UnknownTransactionCommitResult"
            ):
                raise ConcurrentProjection(str(exc)[:200]) from exc
            raise


def _is_duplicate(exc: PyMongoError) -> bool:
    if isinstance(exc, DuplicateKeyError):
        return True
    if isinstance(exc, BulkWriteError):
        errors = exc.details.get("writeErrors", [])
        return bool(errors) and all(e.get("code") == DUPLICATE_KEY for e in errors)
    return False
