"""Unit: how a message document starts (pure, no infrastructure)."""

from sender_svc.domain.messages import F, new_message_doc
from wagate_contracts.envelope import utc_now

TEXT = {"type": "text", "text": "hi"}


def _doc(**kwargs):
    return new_message_doc(
        "usr_1",
        "6281234500001",
        TEXT,
        at=utc_now(),
        session_ids=[],
        group_id=None,
        strategy="least_recently_used",
        **kwargs,
    )


def test_a_single_message_owes_its_requested_event_and_is_not_held():
    doc = _doc(idem_key="k1", correlation_id="c1")
    assert doc[F.REQUESTED_PENDING] is True
    assert F.HELD not in doc
    assert doc[F.LEASE_UNTIL] is None
    assert (doc["status"], doc["idem_key"], doc["correlation_id"]) == ("queued", "k1", "c1")
    assert doc["next_attempt_at"] == doc["created_at"]


def test_a_campaign_message_is_held_until_the_streamer_releases_it():
    doc = _doc(campaign_id="cmp_1", seq=7)
    assert doc[F.HELD] is True
    assert F.REQUESTED_PENDING not in doc
    assert (doc["campaign_id"], doc["seq"]) == ("cmp_1", 7)
    assert "idem_key" not in doc


def test_every_message_gets_its_own_ids():
    first, second = _doc(), _doc()
    assert first["_id"] != second["_id"]
    assert first["requested_event_id"] != second["requested_event_id"]
