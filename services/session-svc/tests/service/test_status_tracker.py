"""StatusTracker on fakes: provider reports move the status; drops start reconnecting."""

from datetime import timedelta

import pytest
from session_svc.domain.reconnect import Backoff
from session_svc.service.reconnect_timer import ReconnectDue, ReconnectTimers
from session_svc.service.status_tracker import StatusTracker
from session_svc_fakes import NOW, World
from wagate_contracts import SessionStatusReported

pytestmark = pytest.mark.asyncio


def _tracker(w: World, max_attempts: int = 2) -> StatusTracker:
    timers = ReconnectTimers(w.publisher, w.topology, Backoff(100, 1000, max_attempts))  # type: ignore[arg-type]
    return StatusTracker(
        w.sessions,
        w.audit,
        w.inbox,
        w.uow,
        w.provider,
        timers,
        60.0,
        w.clock,  # type: ignore[arg-type]
    )


def _report(status: str, raw: str = "X", at=NOW, phone: str | None = None) -> SessionStatusReported:
    return SessionStatusReported(
        producer="webhook-svc",
        user_id="ann",
        provider="sandbox",
        provider_session="ses_a",
        session_id="ses_a",
        status=status,  # type: ignore[arg-type]
        raw_status=raw,
        reported_at=at,
        phone_number=phone,
    )


async def test_connected_is_applied_once_with_the_phone(world: World):
    world.store("ann", "ses_a", status="scan_qr")
    report = _report("connected", "WORKING", phone="6281234567890")
    await _tracker(world).apply(report)
    await _tracker(world).apply(report)  # redelivered: the inbox knows it
    doc = world.sessions.docs["ses_a"]
    assert (doc["status"], doc["phone_number"], doc["connected_at"]) == (
        "connected",
        "6281234567890",
        NOW,
    )
    assert world.uow.types() == ["SessionStatusChanged"]
    assert world.uow.published[0].reason == "provider: WORKING"


async def test_an_older_report_and_another_users_are_ignored(world: World):
    world.store("ann", "ses_a", status="connected", reported_at=NOW)
    await _tracker(world).apply(_report("failed", at=NOW - timedelta(seconds=1)))
    world.store("bob", "ses_a", status="connected")
    await _tracker(world).apply(_report("failed"))
    assert world.uow.published == []


async def test_an_unexpected_drop_starts_reconnecting_with_a_timer(world: World):
    world.store("ann", "ses_a", status="connected")
    report = _report("disconnected")
    await _tracker(world).apply(report)
    doc = world.sessions.docs["ses_a"]
    assert doc["status"] == "reconnecting"
    assert doc["reconnect"] == {"epoch": str(report.event_id), "attempt": 0}
    assert [(key, body["attempt"]) for key, body, _ in world.publisher.raw] == [
        ("session-svc.reconnects.delay.100ms", 1)
    ]


async def test_a_users_own_disconnect_is_not_repaired(world: World):
    world.store("ann", "ses_a", status="disconnected", user_disconnected=True)
    await _tracker(world).apply(_report("disconnected"))
    assert world.publisher.raw == []
    assert world.uow.published == []


async def test_a_timer_attempts_then_gives_up(world: World):
    world.store("ann", "ses_a", status="reconnecting", reconnect={"epoch": "e1", "attempt": 0})
    tracker = _tracker(world, max_attempts=1)
    await tracker.on_timer(ReconnectDue(session_id="ses_a", user_id="ann", epoch="e1", attempt=1))
    assert world.provider.calls == [("start", "ses_a")]
    assert world.sessions.docs["ses_a"]["reconnect"]["attempt"] == 1
    await tracker.on_timer(ReconnectDue(session_id="ses_a", user_id="ann", epoch="e1", attempt=2))
    assert world.sessions.docs["ses_a"]["status"] == "failed"
    assert world.audit.actions() == [("reconnect", "attempted"), ("reconnect", "failed")]
    assert world.uow.published[-1].reason == "reconnect gave up after 1 attempts"


async def test_a_stale_or_duplicate_timer_does_nothing(world: World):
    world.store("ann", "ses_a", status="reconnecting", reconnect={"epoch": "e1", "attempt": 1})
    tracker = _tracker(world)
    await tracker.on_timer(ReconnectDue(session_id="ses_a", user_id="ann", epoch="old", attempt=2))
    await tracker.on_timer(ReconnectDue(session_id="ses_a", user_id="ann", epoch="e1", attempt=1))
    assert world.provider.calls == []
    assert world.audit.entries == []
