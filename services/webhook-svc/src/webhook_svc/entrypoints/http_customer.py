"""Customer routes: webhook configuration, deliveries (with manual retry), contacts."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AfterValidator, BaseModel, Field
from wagate_contracts.values import HttpUrlStr
from wagate_platform.auth import JwtAuthenticator, Principal
from wagate_platform.errors import ApiError, not_found

from webhook_svc.adapters.deliveries import Delivery
from webhook_svc.service.customer_webhooks import CustomerWebhooks, UnsafeTarget

ForwardedEvent = Literal["message.received", "message.status", "session.status_changed"]


def _all_events() -> list[ForwardedEvent]:
    return ["message.received", "message.status", "session.status_changed"]


MAX_EVENTS = 32
"""Generous for three event types; a bound keeps a config document small (a list of a
million repeats was a 500: the document exceeded MongoDB's 16 MB)."""


def _distinct(events: list[ForwardedEvent]) -> list[ForwardedEvent]:
    return list(dict.fromkeys(events))


class WebhookConfigIn(BaseModel):
    url: HttpUrlStr
    events: Annotated[list[ForwardedEvent], AfterValidator(_distinct)] = Field(
        default_factory=_all_events, max_length=MAX_EVENTS
    )
    """Each event type once (repeats are dropped); at most ``MAX_EVENTS`` entries."""
    secret: str | None = Field(default=None, min_length=16, max_length=256)
    """Signing secret; generated (and shown in this answer only) when omitted."""
    content_dedup_window_s: int | None = Field(default=None, ge=0, le=86_400)
    """Inbound content window for this user (same sender + text); 0 disables; None = default."""


class WebhookConfigOut(BaseModel):
    url: str
    events: list[str]
    secret: str
    content_dedup_window_s: int | None
    created_at: datetime
    updated_at: datetime


class DeliveryOut(BaseModel):
    id: str
    event_id: str
    event_type: str
    url: str
    status: str
    attempts: int
    last_error: str | None
    last_status_code: int | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, delivery: Delivery) -> "DeliveryOut":
        return cls.model_validate(delivery, from_attributes=True)


def customer_router(webhooks: CustomerWebhooks, auth: JwtAuthenticator) -> APIRouter:
    router = APIRouter(tags=["customer webhooks"])
    Caller = Annotated[Principal, Depends(auth.principal)]

    @router.get("/v1/webhook-config")
    async def get_config(caller: Caller) -> WebhookConfigOut:
        config = await webhooks.get(caller.user_id)
        if config is None:
            raise not_found("webhook config")
        return WebhookConfigOut(**{**config.__dict__, "secret": _masked(config.secret)})

    @router.put("/v1/webhook-config")
    async def put_config(body: WebhookConfigIn, caller: Caller) -> WebhookConfigOut:
        try:
            config = await webhooks.put(
                caller.user_id,
                body.url,
                tuple(body.events),
                body.secret,
                body.content_dedup_window_s,
            )
        except UnsafeTarget as exc:
            raise ApiError(422, "unsafe_url", str(exc), {"url": body.url}) from exc
        return WebhookConfigOut(**config.__dict__)

    @router.delete("/v1/webhook-config", status_code=204)
    async def delete_config(caller: Caller) -> Response:
        if not await webhooks.delete(caller.user_id):
            raise not_found("webhook config")
        return Response(status_code=204)

    @router.get("/v1/webhook-deliveries")
    async def list_deliveries(
        caller: Caller,
        status: Literal["retrying", "delivered", "failed"] | None = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> dict[str, list[DeliveryOut]]:
        found = await webhooks.deliveries(caller.user_id, status, limit)
        return {"deliveries": [DeliveryOut.of(d) for d in found]}

    @router.post("/v1/webhook-deliveries/{delivery_id}/retry", status_code=202)
    async def retry_delivery(delivery_id: str, caller: Caller) -> DeliveryOut:
        delivery = await webhooks.retry(delivery_id[:128], caller.user_id)
        if delivery is None:
            raise not_found("failed delivery")
        return DeliveryOut.of(delivery)

    @router.get("/v1/contacts")
    async def list_contacts(
        caller: Caller, limit: Annotated[int, Query(ge=1, le=500)] = 100
    ) -> dict[str, list[dict[str, object]]]:
        """Numbers that wrote to the caller's sessions."""
        return {"contacts": await webhooks.contacts(caller.user_id, limit)}

    return router


def _masked(secret: str) -> str:
    return f"…{secret[-4:]}" if len(secret) >= 16 else "…"
