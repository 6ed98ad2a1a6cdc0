"""Meta Cloud API sender: documented bodies, templates and error codes (MockTransport)."""

import json

import httpx
import pytest
from wagate_contracts.message_content import MessageContent
from wagate_providers.base import ProviderError
from wagate_providers.meta import MetaSender, message_body


def content(**data) -> MessageContent:
    return MessageContent.model_validate(data, strict=False)


def test_text_image_and_interactive_bodies():
    assert message_body("6281", content(type="text", text="hi")) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281",
        "type": "text",
        "text": {"preview_url": False, "body": "hi"},
    }
    image = message_body(
        "6281", content(type="image", media={"url": "https://x.io/a.png", "caption": "c"})
    )
    assert image["image"] == {"link": "https://x.io/a.png", "caption": "c"}
    buttons = message_body(
        "6281",
        content(type="buttons", buttons={"body": "ok?", "buttons": [{"id": "y", "text": "Yes"}]}),
    )
    assert buttons["type"] == "interactive"
    assert buttons["interactive"]["action"]["buttons"] == [
        {"type": "reply", "reply": {"id": "y", "title": "Yes"}}
    ]


def test_polls_are_refused_as_unsupported():
    with pytest.raises(ProviderError) as caught:
        message_body("6281", content(type="poll", poll={"name": "Q", "options": ["a", "b"]}))
    assert caught.value.code == "unsupported_message_type"


@pytest.mark.asyncio
async def test_template_send_posts_to_the_phone_number_id_and_reads_the_wamid():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["path"] = request.url.path
        seen["auth"] = request.headers["authorization"]
        seen["body"] = json.loads(request.content)
        return httpx.Response(
            200,
            json={
                "messaging_product": "whatsapp",
                "contacts": [{"input": "6281", "wa_id": "6281"}],
                "messages": [{"id": "wamid.HBgL"}],
            },
        )

    sender = MetaSender("tok", transport=httpx.MockTransport(handler))
    result = await sender.send_template("1234567890", "6281", "order_update", "en_US")
    assert result.provider_message_id == "wamid.HBgL"
    assert seen["path"] == "/v21.0/1234567890/messages"
    assert seen["auth"] == "Bearer tok"
    assert seen["body"]["template"] == {"name": "order_update", "language": {"code": "en_US"}}


@pytest.mark.parametrize(
    ("code", "kind", "ours"),
    [
        (130429, "session", "throughput_limited"),
        (131056, "session", "pair_rate_limited"),
        (131026, "permanent", "invalid_recipient"),
        (131047, "permanent", "reengagement_required"),
        (131000, "transient", "provider_error"),
    ],
)
@pytest.mark.asyncio
async def test_error_codes_are_classified(code, kind, ours):
    error = {"error": {"message": "x", "type": "OAuthException", "code": code, "fbtrace_id": "A"}}
    sender = MetaSender(
        "tok", transport=httpx.MockTransport(lambda _: httpx.Response(400, json=error))
    )
    with pytest.raises(ProviderError) as caught:
        await sender.send("123", "6281", content(type="text", text="hi"))
    assert (caught.value.kind, caught.value.code) == (kind, ours)
    assert "tok" not in str(caught.value)
