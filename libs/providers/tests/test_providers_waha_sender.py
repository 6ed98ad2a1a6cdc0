"""WAHA sender: request bodies per type and error classification (MockTransport)."""

import json

import httpx
import pytest
from wagate_contracts.message_content import MessageContent
from wagate_providers.base import ProviderError
from wagate_providers.waha.client import WahaClient
from wagate_providers.waha.sender import WahaSender, request_for


def content(**data) -> MessageContent:
    return MessageContent.model_validate(data, strict=False)


def test_bodies_follow_waha_field_names():
    assert request_for(content(type="text", text="hi")) == ("sendText", {"text": "hi"})
    endpoint, body = request_for(
        content(
            type="document",
            media={"url": "https://x.io/a.pdf", "filename": "a.pdf", "caption": "c"},
        )
    )
    assert endpoint == "sendFile"
    assert body == {"file": {"url": "https://x.io/a.pdf", "filename": "a.pdf"}, "caption": "c"}
    endpoint, body = request_for(content(type="poll", poll={"name": "Q", "options": ["a", "b"]}))
    assert body == {"poll": {"name": "Q", "options": ["a", "b"], "multipleAnswers": False}}
    endpoint, body = request_for(
        content(type="buttons", buttons={"body": "ok?", "buttons": [{"id": "y", "text": "Yes"}]})
    )
    assert endpoint == "sendButtons"
    assert body["buttons"] == [{"type": "reply", "text": "Yes", "id": "y"}]


def _sender(handler) -> WahaSender:
    return WahaSender(WahaClient("http://waha", "k", transport=httpx.MockTransport(handler)))


@pytest.mark.asyncio
async def test_send_posts_session_and_chat_id_and_returns_the_message_id():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["path"] = request.url.path
        seen["body"] = json.loads(request.content)
        seen["key"] = request.headers["x-api-key"]
        return httpx.Response(201, json={"id": "true_6281@c.us_3EB0AA", "ack": 0})

    result = await _sender(handler).send("ses_1", "6281", content(type="text", text="hi"))
    assert result.provider_message_id == "true_6281@c.us_3EB0AA"
    assert seen == {
        "path": "/api/sendText",
        "body": {"session": "ses_1", "chatId": "6281@c.us", "text": "hi"},
        "key": "k",
    }


@pytest.mark.parametrize(
    ("status", "body", "kind", "code"),
    [
        (
            500,
            {"exception": {"message": "2 UNKNOWN: server returned error 463"}},
            "session",
            "reach_out_timelock",
        ),
        (
            400,
            {"message": "The number 6281 is not registered on WhatsApp"},
            "permanent",
            "invalid_recipient",
        ),
        (
            422,
            {"error": "Session status is not as expected. Try again later"},
            "session",
            "session_not_ready",
        ),
        (429, {"message": "Too Many Requests"}, "session", "rate_limited"),
        (503, {"message": "down"}, "transient", "provider_error"),
    ],
)
@pytest.mark.asyncio
async def test_send_errors_are_classified(status, body, kind, code):
    sender = _sender(lambda _: httpx.Response(status, json=body))
    with pytest.raises(ProviderError) as caught:
        await sender.send("s", "6281", content(type="text", text="hi"))
    assert (caught.value.kind, caught.value.code) == (kind, code)
