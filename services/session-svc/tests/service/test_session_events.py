"""The session events built from a stored session document."""

from session_svc.domain.session_document import SessionDocument
from session_svc.service.session_events import (
    session_created,
    session_deleted,
    session_updated,
    status_changed,
)
from session_svc_fakes import session_doc


def test_snapshots_carry_the_document():
    doc = SessionDocument.from_mongo(
        session_doc("ann", "ses_a", is_default=True, group_ids=["grp_1"], daily_limit=9)
    )
    for event in (session_created(doc), session_updated(doc)):
        assert (event.user_id, event.session_id, event.name) == ("ann", "ses_a", "ses_a")
        assert (event.is_default, event.group_ids, event.daily_limit) == (True, ("grp_1",), 9)
        assert (event.provider, event.provider_session) == ("sandbox", "ses_a")


def test_deleted_and_status_changed():
    doc = SessionDocument.from_mongo(
        session_doc("ann", "ses_a", status="connected", phone_number="6281234567890")
    )
    assert session_deleted(doc).provider_session == "ses_a"
    changed = status_changed(doc, "scan_qr", reason="provider: WORKING")
    assert (changed.status, changed.previous_status, changed.reason) == (
        "connected",
        "scan_qr",
        "provider: WORKING",
    )
    assert changed.phone_number == "6281234567890"
