"""Every one of the 11 message types is accepted and sent through the sandbox."""

import asyncio

import pytest
from wagate_testing.apps import runtime_of

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]
MEDIA = {"url": "https://example.com/file.bin", "caption": "look", "filename": "file.bin"}
BODIES = {
    "text": ({"text": "hello"}, "sendText"),
    "image": ({"media": MEDIA}, "sendImage"),
    "video": ({"media": MEDIA}, "sendVideo"),
    "audio": ({"media": {"url": "https://example.com/a.ogg"}}, "sendVoice"),
    "document": ({"media": MEDIA}, "sendFile"),
    "sticker": ({"media": {"url": "https://example.com/s.webp"}}, "sendSticker"),
    "location": (
        {"location": {"latitude": -6.2, "longitude": 106.8, "name": "Monas"}},
        "sendLocation",
    ),
    "contact": (
        {"contact": {"full_name": "Budi", "phone_number": "+62 811 000 111"}},
        "sendContactVcard",
    ),
    "poll": ({"poll": {"name": "Lunch?", "options": ["yes", "no"]}}, "sendPoll"),
    "list": (
        {
            "list": {
                "description": "Pick one",
                "button_text": "Menu",
                "sections": [{"title": "Food", "rows": [{"id": "r1", "title": "Rice"}]}],
            }
        },
        "sendList",
    ),
    "buttons": (
        {"buttons": {"body": "OK?", "buttons": [{"id": "y", "text": "Yes"}]}},
        "sendButtons",
    ),
}


async def test_every_message_type_is_accepted_and_sent(sender_app, sandbox, stage, until_status):
    async with sender_app() as (app, client):
        tenant = await stage(runtime_of(app), sandbox)

        async def send(kind: str, n: int) -> str:
            body = {"to": f"62812340{n:04d}", "type": kind, **BODIES[kind][0]}
            answer = await client.post("/v1/messages", json=body, headers=tenant.headers)
            assert answer.status_code == 202, (kind, answer.text)
            return answer.json()["id"]

        ids = await asyncio.gather(*(send(kind, n) for n, kind in enumerate(BODIES)))
        done = [await until_status(client, tenant, i, ("sent", "failed")) for i in ids]
    assert [d["status"] for d in done] == ["sent"] * 11, [d.get("error") for d in done]
    endpoints = sorted(m["endpoint"] for m in await sandbox.sent(tenant.sessions[0]))
    assert endpoints == sorted(endpoint for _, endpoint in BODIES.values())
