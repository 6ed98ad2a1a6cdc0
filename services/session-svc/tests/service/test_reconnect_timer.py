"""ReconnectTimers on fakes: a timer is parked in the delay queue of its attempt."""

import pytest
from session_svc.domain.reconnect import Backoff
from session_svc.service.reconnect_timer import (
    RECONNECT_QUEUE,
    ReconnectDue,
    ReconnectTimers,
    parse_due,
    reconnect_binding,
)
from session_svc_fakes import World

BACKOFF = Backoff(1000, 4000, 3)


@pytest.mark.asyncio
async def test_a_timer_waits_the_backoff_of_its_attempt(world: World):
    timers = ReconnectTimers(world.publisher, world.topology, BACKOFF)  # type: ignore[arg-type]
    due = ReconnectDue(session_id="ses_a", user_id="ann", epoch="e1", attempt=3)
    await timers.schedule(due)
    assert world.publisher.raw == [(f"{RECONNECT_QUEUE}.delay.4000ms", due.model_dump(), "e1:3")]


def test_the_binding_declares_every_delay_and_the_body_parses():
    binding = reconnect_binding(BACKOFF)
    assert binding.queue == "session-svc.reconnects"
    assert list(binding.delays_ms) == [1000, 2000, 4000]
    body = {"session_id": "s", "user_id": "u", "epoch": "e", "attempt": 1, "extra": 0}
    assert parse_due(body).attempt == 1
