"""In-memory repositories of session-svc: MongoDB's dicts in plain attributes (``docs``,
``entries``) a test can look at, typed documents out where the real repository does so."""

import copy
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError
from session_svc.domain.session_document import SessionDocument
from session_svc.domain.subscription import KnownPlan
from wagate_contracts.envelope import Event

Doc = dict[str, Any]


def _get(doc: Doc, path: str) -> Any:
    value: Any = doc
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _set(doc: Doc, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        doc = doc.setdefault(part, {})
    doc[last] = value


def _matches(doc: Doc, where: Mapping[str, Any]) -> bool:
    return all(_get(doc, k) == v for k, v in where.items())


def _typed(doc: Doc | None) -> SessionDocument | None:
    return None if doc is None else SessionDocument.from_mongo(copy.deepcopy(doc))


class FakeSessions:
    """Stores MongoDB's dicts (``docs``) and answers typed documents, like the repository."""

    def __init__(self) -> None:
        self.docs: dict[str, Doc] = {}

    def _mine(self, user_id: str) -> list[Doc]:
        mine = [d for d in self.docs.values() if d["user_id"] == user_id]
        return sorted(mine, key=lambda d: d["created_at"])

    def _check_unique(self, doc: Doc) -> None:
        for other in self.docs.values():
            if other["_id"] == doc["_id"] or other["user_id"] != doc["user_id"]:
                continue
            if other["name"] == doc["name"]:
                raise DuplicateKeyError("E11000 user_name_unique")
            if other.get("is_default") and doc.get("is_default"):
                raise DuplicateKeyError("E11000 user_one_default")

    async def insert(self, doc: SessionDocument, session: Any = None) -> None:
        stored = doc.to_mongo()
        self._check_unique(stored)
        self.docs[doc.id] = stored

    async def get(self, session_id: str, session: Any = None) -> SessionDocument | None:
        return _typed(self.docs.get(session_id))

    async def owned(
        self, user_id: str, session_id: str, session: Any = None
    ) -> SessionDocument | None:
        doc = self.docs.get(session_id)
        return _typed(doc) if doc and doc["user_id"] == user_id else None

    async def of_user(self, user_id: str, session: Any = None) -> list[SessionDocument]:
        return [SessionDocument.from_mongo(copy.deepcopy(d)) for d in self._mine(user_id)]

    async def owned_many(
        self, user_id: str, ids: Sequence[str], session: Any = None
    ) -> list[SessionDocument]:
        return [d for d in await self.of_user(user_id) if d.id in ids]

    async def name_taken(self, user_id: str, name: str, except_id: str | None = None) -> bool:
        return any(
            d["user_id"] == user_id and d["name"] == name and d["_id"] != except_id
            for d in self.docs.values()
        )

    async def has_default(self, user_id: str, session: Any = None) -> bool:
        return any(d["user_id"] == user_id and d.get("is_default") for d in self.docs.values())

    async def update(
        self, session_id: str, fields: Doc, session: Any = None, where: Doc | None = None
    ) -> SessionDocument | None:
        doc = self.docs.get(session_id)
        if doc is None or not _matches(doc, where or {}):
            return None
        changed = copy.deepcopy(doc)
        for path, value in fields.items():
            _set(changed, path, value)
        self._check_unique(changed)
        self.docs[session_id] = changed
        return _typed(changed)

    async def make_default(self, user_id: str, session_id: str, session: Any = None) -> None:
        for doc in self.docs.values():
            if doc["user_id"] == user_id:
                doc["is_default"] = doc["_id"] == session_id

    async def delete_many(self, user_id: str, ids: Sequence[str], session: Any = None) -> None:
        for sid in ids:
            if sid in self.docs and self.docs[sid]["user_id"] == user_id:
                del self.docs[sid]

    async def promote_oldest(self, user_id: str, session: Any = None) -> SessionDocument | None:
        mine = self._mine(user_id)
        if not mine or any(d.get("is_default") for d in mine):
            return None
        return await self.update(mine[0]["_id"], {"is_default": True})

    async def set_groups(
        self, user_id: str, ids: Sequence[str], group_id: str, member: bool, session: Any = None
    ) -> None:
        for sid in ids:
            doc = self.docs.get(sid)
            if doc is None or doc["user_id"] != user_id:
                continue
            groups = [g for g in doc.get("group_ids", []) if g != group_id]
            doc["group_ids"] = [*groups, group_id] if member else groups

    async def owners(self, session_ids: Iterable[str], session: Any = None) -> dict[str, str]:
        return {s: self.docs[s]["user_id"] for s in session_ids if s in self.docs}

    async def touch_many(
        self, latest: Mapping[tuple[str, str], datetime], session: Any = None
    ) -> None:
        for (uid, sid), at in latest.items():
            doc = self.docs.get(sid)
            if doc and doc["user_id"] == uid:
                last = doc.get("last_active_at")
                doc["last_active_at"] = at if last is None else max(last, at)


class FakeAudit:
    def __init__(self) -> None:
        self.entries: list[Doc] = []

    async def add(self, entries: list[Doc], session: Any = None) -> None:
        self.entries.extend(entries)

    async def find(self, user_id: str | None, session_id: str | None, limit: int) -> list[Doc]:
        found = [
            e
            for e in self.entries
            if (user_id is None or e["user_id"] == user_id)
            and (session_id is None or e["session_id"] == session_id)
        ]
        return found[:limit]

    def actions(self) -> list[tuple[str, str]]:
        return [(e["action"], e["outcome"]) for e in self.entries]


class FakeGroups:
    def __init__(self) -> None:
        self.docs: dict[str, Doc] = {}

    async def insert(self, doc: Doc, session: Any = None) -> None:
        if any(
            g["user_id"] == doc["user_id"] and g["name"] == doc["name"] for g in self.docs.values()
        ):
            raise DuplicateKeyError("E11000 group name")
        self.docs[doc["_id"]] = copy.deepcopy(doc)

    async def owned(self, user_id: str, group_id: str, session: Any = None) -> Doc | None:
        doc = self.docs.get(group_id)
        return copy.deepcopy(doc) if doc and doc["user_id"] == user_id else None

    async def of_user(self, user_id: str) -> list[Doc]:
        return [copy.deepcopy(g) for g in self.docs.values() if g["user_id"] == user_id]

    async def replace(
        self, user_id: str, group_id: str, fields: Doc, session: Any = None
    ) -> Doc | None:
        doc = self.docs.get(group_id)
        if doc is None or doc["user_id"] != user_id:
            return None
        if any(
            g["_id"] != group_id and g["user_id"] == user_id and g["name"] == fields.get("name")
            for g in self.docs.values()
        ):
            raise DuplicateKeyError("E11000 group name")
        doc.update(fields)
        return copy.deepcopy(doc)

    async def delete(self, user_id: str, group_id: str, session: Any = None) -> None:
        self.docs.pop(group_id, None)

    async def drop_sessions(self, user_id: str, session_ids: Sequence[str], session: Any) -> None:
        for g in self.docs.values():
            if g["user_id"] == user_id:
                g["session_ids"] = [s for s in g["session_ids"] if s not in session_ids]


class FakePlans:
    def __init__(self) -> None:
        self.plans: dict[str, KnownPlan] = {}
        self.applied: list[Event] = []

    async def get(self, user_id: str) -> KnownPlan | None:
        return self.plans.get(user_id)

    async def apply_updated(self, event: Event) -> None:
        self.applied.append(event)

    async def apply_checked(self, event: Event) -> None:
        self.applied.append(event)


class FakeCounts:
    def __init__(self) -> None:
        self.sent: dict[tuple[str, str], int] = {}

    async def add_many(
        self, counts: Mapping[tuple[str, str, str], tuple[int, datetime]], session: Any = None
    ) -> None:
        for (_, sid, day), (n, _at) in counts.items():
            self.sent[(sid, day)] = self.sent.get((sid, day), 0) + n

    async def of_day(self, session_ids: Sequence[str], day: str) -> dict[str, int]:
        return {s: self.sent[(s, day)] for s in session_ids if (s, day) in self.sent}
