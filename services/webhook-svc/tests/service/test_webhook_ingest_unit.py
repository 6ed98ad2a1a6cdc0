"""Unit: the ingest use case against fake marks and a fake publisher (no MongoDB, no broker)."""

from datetime import UTC, datetime

import pytest
from pymongo.errors import ServerSelectionTimeoutError
from webhook_svc.adapters.marks import StorageError
from webhook_svc.domain.errors import BrokerUnavailable, InvalidPayload, StorageUnavailable
from webhook_svc.domain.inbound import StatusUpdate, Unsupported
from webhook_svc.service.directory import Directory
from webhook_svc.service.ingest import Ingestor

pytestmark = pytest.mark.asyncio
AT = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


class FakeMarks:
    def __init__(self, fail: Exception | None = None) -> None:
        self.fail = fail
        self.seen: set[str] = set()
        self.released: list[str] = []

    async def claim(self, claims, now):
        if self.fail is not None:
            raise self.fail
        won = [claim.key not in self.seen for claim in claims]
        self.seen.update(claim.key for claim in claims)
        return won

    async def release(self, claims, won, now):
        keys = [claim.key for claim, ok in zip(claims, won, strict=True) if ok]
        self.released.extend(keys)
        self.seen.difference_update(keys)


class FakePublisher:
    producer = "webhook-svc"

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.published: list = []

    async def publish(self, event, *, timeout):
        if self.fail:
            raise TimeoutError("no confirmation")
        self.published.append(event)


def _status(message_id: str = "pm-1", status: str = "delivered") -> StatusUpdate:
    return StatusUpdate(None, message_id, status, AT, user_id="u1")


def _ingestor(marks: FakeMarks, publisher: FakePublisher) -> Ingestor:
    return Ingestor(Directory(300, 1000), marks, publisher, 1, lambda: AT)


async def test_a_new_status_is_published_and_its_repeat_is_a_duplicate():
    marks, publisher = FakeMarks(), FakePublisher()
    first = await _ingestor(marks, publisher).ingest("sandbox", [_status()])
    again = await _ingestor(marks, publisher).ingest("sandbox", [_status()])
    assert first.as_dict() == {"accepted": 1, "duplicates": 0, "ignored": 0, "deduplicated": False}
    assert again.as_dict() == {"accepted": 0, "duplicates": 1, "ignored": 0, "deduplicated": True}
    assert [e.event_type for e in publisher.published] == ["message.status"]


async def test_an_unsupported_item_is_ignored_without_a_claim():
    marks = FakeMarks()
    result = await _ingestor(marks, FakePublisher()).ingest("sandbox", [Unsupported("presence")])
    assert result.ignored == 1
    assert marks.seen == set()


async def test_an_unconfirmed_publish_releases_the_marks_and_is_broker_unavailable():
    marks = FakeMarks()
    with pytest.raises(BrokerUnavailable) as raised:
        await _ingestor(marks, FakePublisher(fail=True)).ingest("sandbox", [_status()])
    assert raised.value.retry_after_s == 5
    assert marks.released
    assert marks.seen == set()  # the provider's retry is processed


@pytest.mark.parametrize(
    "failure", [StorageError("write concern failed"), ServerSelectionTimeoutError("down")]
)
async def test_marks_that_cannot_be_claimed_are_storage_unavailable(failure):
    publisher = FakePublisher()
    with pytest.raises(StorageUnavailable):
        await _ingestor(FakeMarks(fail=failure), publisher).ingest("sandbox", [_status()])
    assert publisher.published == []


async def test_a_value_the_contract_refuses_is_an_invalid_payload_before_any_claim():
    marks = FakeMarks()
    bad = StatusUpdate(None, "pm-1", "delivered", AT, user_id="u1", error_code="x" * 300)
    with pytest.raises(InvalidPayload) as raised:
        await _ingestor(marks, FakePublisher()).ingest("sandbox", [_status("pm-0"), bad])
    assert raised.value.error == "invalid_payload"
    assert marks.seen == set()
