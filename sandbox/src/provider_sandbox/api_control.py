"""The sandbox's own control API (not WAHA): drive sessions and inject faults from tests."""

from typing import Any

from fastapi import APIRouter, Depends

from provider_sandbox import lifecycle, messaging
from provider_sandbox.control_models import (
    AckRequest,
    ConfigUpdate,
    DropRequest,
    FailureRequest,
    InboundRequest,
    ScanRequest,
)
from provider_sandbox.deps import SandboxDep, require_api_key
from provider_sandbox.errors import nest_error
from provider_sandbox.failures import FailureRule
from provider_sandbox.ids import digits
from provider_sandbox.state import SessionStatus

router = APIRouter(prefix="/control", tags=["control"], dependencies=[Depends(require_api_key)])
Json = dict[str, Any]


@router.post("/sessions/{session}/scan")
async def scan(session: str, sandbox: SandboxDep, body: ScanRequest | None = None) -> Json:
    """The QR code was scanned: the session becomes WORKING."""
    body = body or ScanRequest()
    state = sandbox.store.get(session)
    lifecycle.scan(sandbox, state, body.phone and digits(body.phone), body.push_name)
    return lifecycle.session_dto(sandbox, state)


@router.post("/sessions/{session}/drop")
async def drop(session: str, sandbox: SandboxDep, body: DropRequest | None = None) -> Json:
    """The connection dropped: STARTING (reconnecting) or FAILED, maybe recovering later."""
    body = body or DropRequest()
    state = sandbox.store.get(session)
    lifecycle.drop(sandbox, state, SessionStatus(body.status), body.recover_after_ms)
    return lifecycle.session_dto(sandbox, state)


@router.post("/sessions/{session}/inbound", status_code=202)
async def inbound(session: str, body: InboundRequest, sandbox: SandboxDep) -> Json:
    """Someone wrote to the session: a ``message`` event, POSTed ``redeliver`` times."""
    envelope = messaging.inbound(
        sandbox,
        sandbox.store.get(session),
        body.from_,
        body.body,
        msg_id=body.id,
        push_name=body.push_name,
        media=body.media,
        has_media=body.has_media,
        times=body.redeliver,
    )
    return {
        "event_id": envelope["id"],
        "id": envelope["payload"]["id"],
        "deliveries": body.redeliver,
    }


@router.post("/sessions/{session}/ack", status_code=202)
async def ack(session: str, body: AckRequest, sandbox: SandboxDep) -> Json:
    """Emit one ``message.ack`` (e.g. -1 ERROR or 4 PLAYED, or a duplicate)."""
    state = sandbox.store.get(session)
    envelope = messaging.emit_ack(sandbox, state, body.message_id, body.ack, body.redeliver)
    return {"event_id": envelope["id"], "payload": envelope["payload"]}


@router.get("/sessions/{session}/sent")
async def sent(session: str, sandbox: SandboxDep) -> list[Json]:
    """Messages sent successfully on the session, oldest first."""
    return [message.as_dict() for message in sandbox.store.get(session).sent]


@router.put("/sessions/{session}/failures")
async def set_failures(session: str, body: FailureRequest, sandbox: SandboxDep) -> Json:
    """Make the session's next ``count`` sends (or all, without count) fail with ``kind``."""
    state = sandbox.store.get(session)
    state.failure = FailureRule(body.kind, body.count, body.retry_after_s)
    return {"session": session, "kind": body.kind.value, "remaining": body.count}


@router.delete("/sessions/{session}/failures")
async def clear_failures(session: str, sandbox: SandboxDep) -> Json:
    sandbox.store.get(session).failure = None
    return {"session": session, "kind": None}


@router.put("/numbers/{number}/fail")
async def fail_number(number: str, sandbox: SandboxDep) -> Json:
    """Sends to this recipient fail as invalid (not on WhatsApp), on every session."""
    phone = digits(number)
    if not phone:
        raise nest_error(400, f"'{number}' is not a phone number")
    sandbox.store.failing_numbers.add(phone)
    return {"number": phone, "failing": True}


@router.delete("/numbers/{number}/fail")
async def unfail_number(number: str, sandbox: SandboxDep) -> Json:
    sandbox.store.failing_numbers.discard(digits(number))
    return {"number": digits(number), "failing": False}


@router.get("/config")
async def get_config(sandbox: SandboxDep) -> Json:
    return sandbox.store.config.as_dict()


@router.put("/config")
async def put_config(body: ConfigUpdate, sandbox: SandboxDep) -> Json:
    """Change latency, random failures and acks; unset fields keep their value."""
    config = sandbox.store.config
    if body.latency_ms is not None:
        config.latency_ms = body.latency_ms
    if body.failure_rate is not None:
        config.failure_rate = body.failure_rate
    if body.random_failure_kind is not None:
        config.random_failure_kind = body.random_failure_kind
    if body.auto_ack is not None:
        config.auto_ack = body.auto_ack
    if body.ack_delays_ms is not None:
        server, device, read = body.ack_delays_ms
        config.ack_delays_ms = (server, device, read)
    return config.as_dict()


@router.get("/deliveries")
async def deliveries(sandbox: SandboxDep, session: str | None = None) -> list[Json]:
    """Recent webhook deliveries (newest last), for debugging."""
    return [
        record.as_dict()
        for record in sandbox.webhooks.deliveries
        if session is None or record.session == session
    ]


@router.post("/flush")
async def flush(sandbox: SandboxDep) -> Json:
    """Wait until every webhook queued so far was delivered (or given up on)."""
    await sandbox.webhooks.join()
    return {"flushed": True}


@router.post("/reset")
async def reset(sandbox: SandboxDep) -> Json:
    """Forget all sessions, messages, failures and pending webhooks; config back to settings."""
    await sandbox.reset()
    return {"reset": True}
