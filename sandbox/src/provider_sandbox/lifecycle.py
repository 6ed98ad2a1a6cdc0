"""Session lifecycle: WAHA's status machine, with a ``session.status`` event on each change.

STOPPED -start-> STARTING -> SCAN_QR_CODE -scan-> WORKING; a paired session (or any with
``auto_connect``) goes STARTING -> WORKING. A drop goes back to STARTING (reconnecting) or
FAILED; a logout forgets the pairing.
"""

import asyncio
from typing import Any

from provider_sandbox.errors import SandboxHTTPError, nest_error, session_status_error
from provider_sandbox.qr import new_qr_value
from provider_sandbox.runtime import Sandbox
from provider_sandbox.state import Me, SessionState, SessionStatus
from provider_sandbox.waha_models import SessionConfig

S = SessionStatus


def session_dto(sandbox: Sandbox, session: SessionState) -> dict[str, Any]:
    return {
        "name": session.name,
        "status": session.status.value,
        "config": session.config.model_dump(exclude_none=True),
        "me": session.me.as_dict() if session.me else None,
        "engine": {"engine": sandbox.settings.engine},
    }


def set_status(sandbox: Sandbox, session: SessionState, status: SessionStatus) -> None:
    """Move to ``status`` and tell the webhooks, unless the session is already there."""
    if session.status is status:
        return
    session.record_status(status)
    if status is not S.SCAN_QR_CODE:
        session.qr_value = None
    payload = {"name": session.name, "status": status.value, "statuses": list(session.statuses)}
    sandbox.emit(session, "session.status", payload)


def pair(sandbox: Sandbox, session: SessionState, phone: str | None, push_name: str | None) -> None:
    number = phone or (
        session.me.id.partition("@")[0] if session.me else sandbox.store.next_phone()
    )
    session.me = Me(id=f"{number}@c.us", pushName=push_name or f"Sandbox {session.name}")


def create(sandbox: Sandbox, name: str, config: SessionConfig, start: bool) -> SessionState:
    if name in sandbox.store.sessions:
        raise nest_error(422, f"Session '{name}' already exists. Use PUT to update it.")
    session = SessionState(name=name, config=config)
    session.record_status(S.STOPPED)
    sandbox.store.sessions[name] = session
    if start:
        begin_start(sandbox, session)
    return session


def begin_start(sandbox: Sandbox, session: SessionState) -> None:
    """STOPPED/FAILED -> STARTING, then on to SCAN_QR_CODE or WORKING (after the start delay)."""
    if session.status not in (S.STOPPED, S.FAILED):
        return
    set_status(sandbox, session, S.STARTING)
    delay_ms = sandbox.settings.start_delay_ms
    if delay_ms == 0:
        _finish_start(sandbox, session)
        return

    async def later() -> None:
        await asyncio.sleep(delay_ms / 1000)
        _finish_start(sandbox, session)

    sandbox.spawn(later(), name=f"start:{session.name}")


def _finish_start(sandbox: Sandbox, session: SessionState) -> None:
    if session.status is not S.STARTING or sandbox.store.sessions.get(session.name) is not session:
        return
    if session.me is not None or sandbox.settings.auto_connect:
        if session.me is None:
            pair(sandbox, session, None, None)
        set_status(sandbox, session, S.WORKING)
    else:
        session.qr_value = new_qr_value()
        set_status(sandbox, session, S.SCAN_QR_CODE)


def stop(sandbox: Sandbox, session: SessionState) -> None:
    set_status(sandbox, session, S.STOPPED)


def restart(sandbox: Sandbox, session: SessionState) -> None:
    stop(sandbox, session)
    begin_start(sandbox, session)


def logout(sandbox: Sandbox, session: SessionState) -> None:
    """Forget the pairing; a running session restarts and asks for a QR scan again."""
    session.me = None
    if session.status is not S.STOPPED:
        restart(sandbox, session)


def delete(sandbox: Sandbox, session: SessionState) -> None:
    stop(sandbox, session)
    sandbox.store.forget_session(session.name)


def update(sandbox: Sandbox, session: SessionState, config: SessionConfig) -> None:
    """New config; a running session restarts to apply it, as WAHA does."""
    session.config = config
    if session.status is not S.STOPPED:
        restart(sandbox, session)


def scan(sandbox: Sandbox, session: SessionState, phone: str | None, push_name: str | None) -> None:
    """The QR code was scanned (or the phone reconnected): WORKING."""
    if session.status is S.STOPPED:
        raise session_status_error(session.name, session.status.value, [S.SCAN_QR_CODE.value])
    if session.status is S.WORKING:
        return
    pair(sandbox, session, phone, push_name)
    set_status(sandbox, session, S.WORKING)


def drop(
    sandbox: Sandbox, session: SessionState, status: SessionStatus, recover_after_ms: int | None
) -> None:
    """The connection to WhatsApp dropped: STARTING (reconnecting) or FAILED."""
    if session.status is not S.WORKING:
        raise session_status_error(session.name, session.status.value, [S.WORKING.value])
    set_status(sandbox, session, status)
    if recover_after_ms is None:
        return

    async def recover() -> None:
        await asyncio.sleep(recover_after_ms / 1000)
        if session.status is status and sandbox.store.sessions.get(session.name) is session:
            set_status(sandbox, session, S.WORKING)

    sandbox.spawn(recover(), name=f"recover:{session.name}")


def logged_out_by_phone(sandbox: Sandbox, session: SessionState) -> SandboxHTTPError:
    """The device was unlinked from the phone: FAILED, pairing gone; the error to answer."""
    session.me = None
    set_status(sandbox, session, S.FAILED)
    return session_status_error(session.name, session.status.value, [S.WORKING.value])
