"""SendCounter on fakes: each message.sent counted once, per session and calendar day."""

from datetime import timedelta
from uuid import uuid4

import pytest
from session_svc.service.send_counter import SendCounter
from session_svc_fakes import NOW, World
from wagate_contracts import MessageSent

pytestmark = pytest.mark.asyncio


def _counter(w: World, timezone: str = "UTC") -> SendCounter:
    return SendCounter(w.mongo, w.sessions, w.counts, w.inbox, timezone)  # type: ignore[arg-type]


def _sent(user: str, sid: str, at=NOW) -> MessageSent:
    return MessageSent(
        producer="sender-svc",
        user_id=user,
        message_id=f"msg_{uuid4().hex[:12]}",
        session_id=sid,
        provider="sandbox",
        provider_message_id="p1",
        to="6281234567890",
        sent_at=at,
    )


async def test_an_event_counts_once_and_moves_last_active(world: World):
    world.store("ann", "ses_a")
    counter, event = _counter(world), _sent("ann", "ses_a")
    assert await counter.count(event) is True
    assert await counter.count(event) is False
    assert world.counts.sent == {("ses_a", "2026-01-05"): 1}
    assert world.sessions.docs["ses_a"]["last_active_at"] == NOW


async def test_the_day_is_the_configured_timezones(world: World):
    world.store("ann", "ses_a")
    late = NOW.replace(hour=20)
    await _counter(world, "Asia/Jakarta").count(_sent("ann", "ses_a", late))
    assert world.counts.sent == {("ses_a", "2026-01-06"): 1}


async def test_another_users_or_an_unknown_session_is_ignored(world: World):
    world.store("bob", "ses_b")
    counter = _counter(world)
    assert await counter.count(_sent("ann", "ses_b")) is False
    assert await counter.count(_sent("ann", "ses_none")) is False
    assert world.counts.sent == {}
    assert world.inbox.seen == set()
    assert world.mongo.transactions[-1].aborted


async def test_last_active_never_moves_back(world: World):
    world.store("ann", "ses_a", last_active_at=NOW)
    await _counter(world).count(_sent("ann", "ses_a", NOW - timedelta(hours=1)))
    assert world.sessions.docs["ses_a"]["last_active_at"] == NOW
