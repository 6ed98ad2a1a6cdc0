"""Shaping stored scope documents into the REST answers (counters + derived rates)."""

from typing import Any

from wagate_platform.mongo import Document

from stats_svc.adapters.documents import unmark
from stats_svc.domain.counters import COUNTERS, success_rate


def counters_view(doc: Document | None) -> dict[str, Any]:
    """Every counter (0 when absent), ``success_rate`` and the last sent/failed times."""
    stored: dict[str, Any] = (doc or {}).get("c") or {}
    view: dict[str, Any] = {name: int(stored.get(name, 0)) for name in COUNTERS}
    view["success_rate"] = success_rate(view["sent"], view["failed"])
    view["last_sent_at"] = (doc or {}).get("last_sent_at")
    view["last_failed_at"] = (doc or {}).get("last_failed_at")
    return view


def session_view(doc: Document) -> dict[str, Any]:
    meta: dict[str, Any] = doc.get("session") or {}
    return {
        "session_id": doc["session_id"],
        "name": unmark(meta.get("name")),
        "status": "deleted" if meta.get("deleted_at") else unmark(meta.get("status")),
        "phone_number": unmark(meta.get("phone_number")),
        "created_at": meta.get("created_at"),
        "deleted_at": meta.get("deleted_at"),
        **counters_view(doc),
    }


def day_view(doc: Document) -> dict[str, Any]:
    return {"date": doc["day"], **counters_view(doc)}


def reset_view(doc: Document | None) -> dict[str, Any] | None:
    record = (doc or {}).get("last_reset")
    if not record:
        return None
    return {"by": record.get("by"), "at": record.get("at")}
