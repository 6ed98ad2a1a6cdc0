"""billing-svc REST routes: plans, subscriptions, API keys (thin: parse, authorise, call)."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response
from wagate_platform.auth import JwtAuthenticator, Principal
from wagate_platform.errors import ApiError

from billing_svc.entrypoints.schemas import (
    PLAN_ID_PATTERN,
    ApiKeyOut,
    ApiKeysOut,
    IssuedKeyOut,
    PlanIn,
    PlanOut,
    PlansOut,
    SubscriptionIn,
    SubscriptionOut,
)
from billing_svc.service.api_keys import ApiKeys
from billing_svc.service.catalogue import Catalogue
from billing_svc.service.subscriptions import Subscriptions, UnknownPlan

UserId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[\w.@:-]+$")]
PlanIdPath = Annotated[str, Path(pattern=PLAN_ID_PATTERN)]


def build_router(
    auth: JwtAuthenticator, catalogue: Catalogue, subscriptions: Subscriptions, keys: ApiKeys
) -> APIRouter:
    router = APIRouter(prefix="/v1")
    Anyone = Annotated[Principal, Depends(auth.principal)]
    Admin = Annotated[Principal, Depends(auth.admin)]

    @router.get("/plans", tags=["plans"])
    async def list_plans(_: Anyone) -> PlansOut:
        return PlansOut(plans=[PlanOut.of(p) for p in await catalogue.list()])

    @router.put("/plans/{plan_id}", tags=["plans"])
    async def put_plan(plan_id: PlanIdPath, body: PlanIn, _: Admin, response: Response) -> PlanOut:
        created = await catalogue.put(body.to_plan(plan_id))
        response.status_code = 201 if created else 200
        return PlanOut.of(body.to_plan(plan_id))

    @router.put("/users/{user_id}/subscription", tags=["subscriptions"])
    async def assign_subscription(
        user_id: UserId, body: SubscriptionIn, _: Admin
    ) -> SubscriptionOut:
        try:
            view = await subscriptions.assign(
                user_id,
                body.plan_id,
                body.starts_at or datetime.now(UTC),
                body.ends_at,
                body.status,
            )
        except UnknownPlan as exc:
            raise ApiError(
                422, "unknown_plan", f"there is no plan {body.plan_id!r}", {"plan_id": body.plan_id}
            ) from exc
        return SubscriptionOut.of(view)

    @router.get("/users/{user_id}/subscription", tags=["subscriptions"])
    async def user_subscription(user_id: UserId, _: Admin) -> SubscriptionOut:
        return SubscriptionOut.of(await subscriptions.view(user_id))

    @router.get("/subscription", tags=["subscriptions"])
    async def my_subscription(principal: Anyone) -> SubscriptionOut:
        return SubscriptionOut.of(await subscriptions.view(principal.user_id))

    @router.post("/api-keys", status_code=201, tags=["api-keys"])
    async def rotate_api_key(principal: Anyone) -> IssuedKeyOut:
        issued = await keys.rotate(principal.user_id)
        return IssuedKeyOut(
            api_key=issued.api_key, prefix=issued.prefix, created_at=issued.created_at
        )

    @router.get("/api-keys", tags=["api-keys"])
    async def list_api_keys(principal: Anyone) -> ApiKeysOut:
        doc = await keys.of_user(principal.user_id)
        return ApiKeysOut(api_keys=[ApiKeyOut.model_validate(doc)] if doc else [])

    return router
