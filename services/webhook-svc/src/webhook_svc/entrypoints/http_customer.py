"""Customer routes: webhook configuration, deliveries (with manual retry), contacts."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from wagate_platform.auth import JwtAuthenticator, Principal

from webhook_svc.entrypoints.schemas import (
    ContactList,
    ContactOut,
    DeliveryList,
    DeliveryOut,
    WebhookConfigIn,
    WebhookConfigOut,
)
from webhook_svc.service.container import Container


def customer_router(container: Container) -> APIRouter:
    webhooks = container.webhooks
    auth = JwtAuthenticator(container.settings.auth_jwt_secret.get_secret_value())
    router = APIRouter(tags=["customer webhooks"])
    Caller = Annotated[Principal, Depends(auth.principal)]

    @router.get("/v1/webhook-config", response_model=WebhookConfigOut)
    async def get_config(caller: Caller) -> WebhookConfigOut:
        config = await webhooks.get(caller.user_id)
        return WebhookConfigOut(**{**config.__dict__, "secret": _masked(config.secret)})

    @router.put("/v1/webhook-config", response_model=WebhookConfigOut)
    async def put_config(body: WebhookConfigIn, caller: Caller) -> WebhookConfigOut:
        config = await webhooks.put(
            caller.user_id,
            body.url,
            tuple(body.events),
            body.secret,
            body.content_dedup_window_s,
        )
        return WebhookConfigOut(**config.__dict__)

    @router.delete("/v1/webhook-config", status_code=204, response_class=Response)
    async def delete_config(caller: Caller) -> Response:
        await webhooks.delete(caller.user_id)
        return Response(status_code=204)

    @router.get("/v1/webhook-deliveries", response_model=DeliveryList)
    async def list_deliveries(
        caller: Caller,
        status: Literal["retrying", "delivered", "failed"] | None = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> DeliveryList:
        found = await webhooks.deliveries(caller.user_id, status, limit)
        return DeliveryList(deliveries=[DeliveryOut.of(d) for d in found])

    @router.post(
        "/v1/webhook-deliveries/{delivery_id}/retry", status_code=202, response_model=DeliveryOut
    )
    async def retry_delivery(delivery_id: str, caller: Caller) -> DeliveryOut:
        return DeliveryOut.of(await webhooks.retry(delivery_id[:128], caller.user_id))

    @router.get("/v1/contacts", response_model=ContactList)
    async def list_contacts(
        caller: Caller, limit: Annotated[int, Query(ge=1, le=500)] = 100
    ) -> ContactList:
        """Numbers that wrote to the caller's sessions."""
        found = await webhooks.contacts(caller.user_id, limit)
        return ContactList(contacts=[ContactOut.model_validate(c) for c in found])

    return router


def _masked(secret: str) -> str:
    return f"…{secret[-4:]}" if len(secret) >= 16 else "…"
