"""Integration: ``sent_today`` and the near-limit health from ``message.sent`` events,
published on the real broker and counted exactly once per event id."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from prometheus_client import REGISTRY
from session_svc.service.send_counter import MESSAGE_COUNTS_QUEUE
from wagate_contracts import MessageSent
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]
SANDBOX = "/control/sessions"


def _sent(user: str, sid: str, at: datetime | None = None) -> MessageSent:
    return MessageSent(
        producer="sender-svc",
        user_id=user,
        message_id=f"msg_{uuid4().hex[:12]}",
        session_id=sid,
        provider="sandbox",
        provider_message_id=f"true_{uuid4().hex[:12]}",
        to="6281234567890",
        sent_at=at or datetime.now(UTC),
    )


def _handled(outcome: str = "ok") -> float:
    value = REGISTRY.get_sample_value(
        "wagate_events_consumed_total", {"queue": MESSAGE_COUNTS_QUEUE, "outcome": outcome}
    )
    return value or 0.0


async def _publish_all(stack, events: list[MessageSent]) -> None:
    """Publish ``events`` (duplicates included) and wait until every delivery was handled
    (acknowledged at the first try: none rejected for a retry or dead-lettered)."""
    before, failed = _handled(), _handled("retry") + _handled("poison")
    for event in events:
        await stack.runtime.publisher.publish(event)

    async def done() -> bool:
        return _handled() - before >= len(events)

    await eventually(done, what=f"{len(events)} message.sent deliveries to be handled")
    assert _handled("retry") + _handled("poison") == failed


async def _session(stack, user: str, sid: str) -> dict:
    answer = await stack.api.get(f"/v1/sessions/{sid}", headers=stack.auth(user))
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _connected(stack, user: str, **body) -> str:
    sid = (await stack.create(user, **body)).json()["id"]
    await stack.api.post(f"/v1/sessions/{sid}/connect", headers=stack.auth(user))

    async def status_is(status: str) -> bool:
        return (await _session(stack, user, sid))["status"] == status

    await eventually(lambda: status_is("scan_qr"), timeout_s=20, what="scan_qr")
    await stack.sandbox.post(f"{SANDBOX}/{sid}/scan", json={"phone": "6281234567890"})
    await eventually(lambda: status_is("connected"), timeout_s=20, what="connected")
    return sid


async def test_sent_today_is_exact_under_redelivery_and_turns_health_yellow(stack_factory):
    async with stack_factory(daily_limit_warning_ratio=0.9) as stack:
        await stack.subscribe("sam", "basic")  # 500 per session per day
        sid = await _connected(stack, "sam", daily_limit=10)  # effective limit 10, yellow at 9
        fresh = await _session(stack, "sam", sid)
        assert (fresh["sent_today"], fresh["health"]) == (0, "green")

        at = datetime.now(UTC)  # after connecting (which set last_active_at), in ms as stored
        latest = at.replace(microsecond=at.microsecond // 1000 * 1000)
        events = [_sent("sam", sid, latest - timedelta(seconds=i)) for i in range(8)]
        await _publish_all(stack, [events[0], *events, events[3], events[7]])  # 3 redelivered
        shown = await _session(stack, "sam", sid)
        assert (shown["sent_today"], shown["health"]) == (8, "green")
        assert datetime.fromisoformat(shown["last_active_at"]) == latest

        # older than the eight (last_active_at stays), but still today: five minutes earlier
        # fell on yesterday when the suite ran just after midnight UTC
        ninth = _sent("sam", sid, latest - timedelta(seconds=30))
        await _publish_all(stack, [ninth, ninth])
        near = await _session(stack, "sam", sid)
        assert (near["sent_today"], near["health"]) == (9, "yellow")
        assert near["last_active_at"] == shown["last_active_at"]
        listed = (await stack.api.get("/v1/sessions", headers=stack.auth("sam"))).json()
        assert [(s["sent_today"], s["health"]) for s in listed["sessions"]] == [(9, "yellow")]

        # back to the plan's 500: the same count is far from the limit
        relaxed = await stack.api.patch(
            f"/v1/sessions/{sid}", json={"daily_limit": None}, headers=stack.auth("sam")
        )
        assert relaxed.json()["daily_limit"] == 500
        assert (relaxed.json()["sent_today"], relaxed.json()["health"]) == (9, "green")


async def test_sent_for_another_users_or_an_unknown_session_is_ignored(stack):
    await stack.subscribe("tia", "basic")
    await stack.subscribe("uma", "basic")
    tias = (await stack.create("tia")).json()["id"]
    umas = (await stack.create("uma")).json()["id"]

    await _publish_all(
        stack,
        [
            _sent("uma", tias, datetime(2030, 1, 1, tzinfo=UTC)),  # uma claims tia's session
            _sent("tia", "ses_doesnotexist", datetime(2030, 1, 1, tzinfo=UTC)),
            _sent("uma", umas),
        ],
    )
    tia = await _session(stack, "tia", tias)
    assert (tia["sent_today"], tia["last_active_at"]) == (0, None)
    assert (await _session(stack, "uma", umas))["sent_today"] == 1


async def test_sent_today_is_keyed_by_the_calendar_day_of_the_configured_timezone(
    stack_factory,
):
    now = datetime.now(UTC)
    # a zone whose date differs from UTC's right now, so a UTC day key would count otherwise
    zone = (
        "Etc/GMT-14"
        if now.astimezone(ZoneInfo("Etc/GMT-14")).date() != now.date()
        else ("Etc/GMT+12")
    )
    local_midnight = now.astimezone(ZoneInfo(zone)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    before, after = local_midnight - timedelta(seconds=1), local_midnight + timedelta(seconds=1)
    utc_would_count = sum(at.astimezone(UTC).date() == now.date() for at in (before, after))
    assert utc_would_count != 1

    async with stack_factory(daily_timezone=zone) as stack:
        await stack.subscribe("val", "basic")
        sid = (await stack.create("val")).json()["id"]
        await _publish_all(
            stack,
            [
                _sent("val", sid, now - timedelta(days=2)),  # an earlier day shows as 0 today
                _sent("val", sid, before),
                _sent("val", sid, after),
            ],
        )
        assert (await _session(stack, "val", sid))["sent_today"] == 1


async def test_an_unknown_timezone_is_refused(make_settings):
    from session_svc.settings import SessionSettings

    with pytest.raises(ValueError, match="unknown timezone"):
        make_settings(SessionSettings, daily_timezone="Mars/Olympus_Mons")


async def test_concurrent_deliveries_are_counted_in_batches_exactly_once(stack):
    await stack.subscribe("bo", "basic")
    sids = [await _connected(stack, "bo", name=f"s{i}") for i in range(2)]
    events = [_sent("bo", sids[i % 2]) for i in range(60)]
    commands = stack.runtime.mongo_commands
    before = commands.by_origin.get(f"amqp:{MESSAGE_COUNTS_QUEUE}", 0)
    await _publish_all(stack, [*events, *events[:15]])  # 15 redelivered
    trips = commands.by_origin.get(f"amqp:{MESSAGE_COUNTS_QUEUE}", 0) - before
    shown = [(await _session(stack, "bo", sid))["sent_today"] for sid in sids]
    assert shown == [30, 30]
    # one transaction per batch instead of one per delivery (4+ round trips each: 300+ for
    # these 75). How many batches form depends on how deliveries arrive (an idle machine
    # gives ~10, a busy one up to ~13 at ~6 trips each), so the bound is half the
    # per-delivery cost rather than a tight figure that a busy CI machine crosses.
    assert trips < 150, commands.by_origin
