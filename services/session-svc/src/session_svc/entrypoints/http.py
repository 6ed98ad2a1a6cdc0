"""session-svc REST routes for sessions and the audit log (thin: parse, authorise, call)."""

import base64
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from wagate_platform.auth import JwtAuthenticator, Principal
from wagate_platform.domain_errors import (
    Conflict,
    DomainError,
    Invalid,
    NotFound,
    Refused,
    TooMany,
    Unavailable,
    UpstreamFailed,
)

from session_svc.domain.session_document import SessionDocument
from session_svc.entrypoints.http_groups import group_routes
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
from session_svc.service.container import Container
from session_svc.service.sessions import UNSET

ERROR_STATUSES: dict[type[DomainError], int] = {
    NotFound: 404,
    Conflict: 409,
    Refused: 403,
    Invalid: 422,
    TooMany: 429,
    UpstreamFailed: 502,
    Unavailable: 503,
}
"""How session-svc answers its domain errors (``session_svc.domain.errors``)."""


def build_routers(container: Container) -> list[APIRouter]:
    auth = JwtAuthenticator(container.settings.auth_jwt_secret.get_secret_value())
    return [session_routes(container, auth), group_routes(container, auth)]


def session_routes(container: Container, auth: JwtAuthenticator) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["sessions"])
    User = Annotated[Principal, Depends(auth.principal)]
    create, sessions, lifecycle = (
        container.create_session,
        container.sessions,
        container.lifecycle,
    )
    audit, warning_ratio = container.audit, container.settings.daily_limit_warning_ratio

    async def shown(user_id: str, doc: SessionDocument) -> SessionOut:
        sent = await sessions.sent_today([doc.id])
        return SessionOut.of(doc, await sessions.plan(user_id), warning_ratio, sent[doc.id])

    @router.get("/sessions", response_model=SessionListOut)
    async def list_sessions(user: User) -> SessionListOut:
        docs, summary, plan = await sessions.overview(user.user_id)
        sent = await sessions.sent_today([d.id for d in docs])
        return SessionListOut(
            sessions=[SessionOut.of(d, plan, warning_ratio, sent[d.id]) for d in docs],
            subscription=SummaryOut.of(summary),
        )

    @router.post("/sessions", status_code=201, response_model=SessionOut)
    async def create_session(body: SessionCreateIn, user: User) -> SessionOut:
        doc = await create(user, body.name, body.is_default, body.daily_limit)
        return await shown(user.user_id, doc)

    @router.post("/sessions/bulk-delete", response_model=BulkDeleteOut)
    async def bulk_delete(body: BulkDeleteIn, user: User) -> BulkDeleteOut:
        deleted, missing = await sessions.delete_many(user, body.ids)
        return BulkDeleteOut(deleted=deleted, not_found=missing)

    @router.post("/sessions/disconnect-all", response_model=DisconnectAllOut)
    async def disconnect_all(user: User) -> DisconnectAllOut:
        disconnected, failed = await lifecycle.disconnect_all(user)
        return DisconnectAllOut(disconnected=disconnected, failed=failed)

    @router.get("/sessions/{session_id}", response_model=SessionOut)
    async def get_session(session_id: str, user: User) -> SessionOut:
        return await shown(user.user_id, await sessions.get(user.user_id, session_id))

    @router.patch("/sessions/{session_id}", response_model=SessionOut)
    async def patch_session(session_id: str, body: SessionPatchIn, user: User) -> SessionOut:
        limit = body.daily_limit if "daily_limit" in body.model_fields_set else UNSET
        doc = await sessions.update(user, session_id, body.name, limit)
        return await shown(user.user_id, doc)

    @router.delete("/sessions/{session_id}", status_code=204, response_class=Response)
    async def delete_session(session_id: str, user: User) -> Response:
        await sessions.delete(user, session_id)
        return Response(status_code=204)

    @router.post("/sessions/{session_id}/default", response_model=SessionOut)
    async def make_default(session_id: str, user: User) -> SessionOut:
        return await shown(user.user_id, await sessions.make_default(user, session_id))

    @router.post("/sessions/{session_id}/connect", response_model=SessionOut)
    async def connect(session_id: str, user: User) -> SessionOut:
        return await shown(user.user_id, await lifecycle.connect(user, session_id))

    @router.post("/sessions/{session_id}/disconnect", response_model=SessionOut)
    async def disconnect(session_id: str, user: User) -> SessionOut:
        return await shown(user.user_id, await lifecycle.disconnect(user, session_id))

    @router.get(
        "/sessions/{session_id}/qr",
        response_model=QrOut,
        responses={200: {"content": {"image/png": {}}}},
    )
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

    @router.get("/audit", tags=["audit"], response_model=AuditOut)
    async def read_audit(
        user: User,
        session_id: str | None = None,
        user_id: str | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> AuditOut:
        entries = await audit.read(user, user_id, session_id, limit)
        return AuditOut(entries=[AuditEntryOut.of(e) for e in entries])

    return router
