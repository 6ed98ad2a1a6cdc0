"""session-svc REST routes for sessions and the audit log (thin: parse, authorise, call)."""

import base64
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from wagate_platform.auth import JwtAuthenticator, Principal

from session_svc.entrypoints.schemas import (
    AuditEntryOut,
    AuditOut,
    BulkDeleteIn,
    BulkDeleteOut,
    DisconnectAllOut,
    QrOut,
    SessionCreateIn,
    SessionListOut,
    SessionOut,
    SessionPatchIn,
    SummaryOut,
)
from session_svc.service.audit import AuditLog
from session_svc.service.create_session import CreateSession
from session_svc.service.lifecycle import Lifecycle
from session_svc.service.sessions import UNSET, Sessions


def build_router(
    auth: JwtAuthenticator,
    create: CreateSession,
    sessions: Sessions,
    lifecycle: Lifecycle,
    audit: AuditLog,
    warning_ratio: float,
) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["sessions"])
    User = Annotated[Principal, Depends(auth.principal)]

    async def shown(user_id: str, doc: dict[str, Any]) -> SessionOut:
        sent = await sessions.sent_today([doc["_id"]])
        return SessionOut.of(doc, await sessions.plan(user_id), warning_ratio, sent[doc["_id"]])

    @router.get("/sessions")
    async def list_sessions(user: User) -> SessionListOut:
        docs, summary, plan = await sessions.overview(user.user_id)
        sent = await sessions.sent_today([d["_id"] for d in docs])
        return SessionListOut(
            sessions=[SessionOut.of(d, plan, warning_ratio, sent[d["_id"]]) for d in docs],
            subscription=SummaryOut.of(summary),
        )

    @router.post("/sessions", status_code=201)
    async def create_session(body: SessionCreateIn, user: User) -> SessionOut:
        doc = await create(user, body.name, body.is_default, body.daily_limit)
        return await shown(user.user_id, doc)

    @router.post("/sessions/bulk-delete")
    async def bulk_delete(body: BulkDeleteIn, user: User) -> BulkDeleteOut:
        deleted, missing = await sessions.delete_many(user, body.ids)
        return BulkDeleteOut(deleted=deleted, not_found=missing)

    @router.post("/sessions/disconnect-all")
    async def disconnect_all(user: User) -> DisconnectAllOut:
        disconnected, failed = await lifecycle.disconnect_all(user)
        return DisconnectAllOut(disconnected=disconnected, failed=failed)

    @router.get("/sessions/{session_id}")
    async def get_session(session_id: str, user: User) -> SessionOut:
        return await shown(user.user_id, await sessions.get(user.user_id, session_id))

    @router.patch("/sessions/{session_id}")
    async def patch_session(session_id: str, body: SessionPatchIn, user: User) -> SessionOut:
        limit = body.daily_limit if "daily_limit" in body.model_fields_set else UNSET
        doc = await sessions.update(user, session_id, body.name, limit)
        return await shown(user.user_id, doc)

    @router.delete("/sessions/{session_id}", status_code=204)
    async def delete_session(session_id: str, user: User) -> Response:
        await sessions.delete(user, session_id)
        return Response(status_code=204)

    @router.post("/sessions/{session_id}/default")
    async def make_default(session_id: str, user: User) -> SessionOut:
        return await shown(user.user_id, await sessions.make_default(user, session_id))

    @router.post("/sessions/{session_id}/connect")
    async def connect(session_id: str, user: User) -> SessionOut:
        return await shown(user.user_id, await lifecycle.connect(user, session_id))

    @router.post("/sessions/{session_id}/disconnect")
    async def disconnect(session_id: str, user: User) -> SessionOut:
        return await shown(user.user_id, await lifecycle.disconnect(user, session_id))

    @router.get("/sessions/{session_id}/qr", response_model=None)
    async def qr(
        session_id: str,
        user: User,
        request: Request,
        format: Literal["json", "image"] | None = None,
    ) -> Response | QrOut:
        """JSON by default; the PNG with ``?format=image`` or ``Accept: image/png``."""
        code = await lifecycle.qr(user, session_id)
        wants_image = format == "image" or (
            format is None and "image/png" in request.headers.get("accept", "")
        )
        if wants_image and code.png is not None:
            return Response(content=code.png, media_type="image/png")
        data = base64.b64encode(code.png).decode() if code.png else None
        return QrOut(value=code.value, data=data)

    @router.get("/audit", tags=["audit"])
    async def read_audit(
        user: User,
        session_id: str | None = None,
        user_id: str | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> AuditOut:
        entries = await audit.read(user, user_id, session_id, limit)
        return AuditOut(entries=[AuditEntryOut.of(e) for e in entries])

    return router
