"""Sending (with injected failures and automatic acks), manual acks and inbound messages."""

import asyncio
from typing import Any, NoReturn

from provider_sandbox import lifecycle
from provider_sandbox.errors import nest_error, session_status_error
from provider_sandbox.failures import FailureKind, failure_error
from provider_sandbox.ids import digits, message_id, normalize_chat_id, now_s, parse_message_id
from provider_sandbox.runtime import Sandbox
from provider_sandbox.send_models import SendBase
from provider_sandbox.state import Ack, SentMessage, SessionState, SessionStatus


def _chat_id(value: str) -> str:
    chat_id = normalize_chat_id(value)
    if chat_id is None:
        raise nest_error(400, f"Invalid chatId '{value}': use <phone>@c.us or <id>@g.us")
    return chat_id


def _fail(
    sandbox: Sandbox, session: SessionState, kind: FailureKind, chat_id: str, retry: int
) -> NoReturn:
    if kind is FailureKind.LOGGED_OUT:
        raise lifecycle.logged_out_by_phone(sandbox, session)
    raise failure_error(kind, chat_id, retry)


async def send(sandbox: Sandbox, endpoint: str, request: SendBase) -> dict[str, Any]:
    """Send ``request`` as WAHA would and answer with the message object WAHA returns."""
    store = sandbox.store
    store.get(request.session)
    if store.config.latency_ms:
        await asyncio.sleep(store.config.latency_ms / 1000)
    session = store.get(request.session)
    if session.status is not SessionStatus.WORKING or session.me is None:
        raise session_status_error(session.name, session.status.value, ["WORKING"])
    chat_id = _chat_id(request.chatId)
    rule = session.failure
    if rule is not None and rule.consume():
        if rule.exhausted:
            session.failure = None
        _fail(sandbox, session, rule.kind, chat_id, rule.retry_after_s)
    if digits(chat_id) in store.failing_numbers:
        raise failure_error(FailureKind.INVALID_RECIPIENT, chat_id)
    if store.roll_random_failure():
        _fail(sandbox, session, store.config.random_failure_kind, chat_id, 1)

    sent = SentMessage(
        id=message_id(True, chat_id),
        session=session.name,
        chat_id=chat_id,
        endpoint=endpoint,
        request=request.model_dump(exclude_none=True),
        message={},
        timestamp=now_s(),
    )
    sent.message = {
        "id": sent.id,
        "timestamp": sent.timestamp,
        "from": session.me.id,
        "fromMe": True,
        "source": "api",
        "to": chat_id,
        "participant": None,
        **request.message_fields(),
        "ack": int(Ack.PENDING),
        "ackName": Ack.PENDING.name,
        "replyTo": request.reply_to,
    }
    store.record_sent(sent)
    if store.config.auto_ack:
        sandbox.spawn(_auto_acks(sandbox, session.name, sent.id), name=f"acks:{sent.id}")
    return sent.message


async def _auto_acks(sandbox: Sandbox, session_name: str, msg_id: str) -> None:
    delays = sandbox.store.config.ack_delays_ms
    for ack, delay_ms in zip((Ack.SERVER, Ack.DEVICE, Ack.READ), delays, strict=True):
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000)
        session = sandbox.store.sessions.get(session_name)
        if session is None or msg_id not in sandbox.store.messages:
            return
        emit_ack(sandbox, session, msg_id, ack)


def emit_ack(
    sandbox: Sandbox, session: SessionState, msg_id: str, ack: int, times: int = 1
) -> dict[str, Any]:
    """A ``message.ack`` for one of this session's messages (or any well-formed id)."""
    sent = sandbox.store.messages.get(msg_id)
    if sent is not None and sent.session == session.name:
        from_me, chat_id = True, sent.chat_id
        sent.ack = ack
        sent.acks.append(ack)
    else:
        parsed = parse_message_id(msg_id)
        if parsed is None:
            raise nest_error(404, f"Message '{msg_id}' not found in session '{session.name}'")
        from_me, chat_id = parsed
    me = session.me.id if session.me else None
    payload = {
        "id": msg_id,
        "from": me if from_me else chat_id,
        "to": chat_id if from_me else me,
        "participant": None,
        "fromMe": from_me,
        "ack": ack,
        "ackName": Ack(ack).name,
    }
    return sandbox.emit(session, "message.ack", payload, times)


def inbound(
    sandbox: Sandbox,
    session: SessionState,
    sender: str,
    body: str,
    *,
    msg_id: str | None = None,
    push_name: str | None = None,
    media: dict[str, Any] | None = None,
    has_media: bool = False,
    times: int = 1,
) -> dict[str, Any]:
    """Someone wrote to the session's number: a ``message`` event."""
    if session.status is not SessionStatus.WORKING or session.me is None:
        raise session_status_error(session.name, session.status.value, ["WORKING"])
    chat_id = _chat_id(sender)
    payload = {
        "id": msg_id or message_id(False, chat_id),
        "timestamp": now_s(),
        "from": chat_id,
        "fromMe": False,
        "source": "app",
        "to": session.me.id,
        "participant": None,
        "body": body,
        "hasMedia": has_media or media is not None,
        "media": media,
        "replyTo": None,
        "_data": {"notifyName": push_name or ""},
    }
    return sandbox.emit(session, "message", payload, times)
