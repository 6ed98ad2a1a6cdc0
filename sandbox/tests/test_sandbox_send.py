"""WAHA send endpoints: every message type answers a message object with a provider id."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

MakeSession = Callable[..., Awaitable[dict[str, Any]]]
CHAT = "6281234567890@c.us"
FILE = {"url": "https://example.com/a.bin", "mimetype": "application/octet-stream"}

SENDS: list[tuple[str, dict[str, Any]]] = [
    ("sendText", {"text": "hello"}),
    ("reply", {"text": "re", "reply_to": f"false_{CHAT}_AAAA"}),
    ("send/link-custom-preview", {"text": "https://x.io", "preview": {"url": "https://x.io"}}),
    ("sendImage", {"file": {"url": "https://example.com/a.jpg"}, "caption": "look"}),
    ("sendFile", {"file": {"data": "aGVsbG8=", "filename": "a.txt"}}),
    ("sendVoice", {"file": {"url": "https://example.com/a.opus"}, "convert": True}),
    ("sendVideo", {"file": FILE, "caption": "watch"}),
    ("sendSticker", {"file": {"url": "https://example.com/a.webp"}}),
    ("sendLocation", {"latitude": -6.2, "longitude": 106.8, "title": "Jakarta"}),
    ("sendContactVcard", {"contacts": [{"fullName": "Ani", "phoneNumber": "+62811"}]}),
    ("sendPoll", {"poll": {"name": "Lunch?", "options": ["yes", "no"]}}),
    (
        "sendList",
        {
            "message": {
                "title": "Menu",
                "description": "Pick one",
                "button": "Open",
                "sections": [{"title": "Food", "rows": [{"title": "Rice", "rowId": "r1"}]}],
            }
        },
    ),
    ("sendButtons", {"body": "Confirm?", "buttons": [{"type": "reply", "text": "Yes"}]}),
]


@pytest.mark.asyncio
async def test_every_message_type_returns_a_provider_message_id(
    client: httpx.AsyncClient, make_session: MakeSession
) -> None:
    me = (await make_session("sender"))["me"]["id"]
    ids = []
    for endpoint, fields in SENDS:
        response = await client.post(
            f"/api/{endpoint}", json={"session": "sender", "chatId": CHAT, **fields}
        )
        assert response.status_code == 201, (endpoint, response.text)
        message = response.json()
        assert message["id"].startswith(f"true_{CHAT}_3EB0"), endpoint
        assert (message["from"], message["to"], message["fromMe"]) == (me, CHAT, True)
        ids.append(message["id"])
    assert len(set(ids)) == len(SENDS)

    sent = (await client.get("/control/sessions/sender/sent")).json()
    assert [m["id"] for m in sent] == ids
    assert [m["endpoint"] for m in sent] == [endpoint for endpoint, _ in SENDS]
    assert sent[0]["request"]["text"] == "hello"


@pytest.mark.asyncio
async def test_message_fields_follow_the_type(
    client: httpx.AsyncClient, make_session: MakeSession
) -> None:
    await make_session("fields")
    image = await client.post(
        "/api/sendImage",
        json={"session": "fields", "chatId": CHAT, "file": FILE, "caption": "cap"},
    )
    assert image.json()["hasMedia"] is True
    assert image.json()["body"] == "cap"
    assert image.json()["media"]["url"] == FILE["url"]
    text = await client.post(
        "/api/sendText", json={"session": "fields", "chatId": "6281234567890", "text": "t"}
    )
    assert text.json()["to"] == CHAT  # a bare number is a c.us chat
    assert text.json()["hasMedia"] is False


@pytest.mark.asyncio
async def test_send_needs_a_working_session(
    client: httpx.AsyncClient, make_session: MakeSession
) -> None:
    await make_session("pending", working=False)
    response = await client.post(
        "/api/sendText", json={"session": "pending", "chatId": CHAT, "text": "hi"}
    )
    assert response.status_code == 422
    assert response.json() == {
        "error": "Session status is not as expected. Try again later or restart the session",
        "session": "pending",
        "status": "SCAN_QR_CODE",
        "expected": ["WORKING"],
    }


@pytest.mark.asyncio
async def test_bad_requests_are_400(client: httpx.AsyncClient, make_session: MakeSession) -> None:
    await make_session("strict")
    bad_chat = await client.post(
        "/api/sendText", json={"session": "strict", "chatId": "not-a-number", "text": "hi"}
    )
    assert bad_chat.status_code == 400
    no_text = await client.post("/api/sendText", json={"session": "strict", "chatId": CHAT})
    assert no_text.status_code == 400
    assert no_text.json()["error"] == "Bad Request"
    no_file = await client.post(
        "/api/sendImage", json={"session": "strict", "chatId": CHAT, "file": {}}
    )
    assert no_file.status_code == 400
    assert (await client.get("/control/sessions/strict/sent")).json() == []
