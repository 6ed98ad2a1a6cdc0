"""Unit: each provider's documented sample parses into the expected normalised items."""

import pytest
from webhook_svc.adapters.meta import parse_meta
from webhook_svc.adapters.waha import parse_waha
from webhook_svc.adapters.whapi import parse_whapi
from webhook_svc.domain.inbound import (
    InboundMessage,
    InvalidPayload,
    SessionReport,
    StatusUpdate,
    Unsupported,
)


def test_waha_samples(fixture_json) -> None:
    [ack] = parse_waha(fixture_json("waha_message_ack.json"))
    assert isinstance(ack, StatusUpdate)
    assert (ack.provider_session, ack.status) == ("default", "read")
    [report] = parse_waha(fixture_json("waha_session_status.json"))
    assert isinstance(report, SessionReport)
    assert (report.status, report.raw_status) == ("connected", "WORKING")


@pytest.mark.parametrize(
    ("ack", "status"), [(-1, "failed"), (1, "sent"), (2, "delivered"), (4, "played")]
)
def test_waha_ack_values(fixture_json, ack: int, status: str) -> None:
    body = fixture_json("waha_message_ack.json")
    body["payload"]["ack"] = ack
    [item] = parse_waha(body)
    assert isinstance(item, StatusUpdate)
    assert item.status == status


def test_waha_pending_ack_and_unknown_events_are_unsupported(fixture_json) -> None:
    body = fixture_json("waha_message_ack.json")
    body["payload"]["ack"] = 0
    assert parse_waha(body) == [Unsupported("message.ack:0")]
    assert parse_waha({"event": "group.join", "session": "s", "payload": {}}) == [
        Unsupported("group.join")
    ]
    with pytest.raises(InvalidPayload):
        parse_waha({"event": "message.ack", "session": "s", "payload": {"ack": 2}})
    with pytest.raises(InvalidPayload):
        parse_waha(["not", "an", "object"])


def test_meta_samples(fixture_json) -> None:
    delivered, failed = parse_meta(fixture_json("meta_statuses_batch.json"))
    assert isinstance(delivered, StatusUpdate)
    assert delivered.status == "delivered"
    assert isinstance(failed, StatusUpdate)
    assert failed.status == "failed"
    assert failed.error_code == "131050"
    assert failed.provider_session == "106540352242922"
    assert failed.session_phone == "15550783881"
    [message] = parse_meta(fixture_json("meta_inbound_text.json"))
    assert isinstance(message, InboundMessage)
    assert (message.sender, message.type, message.text) == (
        "16505551234",
        "text",
        "Does it come in another color?",
    )


def test_whapi_samples(fixture_json) -> None:
    [message] = parse_whapi(fixture_json("whapi_messages.json"))
    assert isinstance(message, InboundMessage)
    assert message.text == "Hello world"
    assert message.provider_session == "MANTIS-M72HC"
    [status] = parse_whapi(fixture_json("whapi_statuses.json"))
    assert isinstance(status, StatusUpdate)
    assert status.status == "read"
    channel = {
        "health": {"status": {"code": 3, "text": "QR"}, "start_at": 1},
        "channel_id": "C-1",
        "event": {"type": "channel", "event": "post"},
    }
    [report] = parse_whapi(channel)
    assert isinstance(report, SessionReport)
    assert report.status == "scan_qr"
