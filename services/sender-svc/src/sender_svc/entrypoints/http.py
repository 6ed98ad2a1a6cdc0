"""REST routes of sender-svc (thin: authenticate, call a use case, shape the answer)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from wagate_platform.domain_errors import DomainError

from sender_svc.domain.calendar import minute_window, now, seconds_to_next_window
from sender_svc.domain.errors import MessageNotFound
from sender_svc.entrypoints.auth import CallerAuth
from sender_svc.entrypoints.schemas import (
    CampaignAccepted,
    CampaignDetail,
    CampaignRequest,
    CampaignState,
    DirectSent,
    MessageAccepted,
    MessageList,
    MessageView,
    RateLimit,
    SendMessageRequest,
)
from sender_svc.service.auth import Caller
from sender_svc.service.container import Container

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)]

ERROR_STATUSES: dict[type[DomainError], int] = {}
"""Statuses that differ from the platform's usual one for a kind (none today)."""


def message_view(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": doc["_id"],
        "status": doc["status"],
        "to": doc["to"],
        "type": doc.get("type"),
        "session_id": doc.get("session_id"),
        "provider_message_id": doc.get("provider_message_id"),
        "campaign_id": doc.get("campaign_id"),
        "error": doc.get("error"),
        "created_at": doc["created_at"].isoformat(),
        "next_attempt_at": due.isoformat()
        if doc["status"] == "queued" and (due := doc.get("next_attempt_at"))
        else None,
        "history": [
            {"status": h["status"], "at": h["at"].isoformat()} for h in doc.get("history", [])
        ],
    }


def build_routers(container: Container) -> list[APIRouter]:
    return [sending_router(container)]


def sending_router(services: Container) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["sending"])
    auth = CallerAuth(services.auth, services.settings.auth_jwt_secret.get_secret_value())
    UserId = Annotated[str, Depends(auth.reader)]

    # A send is counted only once its request is valid (as it always was): these
    # dependencies take the route's body and headers, so FastAPI validates them first.
    async def message_sender(
        request: Request, body: SendMessageRequest, idempotency_key: IdempotencyKey = None
    ) -> Caller:
        return await auth.sender(request)

    async def campaign_sender(request: Request, body: CampaignRequest) -> Caller:
        return await auth.sender(request)

    MessageSender = Annotated[Caller, Depends(message_sender)]
    CampaignSender = Annotated[Caller, Depends(campaign_sender)]

    @router.post("/messages", status_code=202, response_model=MessageAccepted)
    async def send_message(
        body: SendMessageRequest, caller: MessageSender, idempotency_key: IdempotencyKey = None
    ) -> dict[str, Any]:
        """Queue a message (202); it is sent by the dispatcher with session rotation."""
        return await services.accept(caller.user_id, body.command(), idempotency_key)

    @router.post("/messages/direct", response_model=DirectSent)
    async def send_direct(body: SendMessageRequest, caller: MessageSender) -> dict[str, Any]:
        """Send now, bypassing the queue: the provider's answer, or 502 provider_error."""
        return await services.direct(caller.user_id, body.command())

    @router.get("/messages/{message_id}", response_model=MessageView)
    async def get_message(message_id: str, user_id: UserId) -> dict[str, Any]:
        doc = await services.messages.get(user_id, message_id)
        if doc is None:
            raise MessageNotFound()
        return message_view(doc)

    @router.get("/messages", response_model=MessageList)
    async def list_messages(
        user_id: UserId,
        status: str | None = None,
        campaign_id: str | None = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 50,
    ) -> dict[str, Any]:
        docs = await services.messages.recent(
            user_id, status=status, campaign_id=campaign_id, limit=limit
        )
        return {"messages": [message_view(d) for d in docs]}

    @router.get("/rate-limit", response_model=RateLimit)
    async def rate_limit(user_id: UserId) -> dict[str, Any]:
        """The caller's per-minute budget (this call does not count against it)."""
        account = await services.accounts.find({"_id": user_id})
        at = now()
        limit = account.subscription.rate_limit_per_minute if account else 0
        used = account.count if account and account.window == minute_window(at) else 0
        remaining = max(0, limit - used)
        return {
            "limit": limit,
            "remaining": remaining,
            "reset_in_ms": int(seconds_to_next_window(at) * 1000),
            "is_limited": limit > 0 and remaining == 0,
        }

    @router.post("/campaigns", status_code=202, response_model=CampaignAccepted, tags=["campaigns"])
    async def create_campaign(body: CampaignRequest, caller: CampaignSender) -> dict[str, Any]:
        """202 once the campaign and its recipients are stored; ``preparing`` meanwhile."""
        return await services.campaigns.create(caller.user_id, body.command())

    @router.get("/campaigns/{campaign_id}", response_model=CampaignDetail, tags=["campaigns"])
    async def get_campaign(campaign_id: str, user_id: UserId) -> dict[str, Any]:
        return await services.campaigns.get(user_id, campaign_id)

    @router.post("/campaigns/{campaign_id}/pause", response_model=CampaignState, tags=["campaigns"])
    async def pause_campaign(campaign_id: str, user_id: UserId) -> dict[str, Any]:
        return await services.campaigns.pause(user_id, campaign_id)

    @router.post(
        "/campaigns/{campaign_id}/resume", response_model=CampaignState, tags=["campaigns"]
    )
    async def resume_campaign(campaign_id: str, user_id: UserId) -> dict[str, Any]:
        return await services.campaigns.resume(user_id, campaign_id)

    @router.post(
        "/campaigns/{campaign_id}/cancel",
        status_code=202,
        response_model=CampaignState,
        tags=["campaigns"],
    )
    async def cancel_campaign(campaign_id: str, user_id: UserId) -> dict[str, Any]:
        """202 once nothing more can start sending; ``canceling`` until settled."""
        return await services.campaigns.cancel(user_id, campaign_id)

    return router
