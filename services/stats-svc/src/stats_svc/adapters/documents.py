"""How the statistics are laid out in MongoDB: one document per scope in ``stats``.

``_id`` is an unambiguous key of the scope (``user:<u>``, ``session:<u>:<s>``,
``day:<u>:<YYYY-MM-DD>``, ``session_day:<u>:<s>:<YYYY-MM-DD>``). Counters live
under ``c``; a session document also carries ``session`` metadata whose fields
are ``"<UTC timestamp>|<value>"`` marks written with ``$max``, so the latest event
wins whatever order events arrive in, without reading first.
"""

from datetime import UTC, datetime
from typing import Any, Final

from pymongo import ASCENDING, DESCENDING, IndexModel, UpdateOne
from wagate_platform.mongo import CollectionIndexes, Document

from stats_svc.domain.aggregation import Scope, ScopeDelta
from stats_svc.domain.facts import SessionChange, marker_key

STATS: Final = "stats"
MARKERS: Final = "counted_markers"
RESETS: Final = "stats_resets"
MARK_SEPARATOR: Final = "|"


def indexes(marker_retention_s: int) -> list[CollectionIndexes]:
    return [
        CollectionIndexes(STATS, [IndexModel([("user_id", ASCENDING), ("scope", ASCENDING)])]),
        CollectionIndexes(
            MARKERS, [IndexModel([("at", ASCENDING)], expireAfterSeconds=marker_retention_s)]
        ),
        CollectionIndexes(RESETS, [IndexModel([("user_id", ASCENDING), ("at", DESCENDING)])]),
    ]


def scope_name(scope: Scope) -> str:
    if scope.session_id is None:
        return "user" if scope.day is None else "day"
    return "session" if scope.day is None else "session_day"


def scope_id(scope: Scope) -> str:
    parts: list[object] = [scope_name(scope), scope.user_id]
    if scope.session_id is not None:
        parts.append(scope.session_id)
    if scope.day is not None:
        parts.append(scope.day.isoformat())
    return marker_key(*parts)


def _identity(scope: Scope) -> Document:
    doc: Document = {"user_id": scope.user_id, "scope": scope_name(scope)}
    if scope.session_id is not None:
        doc["session_id"] = scope.session_id
    if scope.day is not None:
        doc["day"] = scope.day.isoformat()
    return doc


def counter_update(scope: Scope, delta: ScopeDelta) -> UpdateOne:
    update: dict[str, Any] = {
        "$setOnInsert": _identity(scope),
        "$inc": {f"c.{name}": n for name, n in delta.counts.items()},
    }
    latest = {
        field: at
        for field, at in (
            ("last_sent_at", delta.last_sent_at),
            ("last_failed_at", delta.last_failed_at),
        )
        if at is not None
    }
    if latest:
        update["$max"] = latest
    return UpdateOne({"_id": scope_id(scope)}, update, upsert=True)


def mark(at: datetime, value: str) -> str:
    """A value stamped so that string order is time order (fixed-width UTC)."""
    return f"{at.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%fZ}{MARK_SEPARATOR}{value}"


def unmark(marked: object) -> str | None:
    if not isinstance(marked, str) or MARK_SEPARATOR not in marked:
        return None
    return marked.split(MARK_SEPARATOR, 1)[1]


def session_update(change: SessionChange) -> UpdateOne:
    scope = Scope(change.user_id, change.session_id)
    latest: dict[str, Any] = {}
    for field, value in (
        ("name", change.name),
        ("status", change.status),
        ("phone_number", change.phone_number),
    ):
        if value is not None:
            latest[f"session.{field}"] = mark(change.at, value)
    if change.deleted:
        latest["session.deleted_at"] = change.at
    update: dict[str, Any] = {"$setOnInsert": _identity(scope)}
    if latest:
        update["$max"] = latest
    if change.created:
        update["$min"] = {"session.created_at": change.at}
    return UpdateOne({"_id": scope_id(scope)}, update, upsert=True)


def marker_document(key: str, at: datetime) -> Document:
    return {"_id": key, "at": at}
