"""What ``GET /v1/campaigns/{id}`` (and the campaign routes) answer.

``status`` is the campaign's state, with its background steps shown while they run:
``preparing`` (a running campaign whose recipients are still becoming messages; sending
has started with the ones already prepared) and ``canceling`` (canceled, and its queued
messages are still being failed and their events published). ``prepared`` counts the
recipients that are messages; ``progress.queued`` includes the ones that are not yet.
"""

from typing import Any

from wagate_platform.mongo import Document

from sender_svc.domain.campaigns import C

SENT_LIKE = ("sent", "delivered", "read", "played")


def shown_status(doc: Document) -> str:
    status = str(doc["status"])
    if status == "canceled" and doc.get(C.CANCEL_PENDING):
        return "canceling"
    if status == "running" and doc.get(C.PREPARE_PENDING):
        return "preparing"
    return status


def campaign_view(doc: Document, counts: list[Document] | None = None) -> dict[str, Any]:
    total = int(doc["total"])
    prepared = int(doc.get("prepared", total)) if doc.get(C.PREPARE_PENDING) else total
    view: dict[str, Any] = {
        "id": doc["_id"],
        "name": doc.get("name"),
        "status": shown_status(doc),
        "total": total,
        "prepared": prepared,
        "strategy": doc.get("strategy"),
        "created_at": doc["created_at"].isoformat(),
    }
    if counts is not None:
        view["progress"], view["sessions"] = _progress(counts, total, total - prepared)
    return view


def _progress(
    counts: list[Document], total: int, unprepared: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    by_status: dict[str, int] = {}
    by_session: dict[str, dict[str, int]] = {}
    for row in counts:
        status, session = row["_id"].get("status"), row["_id"].get("session_id")
        by_status[status] = by_status.get(status, 0) + row["n"]
        if session:
            split = by_session.setdefault(session, {"sent": 0, "failed": 0})
            key = "sent" if status in SENT_LIKE else "failed" if status == "failed" else None
            if key:
                split[key] += row["n"]
    sent = sum(by_status.get(s, 0) for s in SENT_LIKE)
    failed = by_status.get("failed", 0)
    read = by_status.get("read", 0) + by_status.get("played", 0)
    progress = {
        "queued": by_status.get("queued", 0) + unprepared,
        "sent": sent,
        "delivered": by_status.get("delivered", 0) + read,
        "read": read,
        "failed": failed,
        "done": sent + failed,
        "percent": round((sent + failed) * 100 / total, 2) if total else 100.0,
    }
    return progress, [{"session_id": k, **v} for k, v in sorted(by_session.items())]
