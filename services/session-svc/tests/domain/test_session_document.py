"""The typed session document: MongoDB's shape in and out, and named partial updates."""

from datetime import UTC, datetime

import pytest
from session_svc.domain.session_document import ReconnectStreak, SessionDocument, changes

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def _doc() -> SessionDocument:
    return SessionDocument(
        id="ses_a",
        user_id="ann",
        name="main",
        status="created",
        provider="sandbox",
        provider_session="ses_a",
        created_at=NOW,
        updated_at=NOW,
    )


def test_a_new_session_is_stored_as_it_always_was():
    assert _doc().to_mongo() == {
        "_id": "ses_a",
        "user_id": "ann",
        "name": "main",
        "status": "created",
        "is_default": False,
        "phone_number": None,
        "daily_limit": None,
        "group_ids": [],
        "provider": "sandbox",
        "provider_session": "ses_a",
        "user_disconnected": False,
        "reconnect": {"epoch": None, "attempt": 0},
        "created_at": NOW,
        "updated_at": NOW,
        "last_active_at": None,
    }


def test_round_trip_and_missing_fields_take_their_defaults():
    doc = _doc().but(group_ids=("grp_1",), reconnect=ReconnectStreak("e1", 2))
    assert SessionDocument.from_mongo(doc.to_mongo()) == doc
    sparse = {k: v for k, v in _doc().to_mongo().items() if k not in ("reconnect", "is_default")}
    assert SessionDocument.from_mongo({**sparse, "other": 1}) == _doc()


def test_changes_only_name_fields_a_session_has():
    assert changes(status="connected", reconnect=ReconnectStreak()) == {
        "status": "connected",
        "reconnect": {"epoch": None, "attempt": 0},
    }
    with pytest.raises(KeyError):
        changes(statsu="connected")
