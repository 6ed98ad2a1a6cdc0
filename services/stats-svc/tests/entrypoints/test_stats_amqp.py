"""Integration: events published on the real broker become exact counters in MongoDB."""

import pytest
from stats_svc.app import create_app
from wagate_testing.apps import app_client, runtime_of
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_message_and_session_events_are_projected_exactly_in_any_order(
    stats_settings, janitor, events, token, publisher_for
):
    user, s1, s2 = events.unique("u"), "ses_a", "ses_b"
    later = events.later
    stream = [
        # a receipt before its message.sent, and a read without a delivered first
        events.status(user, "m1", s1, "delivered"),
        events.status(user, "m2", s1, "read"),
        events.requested(user, "m1"),
        events.requested(user, "m2"),
        events.requested(user, "m3", session=s2),
        events.sent(user, "m1", s1, at=later(1)),
        events.sent(user, "m2", s1, at=later(2)),
        events.failed(user, "m3", s2, at=later(3)),
        # the provider delivers the same receipt twice under two event ids
        events.status(user, "m1", s1, "delivered"),
        events.status(user, "m2", s1, "delivered"),
        events.received(user, "in-1", s2),
        events.received(user, "in-1", s2),  # provider redelivery, not flagged
        events.received(user, "in-2", s2),
        events.received(user, "in-2", s2, deduplicated=True),  # flagged by webhook-svc
        events.session_status(user, s1, "connected", "scan_qr", later(5)),
        events.session_created(user, s1, "main", events.noon),
        events.session_status(user, s1, "scan_qr", "created", later(4)),
        events.session_created(user, s2, "backup", events.noon),
        events.session_deleted(user, s2, later(9)),
    ]
    app = create_app(stats_settings())
    async with app_client(app, janitor) as client:
        publisher = await publisher_for(runtime_of(app).settings)
        # the first five are republished (same event ids) before the rest of the stream
        await publisher.publish([*stream[:10], *stream[:5], *stream[10:]], concurrency=1)

        async def settled() -> dict | None:
            body = (await client.get(f"/v1/stats/users/{user}", headers=token(user))).json()
            statuses = [s["status"] for s in body["sessions"]]
            return body if "deleted" in statuses else None  # the last event published

        stats = await eventually(settled, what="projection")
        session = await client.get(f"/v1/stats/users/{user}/sessions/{s1}", headers=token(user))
        daily = await client.get(
            f"/v1/stats/users/{user}/daily?from=2025-03-01&to=2025-03-31", headers=token(user)
        )
        metrics = (await client.get("/metrics")).text

    counts = {k: stats[k] for k in ("requested", "sent", "failed", "delivered", "read")}
    assert counts == {"requested": 3, "sent": 2, "failed": 1, "delivered": 2, "read": 1}
    assert (stats["received"], stats["deduplicated"]) == (2, 2)
    assert stats["success_rate"] == pytest.approx(66.67)
    assert stats["last_sent_at"].startswith("2025-03-10T12:02")
    assert stats["last_failed_at"].startswith("2025-03-10T12:03")
    by_session = {s["session_id"]: s for s in stats["sessions"]}
    assert by_session[s1]["name"] == "main"
    assert by_session[s1]["status"] == "connected"  # the latest status wins, not the last seen
    assert (by_session[s1]["sent"], by_session[s1]["delivered"]) == (2, 2)
    assert by_session[s2]["status"] == "deleted"
    assert (by_session[s2]["failed"], by_session[s2]["received"]) == (1, 2)
    assert session.status_code == 200
    assert session.json()["sent"] == 2
    assert session.json()["success_rate"] == 100.0
    days = daily.json()["days"]
    assert [d["date"] for d in days] == ["2025-03-10"]
    assert (days[0]["sent"], days[0]["failed"], days[0]["received"]) == (2, 1, 2)
    # Prometheus totals by outcome and provider, never per user
    assert 'wagate_stats_messages_total{outcome="sent",provider="sandbox"}' in metrics
    assert 'wagate_stats_messages_total{outcome="requested",provider="none"}' in metrics
    assert user not in metrics
