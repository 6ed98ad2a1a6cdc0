"""WAHA's send endpoints. Each answers 201 with the sent message object (``id`` included)."""

from typing import Any

from fastapi import APIRouter, Depends

from provider_sandbox import messaging
from provider_sandbox.deps import SandboxDep, require_api_key
from provider_sandbox.send_models import (
    SendButtons,
    SendContactVcard,
    SendFile,
    SendImage,
    SendLinkCustomPreview,
    SendList,
    SendLocation,
    SendPoll,
    SendReply,
    SendSticker,
    SendText,
    SendVideo,
    SendVoice,
)

router = APIRouter(prefix="/api", tags=["sending"], dependencies=[Depends(require_api_key)])
Message = dict[str, Any]


@router.post("/sendText", status_code=201)
async def send_text(body: SendText, sandbox: SandboxDep) -> Message:
    return await messaging.send(sandbox, "sendText", body)


@router.post("/reply", status_code=201)
async def reply(body: SendReply, sandbox: SandboxDep) -> Message:
    return await messaging.send(sandbox, "reply", body)


@router.post("/send/link-custom-preview", status_code=201)
async def send_link_custom_preview(body: SendLinkCustomPreview, sandbox: SandboxDep) -> Message:
    return await messaging.send(sandbox, "send/link-custom-preview", body)


@router.post("/sendImage", status_code=201)
async def send_image(body: SendImage, sandbox: SandboxDep) -> Message:
    return await messaging.send(sandbox, "sendImage", body)


@router.post("/sendFile", status_code=201)
async def send_file(body: SendFile, sandbox: SandboxDep) -> Message:
    return await messaging.send(sandbox, "sendFile", body)


@router.post("/sendVoice", status_code=201)
async def send_voice(body: SendVoice, sandbox: SandboxDep) -> Message:
    return await messaging.send(sandbox, "sendVoice", body)


@router.post("/sendVideo", status_code=201)
async def send_video(body: SendVideo, sandbox: SandboxDep) -> Message:
    return await messaging.send(sandbox, "sendVideo", body)


@router.post("/sendSticker", status_code=201)
async def send_sticker(body: SendSticker, sandbox: SandboxDep) -> Message:
    """Not a WAHA endpoint: a sandbox extension so sticker messages can be exercised."""
    return await messaging.send(sandbox, "sendSticker", body)


@router.post("/sendLocation", status_code=201)
async def send_location(body: SendLocation, sandbox: SandboxDep) -> Message:
    return await messaging.send(sandbox, "sendLocation", body)


@router.post("/sendContactVcard", status_code=201)
async def send_contact_vcard(body: SendContactVcard, sandbox: SandboxDep) -> Message:
    return await messaging.send(sandbox, "sendContactVcard", body)


@router.post("/sendPoll", status_code=201)
async def send_poll(body: SendPoll, sandbox: SandboxDep) -> Message:
    return await messaging.send(sandbox, "sendPoll", body)


@router.post("/sendList", status_code=201)
async def send_list(body: SendList, sandbox: SandboxDep) -> Message:
    return await messaging.send(sandbox, "sendList", body)


@router.post("/sendButtons", status_code=201)
async def send_buttons(body: SendButtons, sandbox: SandboxDep) -> Message:
    return await messaging.send(sandbox, "sendButtons", body)
