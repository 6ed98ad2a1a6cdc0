"""Unit: which facts an event establishes, and exactly-once resolution of a batch."""

from datetime import UTC
from zoneinfo import ZoneInfo

from stats_svc.domain.aggregation import Scope, aggregate
from stats_svc.domain.counters import success_rate
from stats_svc.domain.dedupe import keys_to_check, resolve
from stats_svc.domain.projection import project_event


def _counted(events, stored=frozenset()):
    projections = [project_event(e, UTC) for e in events]
    return resolve(projections, set(stored))


def test_read_implies_delivered_and_a_later_delivered_is_not_counted_again(events):
    read = events.status("u", "m1", "s", "read")
    delivered = events.status("u", "m1", "s", "delivered")
    result = _counted([read, delivered])
    assert sorted(f.counter for f in result.counted) == ["delivered", "read"]
    assert result.events == 2


def test_same_event_id_twice_counts_once(events):
    sent = events.sent("u", "m1", "s")
    result = _counted([sent, sent])
    assert [f.counter for f in result.counted] == ["sent"]
    assert result.events == 1


def test_events_already_stored_are_skipped_entirely(events):
    sent = events.sent("u", "m1", "s")
    stored = keys_to_check([project_event(sent, UTC)])
    assert _counted([sent], stored).empty


def test_inbound_redelivered_by_provider_counts_as_deduplicated(events):
    first, again = events.received("u", "p1", "s"), events.received("u", "p1", "s")
    flagged = events.received("u", "p2", "s", deduplicated=True)
    counters = [f.counter for f in _counted([first, again, flagged]).counted]
    assert counters == ["received", "deduplicated", "deduplicated"]
    # and the redelivered copy itself, seen again, adds nothing
    stored = set(_counted([first, again]).markers)
    assert _counted([again], stored).counted == []


def test_session_events_only_change_session_metadata(events):
    result = _counted([events.session_created("u", "s", "main")])
    assert result.counted == []
    assert result.session_changes[0].name == "main"
    assert result.session_changes[0].created


def test_facts_are_summed_per_user_session_and_day(events):
    batch = [
        events.sent("u", "m1", "s1"),
        events.sent("u", "m2", "s2"),
        events.failed("u", "m3", None),
    ]
    deltas = aggregate(_counted(batch).counted)
    day = events.noon.date()
    assert deltas[Scope("u")].counts == {"sent": 2, "failed": 1}
    assert deltas[Scope("u", day=day)].counts == {"sent": 2, "failed": 1}
    assert deltas[Scope("u", "s1")].counts == {"sent": 1}
    assert deltas[Scope("u", "s1", day)].counts == {"sent": 1}
    assert len(deltas) == 6
    assert deltas[Scope("u")].last_sent_at == events.noon


def test_days_follow_the_configured_timezone(events):
    late = events.sent("u", "m1", "s", at=events.later(13 * 60))  # 01:00 UTC next day
    jakarta = project_event(late, ZoneInfo("Asia/Jakarta")).facts[0].day
    utc = project_event(late, UTC).facts[0].day
    assert (utc.isoformat(), jakarta.isoformat()) == ("2025-03-11", "2025-03-11")
    evening = events.sent("u", "m2", "s", at=events.later(9 * 60))  # 21:00 UTC
    assert project_event(evening, ZoneInfo("Asia/Jakarta")).facts[0].day.isoformat() == "2025-03-11"
    assert project_event(evening, UTC).facts[0].day.isoformat() == "2025-03-10"


def test_success_rate_has_no_division_by_zero():
    assert success_rate(0, 0) == 0.0
    assert success_rate(2, 1) == 66.67
    assert success_rate(30, 0) == 100.0
