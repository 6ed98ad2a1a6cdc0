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

from session_svc.domain.session_document import SessionDocument


def _snapshot(doc: SessionDocument) -> dict[str, Any]:
    return {
        "producer": Service.SESSION,
        "user_id": doc.user_id,
        "session_id": doc.id,
        "name": doc.name,
        "is_default": doc.is_default,
        "daily_limit": doc.daily_limit,
        "status": doc.status,
        "group_ids": doc.group_ids,
        "provider": doc.provider,
        "provider_session": doc.provider_session,
        "phone_number": doc.phone_number,
    }


def session_created(doc: SessionDocument) -> SessionCreated:
    return SessionCreated(**_snapshot(doc))


def session_updated(doc: SessionDocument) -> SessionUpdated:
    return SessionUpdated(**_snapshot(doc))


def session_deleted(doc: SessionDocument) -> SessionDeleted:
    return SessionDeleted(
        producer=Service.SESSION,
        user_id=doc.user_id,
        session_id=doc.id,
        provider_session=doc.provider_session,
    )


def status_changed(
    doc: SessionDocument, previous: SessionStatus, reason: str | None = None
) -> SessionStatusChanged:
    return SessionStatusChanged(
        producer=Service.SESSION,
        user_id=doc.user_id,
        session_id=doc.id,
        status=doc.status,
        previous_status=previous,
        reason=reason,
        phone_number=doc.phone_number,
    )
