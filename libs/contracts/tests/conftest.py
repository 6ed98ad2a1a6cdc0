"""Shared fixtures: one valid instance of every event type."""

from datetime import UTC, datetime

import pytest
from wagate_contracts import (
    ApiKeyRotated,
    Event,
    MessageContent,
    MessageFailed,
    MessageReceived,
    MessageRequested,
    MessageSent,
    MessageStatus,
    Service,
    SessionCreated,
    SessionDeleted,
    SessionStatusChanged,
    SessionStatusReported,
    SessionUpdated,
    SubscriptionCheck,
    SubscriptionChecked,
    SubscriptionUpdated,
)

AT = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
USER = "user-1"


def _sample_events() -> list[Event]:
    session = {
        "producer": Service.SESSION,
        "user_id": USER,
        "session_id": "s-1",
        "name": "Sales",
        "is_default": True,
        "daily_limit": 500,
        "status": "created",
        "group_ids": ("g-1",),
        "provider": "sandbox",
        "provider_session": "u1-s1",
    }
    return [
        SubscriptionCheck(
            producer=Service.SESSION, user_id=USER, request_id="r-1", session_id="s-1"
        ),
        SubscriptionChecked(
            producer=Service.BILLING,
            user_id=USER,
            request_id="r-1",
            allowed=False,
            reason="session_limit_reached",
            plan_id="basic",
            plan_name="Basic",
            max_sessions=3,
            sessions_used=3,
            ends_at=AT,
        ),
        SubscriptionUpdated(
            producer=Service.BILLING,
            user_id=USER,
            plan_id="enterprise",
            plan_name="Enterprise",
            status="active",
            starts_at=AT,
            ends_at=AT,
            max_sessions=10,
            daily_limit_per_session=None,
            rate_limit_per_minute=600,
        ),
        ApiKeyRotated(
            producer=Service.BILLING,
            user_id=USER,
            key_hash="ab" * 32,
            prefix="wg_12ab",
            rotated_at=AT,
        ),
        SessionCreated.model_validate(session),
        SessionUpdated.model_validate(
            {**session, "status": "connected", "phone_number": "+62 812-3456-7890"}
        ),
        SessionDeleted(
            producer=Service.SESSION, user_id=USER, session_id="s-1", provider_session="u1-s1"
        ),
        SessionStatusChanged(
            producer=Service.SESSION,
            user_id=USER,
            session_id="s-1",
            status="disconnected",
            previous_status="connected",
            reason="provider reported STOPPED",
        ),
        SessionStatusReported(
            producer=Service.WEBHOOK,
            user_id=USER,
            provider="waha",
            provider_session="u1-s1",
            status="scan_qr",
            raw_status="SCAN_QR_CODE",
            reported_at=AT,
        ),
        MessageRequested(
            producer=Service.SENDER,
            user_id=USER,
            message_id="m-1",
            to="+62 812-3456-7890",
            content=MessageContent(type="text", text="hello"),
            group_id="g-1",
            strategy="sticky",
            campaign_id="c-1",
        ),
        MessageSent(
            producer=Service.SENDER,
            user_id=USER,
            message_id="m-1",
            session_id="s-1",
            provider="sandbox",
            provider_message_id="true_6281234567890@c.us_3EB0ABC",
            to="6281234567890",
            sent_at=AT,
        ),
        MessageFailed(
            producer=Service.SENDER,
            user_id=USER,
            message_id="m-2",
            error_code="provider_rate_limited",
            error_message="429 from provider",
            retryable=True,
            to="120363012345678901@g.us",
        ),
        MessageStatus(
            producer=Service.WEBHOOK,
            user_id=USER,
            message_id="m-1",
            provider="meta",
            provider_message_id="wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABEYEjQ=",
            status="read",
            to="6281234567890",
            at=AT,
        ),
        MessageReceived(
            producer=Service.WEBHOOK,
            user_id=USER,
            provider="whapi",
            session_id="s-1",
            provider_session="u1-s1",
            provider_message_id="in-1",
            from_="6281234567890@s.whatsapp.net",
            type="text",
            text="hi there",
            received_at=AT,
        ),
    ]


@pytest.fixture(scope="session")
def sample_events() -> dict[str, Event]:
    """One valid event per event type, by event type."""
    return {event.event_type: event for event in _sample_events()}
