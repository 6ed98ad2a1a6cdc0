"""Unit: the projection handlers keep this replica's directory in step (fake store)."""

from datetime import UTC, datetime

import pytest
from wagate_contracts import MessageSent, SessionDeleted
from webhook_svc.adapters.projection_store import sent_key
from webhook_svc.service.directory import Directory
from webhook_svc.service.projections import Projector

pytestmark = pytest.mark.asyncio
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


class FakeStore:
    async def save_sent(self, event):
        return {
            "_id": sent_key(event.provider, event.provider_message_id),
            "user_id": event.user_id,
            "message_id": event.message_id,
            "session_id": event.session_id,
        }

    async def delete_session(self, event):
        return {"_id": event.session_id, "user_id": event.user_id, "deleted": True}


def _projector(directory: Directory) -> Projector:
    return Projector(FakeStore(), contacts=None, directory=directory, mongo=None, inbox=None)


async def test_a_sent_message_is_known_to_the_directory_at_once():
    directory = Directory(300, 1000)
    sent = MessageSent(
        producer="sender-svc",
        user_id="u1",
        message_id="m1",
        session_id="s1",
        provider="sandbox",
        provider_message_id="pm-1",
        to="6281234567890",
        sent_at=NOW,
    )
    await _projector(directory).on_message_sent(sent, None)
    ref = directory.message("sandbox", "pm-1")
    assert (ref.user_id, ref.message_id, ref.session_id) == ("u1", "m1", "s1")


async def test_a_deleted_session_leaves_the_directory():
    directory = Directory(300, 1000)
    directory.apply_session({"_id": "s1", "user_id": "u1", "provider_session": "ps-1"})
    deleted = SessionDeleted(producer="session-svc", user_id="u1", session_id="s1")
    await _projector(directory).on_session_deleted(deleted, None)
    assert directory.session("ps-1") is None
