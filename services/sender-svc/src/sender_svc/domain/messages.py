"""The message document: its field names, written once, and how a new one starts.

A message is one MongoDB document from acceptance to its last receipt, and it is its own
outbox record: ``requested_pending`` while its ``message.requested`` is unconfirmed;
``held`` for a campaign's message the streamer has not released yet (or a paused one);
``lease_until`` / ``lease_owner`` while a dispatcher holds it.
"""

from datetime import datetime
from typing import Any, Final
from uuid import uuid4

from sender_svc.domain.ids import message_id

Document = dict[str, Any]


class MessageField:
    """The names of a message document's fields that several modules read or write."""

    REQUESTED_PENDING: Final = "requested_pending"
    HELD: Final = "held"
    LEASE_UNTIL: Final = "lease_until"
    LEASE_OWNER: Final = "lease_owner"


F = MessageField


def new_message_doc(
    user_id: str,
    to: str,
    content: dict[str, Any],
    *,
    at: datetime,
    session_ids: list[str],
    group_id: str | None,
    strategy: str,
    campaign_id: str | None = None,
    seq: int | None = None,
    idem_key: str | None = None,
    correlation_id: str | None = None,
) -> Document:
    """A ``queued`` message: a campaign's is ``held`` (the streamer releases it), any other
    is ``requested_pending`` (its ``message.requested`` is owed)."""
    doc: Document = {
        "_id": message_id(),
        "user_id": user_id,
        "to": to,
        "type": content["type"],
        "content": content,
        "session_ids": session_ids,
        "group_id": group_id,
        "strategy": strategy,
        "campaign_id": campaign_id,
        "status": "queued",
        "history": [{"status": "queued", "at": at}],
        "created_at": at,
        "requested_at": at,
        "requested_event_id": str(uuid4()),
        "next_attempt_at": at,  # when a dispatch is due (see adapters/lost_messages.py)
        "correlation_id": correlation_id,
        F.LEASE_UNTIL: None,
        "tried": [],
        "attempts": 0,
    }
    if campaign_id is not None:
        doc["seq"] = seq
        doc[F.HELD] = True
    else:
        doc[F.REQUESTED_PENDING] = True
    if idem_key is not None:
        doc["idem_key"] = idem_key
    return doc
