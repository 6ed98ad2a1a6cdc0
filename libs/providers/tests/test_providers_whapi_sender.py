"""Whapi.cloud sender: documented paths and bodies, answers and errors (MockTransport)."""

import json

import httpx
import pytest
from wagate_contracts.message_content import MessageContent
from wagate_providers.base import ProviderError
from wagate_providers.whapi import WhapiSender, request_for


def content(**data) -> MessageContent:
    return MessageContent.model_validate(data, strict=False)


def test_paths_and_bodies():
    assert request_for("6281", content(type="text", text="hi")) == (
        "/messages/text",
        {"to": "6281", "body": "hi"},
    )
    path, body = request_for(
        "6281", content(type="poll", poll={"name": "Q", "options": ["a", "b"]})
    )
    assert (path, body) == (
        "/messages/poll",
        {"to": "6281", "title": "Q", "options": ["a", "b"], "count": 1},
    )
    path, body = request_for("6281", content(type="sticker", media={"url": "https://x.io/s.webp"}))
    assert (path, body) == ("/messages/sticker", {"to": "6281", "media": "https://x.io/s.webp"})


@pytest.mark.asyncio
async def test_send_uses_the_channel_token_and_reads_the_message_id():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["auth"] = request.headers["authorization"]
        seen["body"] = json.loads(request.content)
        return httpx.Response(
            200, json={"sent": True, "message": {"id": "PsqRn1.abc", "status": "pending"}}
        )

    sender = WhapiSender(lambda s: f"token-{s}", transport=httpx.MockTransport(handler))
    result = await sender.send("ch1", "120363@g.us", content(type="text", text="hi"))
    assert result.provider_message_id == "PsqRn1.abc"
    assert seen == {"auth": "Bearer token-ch1", "body": {"to": "120363@g.us", "body": "hi"}}


@pytest.mark.asyncio
async def test_errors_are_classified():
    def handler(_: httpx.Request) -> httpx.Response:
        return httpx.Response(429, json={"error": {"code": 429, "message": "Too many requests"}})

    sender = WhapiSender(lambda s: "t", transport=httpx.MockTransport(handler))
    with pytest.raises(ProviderError) as caught:
        await sender.send("ch1", "6281", content(type="text", text="hi"))
    assert caught.value.kind == "session"
