"""Turning a normalised callback item into its claims and its contract event.

``plan`` resolves the owner from the in-memory directory and returns the marks
to claim plus a builder that, given which claims were won, returns the event to
publish (or None for a duplicate). Contract validation happens here, before any
claim is written, so a bad value is a 400 with no side effects.
"""

from collections.abc import Callable
from uuid import UUID

from wagate_contracts import MessageReceived, MessageStatus, SessionStatusReported
from wagate_contracts.envelope import Event
from wagate_contracts.values import ProviderName, normalize_chat_id, normalize_phone

from webhook_svc.adapters.marks import Claim
from webhook_svc.adapters.payload import phone_of
from webhook_svc.domain.dedup import content_key, event_key, inbound_key, status_key
from webhook_svc.domain.inbound import (
    CallbackItem,
    InboundMessage,
    SessionReport,
    StatusUpdate,
    Unsupported,
)
from webhook_svc.service.directory import Directory

Builder = Callable[[list[bool]], Event | None]
Planned = tuple[str, list[Claim], Builder]


class EventFactory:
    def __init__(self, directory: Directory, producer: str, ids: Callable[[str], UUID]) -> None:
        self._directory = directory
        self._producer = producer
        self._ids = ids

    def plan(self, provider: ProviderName, item: CallbackItem) -> Planned | None:
        if isinstance(item, StatusUpdate):
            return self._status(provider, item)
        if isinstance(item, InboundMessage):
            return self._inbound(provider, item)
        if isinstance(item, SessionReport):
            return self._session(provider, item)
        assert isinstance(item, Unsupported)
        return None

    def _status(self, provider: ProviderName, item: StatusUpdate) -> Planned | None:
        message = self._directory.message(provider, item.provider_message_id)
        session = self._directory.session(item.provider_session, item.session_phone)
        user_id = item.user_id or (session.user_id if session else None)
        user_id = user_id or (message.user_id if message else None)
        if user_id is None:
            return None
        if message is not None and message.user_id != user_id:
            message = None  # never attach another user's message
        key = status_key(provider, item.provider_message_id)
        event = MessageStatus(
            event_id=self._ids(f"{key}|{item.status}"),
            producer=self._producer,
            user_id=user_id,
            message_id=message.message_id if message else None,
            provider=provider,
            provider_message_id=item.provider_message_id,
            session_id=item.session_id
            or (message.session_id if message else None)
            or (session.session_id if session else None),
            status=item.status,
            error_code=item.error_code,
            error_message=item.error_message,
            to=_chat_id(item.to),
            at=item.at,
        )
        claim = Claim(key, "status", status=item.status)
        return "message.status", [claim], lambda won: event if won[0] else None

    def _inbound(self, provider: ProviderName, item: InboundMessage) -> Planned | None:
        session = self._directory.session(item.provider_session, item.session_phone)
        if session is None:
            return None
        key = inbound_key(provider, item.provider_message_id)
        sender = normalize_chat_id(item.sender)
        event = MessageReceived(
            event_id=self._ids(key),
            producer=self._producer,
            user_id=session.user_id,
            provider=provider,
            session_id=session.session_id,
            provider_session=session.provider_session,
            provider_message_id=item.provider_message_id,
            from_=sender,
            type=item.type,
            text=item.text,
            received_at=item.at,
        )
        claims = [Claim(key, "once")]
        window = self._directory.content_window(session.user_id)
        if window > 0 and item.text and item.text.strip():
            claims.append(
                Claim(content_key(session.user_id, sender, item.text), "content", window_s=window)
            )

        def build(won: list[bool]) -> Event | None:
            if not won[0]:
                return None
            fresh = len(won) < 2 or won[1]
            return event if fresh else event.model_copy(update={"deduplicated": True})

        return "message.received", claims, build

    def _session(self, provider: ProviderName, item: SessionReport) -> Planned | None:
        session = self._directory.session(item.provider_session)
        if session is None:
            return None
        key = event_key(provider, item.identity)
        event = SessionStatusReported(
            event_id=self._ids(key),
            producer=self._producer,
            user_id=session.user_id,
            provider=provider,
            provider_session=session.provider_session,
            session_id=session.session_id,
            status=item.status,
            raw_status=item.raw_status,
            reported_at=item.at,
            phone_number=_phone(item.phone_number),
        )
        return (
            "session.status_reported",
            [Claim(key, "once")],
            lambda won: event if won[0] else None,
        )


def _chat_id(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return normalize_chat_id(value)
    except ValueError:
        digits = phone_of(value)
        return digits if digits and 8 <= len(digits) <= 15 else None


def _phone(value: str | None) -> str | None:
    """Optional information: an invalid number is dropped rather than failing the callback."""
    try:
        return normalize_phone(value) if value else None
    except ValueError:
        return None
