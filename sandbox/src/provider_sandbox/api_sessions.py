"""WAHA's sessions API: create, list, get, update, delete, start/stop/logout/restart, QR, me."""

import base64
import secrets
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Response

from provider_sandbox import lifecycle
from provider_sandbox.deps import SandboxDep, require_api_key
from provider_sandbox.errors import session_status_error
from provider_sandbox.qr import render_png
from provider_sandbox.state import SessionStatus
from provider_sandbox.waha_models import (
    RequestCodeRequest,
    SessionConfig,
    SessionCreateRequest,
    SessionUpdateRequest,
)

router = APIRouter(prefix="/api", tags=["sessions"], dependencies=[Depends(require_api_key)])
Dto = dict[str, Any]


@router.post("/sessions", status_code=201)
async def create_session(body: SessionCreateRequest, sandbox: SandboxDep) -> Dto:
    name = body.name or f"session_{secrets.token_hex(4)}"
    session = lifecycle.create(sandbox, name, body.config or SessionConfig(), body.start)
    return lifecycle.session_dto(sandbox, session)


@router.get("/sessions")
async def list_sessions(sandbox: SandboxDep, all: bool = False) -> list[Dto]:
    return [lifecycle.session_dto(sandbox, s) for s in sandbox.store.list_sessions(all)]


@router.get("/sessions/{session}")
async def get_session(session: str, sandbox: SandboxDep) -> Dto:
    return lifecycle.session_dto(sandbox, sandbox.store.get(session))


@router.put("/sessions/{session}")
async def update_session(session: str, body: SessionUpdateRequest, sandbox: SandboxDep) -> Dto:
    state = sandbox.store.get(session)
    lifecycle.update(sandbox, state, body.config or SessionConfig())
    return lifecycle.session_dto(sandbox, state)


@router.delete("/sessions/{session}")
async def delete_session(session: str, sandbox: SandboxDep) -> Dto:
    lifecycle.delete(sandbox, sandbox.store.get(session))
    return {}


@router.post("/sessions/{session}/{action}", status_code=201)
async def session_action(
    session: str, action: Literal["start", "stop", "logout", "restart"], sandbox: SandboxDep
) -> Dto:
    state = sandbox.store.get(session)
    {
        "start": lifecycle.begin_start,
        "stop": lifecycle.stop,
        "logout": lifecycle.logout,
        "restart": lifecycle.restart,
    }[action](sandbox, state)
    return lifecycle.session_dto(sandbox, state)


@router.get("/sessions/{session}/me")
async def get_me(session: str, sandbox: SandboxDep) -> dict[str, str] | None:
    me = sandbox.store.get(session).me
    return me.as_dict() if me else None


@router.get("/{session}/auth/qr", response_model=None)
async def get_qr(
    session: str,
    sandbox: SandboxDep,
    format: Literal["image", "raw"] = Query(default="image"),
    accept: Annotated[str, Header()] = "",
) -> Response | Dto:
    """PNG by default; ``?format=raw`` gives ``{value}``; ``Accept: application/json``
    gives ``{mimetype, data}`` (base64), as WAHA does."""
    state = sandbox.store.get(session)
    if state.status is not SessionStatus.SCAN_QR_CODE or state.qr_value is None:
        raise session_status_error(state.name, state.status.value, ["SCAN_QR_CODE"])
    if format == "raw":
        return {"value": state.qr_value}
    png = render_png(state.qr_value)
    if "application/json" in accept:
        return {"mimetype": "image/png", "data": base64.b64encode(png).decode()}
    return Response(content=png, media_type="image/png")


@router.post("/{session}/auth/request-code", status_code=201)
async def request_code(session: str, body: RequestCodeRequest, sandbox: SandboxDep) -> Dto:
    state = sandbox.store.get(session)
    if state.status is not SessionStatus.SCAN_QR_CODE:
        raise session_status_error(state.name, state.status.value, ["SCAN_QR_CODE"])
    alphabet = "ABCDEFGHJKLMNPQRSTVWXYZ0123456789"
    code = "".join(secrets.choice(alphabet) for _ in range(8))
    return {"code": f"{code[:4]}-{code[4:]}"}
