"""A fixed-window counter per key in MongoDB (``rate_limits``), shared by all replicas."""

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pymongo import IndexModel, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError
from wagate_platform.mongo import CollectionIndexes, Document

RATE_LIMITS = "rate_limits"
RATE_LIMIT_INDEXES = CollectionIndexes(
    RATE_LIMITS, [IndexModel("expires_at", expireAfterSeconds=0)]
)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after_s: int


CONFLICT_RETRIES = 5


class RateLimiter:
    def __init__(self, db: AsyncDatabase[Document], limit: int, window_s: int) -> None:
        self._counters = db[RATE_LIMITS]
        self._limit = limit
        self._window_s = window_s

    async def hit(self, key: str) -> Verdict:
        """Count one attempt for ``key`` in the current window (one round trip)."""
        now = time.time()
        window = int(now // self._window_s)
        ends = (window + 1) * self._window_s
        doc_id = f"{key}:{window}"
        for _ in range(CONFLICT_RETRIES):
            try:
                doc = await self._counters.find_one_and_update(
                    {"_id": doc_id},
                    {
                        "$inc": {"count": 1},
                        "$setOnInsert": {
                            "expires_at": datetime.fromtimestamp(ends, UTC) + timedelta(seconds=60)
                        },
                    },
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
            except DuplicateKeyError:
                continue  # two first hits raced on the upsert: count again
            if doc is not None:
                break
            # An upsert answering "no document" lost a race and applied nothing (SecantusDB
            # does this when racing first hits; mongod answers the document or raises).
        else:
            raise RuntimeError("rate limit counter kept conflicting")
        allowed = int(doc["count"]) <= self._limit
        return Verdict(allowed, 0 if allowed else max(1, math.ceil(ends - now)))
