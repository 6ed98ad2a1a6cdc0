"""The stored session, typed: its fields are declared here once, and the repository maps
it to and from MongoDB with :meth:`SessionDocument.to_mongo` / :meth:`from_mongo`.

Partial updates name fields through :func:`changes`, which refuses a name the document
does not have, so a field is never spelled differently in two places.
"""

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from wagate_contracts import SessionStatus

RECONNECT_EPOCH = "reconnect.epoch"
RECONNECT_ATTEMPT = "reconnect.attempt"


@dataclass(frozen=True)
class ReconnectStreak:
    """The auto-reconnect in progress: ``epoch`` ties its timers to it (None: none)."""

    epoch: str | None = None
    attempt: int = 0


@dataclass(frozen=True)
class SessionDocument:
    id: str
    user_id: str
    name: str
    status: SessionStatus
    provider: str
    provider_session: str
    created_at: datetime
    updated_at: datetime
    is_default: bool = False
    phone_number: str | None = None
    daily_limit: int | None = None
    group_ids: tuple[str, ...] = ()
    user_disconnected: bool = False
    reconnect: ReconnectStreak = field(default_factory=ReconnectStreak)
    last_active_at: datetime | None = None
    connected_at: datetime | None = None
    reported_at: datetime | None = None

    def to_mongo(self) -> dict[str, Any]:
        doc = dataclasses.asdict(self)
        doc["_id"] = doc.pop("id")
        doc["group_ids"] = list(self.group_ids)
        for optional in ("connected_at", "reported_at"):
            if doc[optional] is None:
                del doc[optional]  # written when first known, as before
        return doc

    @classmethod
    def from_mongo(cls, doc: dict[str, Any]) -> "SessionDocument":
        values = {k: doc[k] for k in _FIELDS if k in doc}
        values["id"] = doc["_id"]
        values["group_ids"] = tuple(doc.get("group_ids", ()))
        values["is_default"] = bool(doc.get("is_default"))
        values["user_disconnected"] = bool(doc.get("user_disconnected"))
        reconnect = doc.get("reconnect") or {}
        values["reconnect"] = ReconnectStreak(
            reconnect.get("epoch"), int(reconnect.get("attempt", 0))
        )
        return cls(**values)

    def but(self, **fields: Any) -> "SessionDocument":
        """This document with ``fields`` changed (not stored)."""
        return dataclasses.replace(self, **fields)


_FIELDS = frozenset(f.name for f in dataclasses.fields(SessionDocument)) - {"id"}


def changes(**fields: Any) -> dict[str, Any]:
    """A partial update of a stored session, in MongoDB's field names."""
    unknown = set(fields) - _FIELDS
    if unknown:
        raise KeyError(f"a session has no field {sorted(unknown)}")
    update = dict(fields)
    if isinstance(update.get("reconnect"), ReconnectStreak):
        update["reconnect"] = dataclasses.asdict(update["reconnect"])
    return update
