"""Events about sessions, built from their stored documents."""

from typing import Any

from wagate_contracts import (
    Service,
    SessionCreated,
    SessionDeleted,
    SessionStatus,
    SessionStatusChanged,
    SessionUpdated,
)
from wagate_platform.mongo import Document


def _snapshot(doc: Document) -> dict[str, Any]:
    return {
        "producer": Service.SESSION,
        "user_id": doc["user_id"],
        "session_id": doc["_id"],
        "name": doc["name"],
        "is_default": bool(doc.get("is_default")),
        "daily_limit": doc.get("daily_limit"),
        "status": doc["status"],
        "group_ids": tuple(doc.get("group_ids", [])),
        "provider": doc["provider"],
        "provider_session": doc["provider_session"],
        "phone_number": doc.get("phone_number"),
    }


def session_created(doc: Document) -> SessionCreated:
    return SessionCreated(**_snapshot(doc))


def session_updated(doc: Document) -> SessionUpdated:
    return SessionUpdated(**_snapshot(doc))


def session_deleted(doc: Document) -> SessionDeleted:
    return SessionDeleted(
        producer=Service.SESSION,
        user_id=doc["user_id"],
        session_id=doc["_id"],
        provider_session=doc["provider_session"],
    )


def status_changed(
    doc: Document, previous: SessionStatus, reason: str | None = None
) -> SessionStatusChanged:
    return SessionStatusChanged(
        producer=Service.SESSION,
        user_id=doc["user_id"],
        session_id=doc["_id"],
        status=doc["status"],
        previous_status=previous,
        reason=reason,
        phone_number=doc.get("phone_number"),
    )
