"""billing-svc REST routes: plans, subscriptions, API keys (thin: parse, authorise, call)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response
from wagate_platform.auth import JwtAuthenticator, Principal
from wagate_platform.domain_errors import DomainError

from billing_svc.domain.errors import UnknownPlan
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
from billing_svc.service.container import Container

UserId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[\w.@:-]+$")]
PlanIdPath = Annotated[str, Path(pattern=PLAN_ID_PATTERN)]

ERROR_STATUSES: dict[type[DomainError], int] = {UnknownPlan: 422}
"""How billing's domain errors answer over HTTP."""


def build_routers(container: Container) -> list[APIRouter]:
    auth = JwtAuthenticator(container.settings.auth_jwt_secret.get_secret_value())
    catalogue, subscriptions, keys = (
        container.catalogue,
        container.subscriptions,
        container.api_keys,
    )
    router = APIRouter(prefix="/v1")
    Anyone = Annotated[Principal, Depends(auth.principal)]
    Admin = Annotated[Principal, Depends(auth.admin)]

    @router.get("/plans", response_model=PlansOut, tags=["plans"])
    async def list_plans(_: Anyone) -> PlansOut:
        return PlansOut(plans=[PlanOut.of(p) for p in await catalogue.list()])

    @router.put("/plans/{plan_id}", response_model=PlanOut, tags=["plans"])
    async def put_plan(plan_id: PlanIdPath, body: PlanIn, _: Admin, response: Response) -> PlanOut:
        created = await catalogue.put(body.to_plan(plan_id))
        response.status_code = 201 if created else 200
        return PlanOut.of(body.to_plan(plan_id))

    @router.put(
        "/users/{user_id}/subscription", response_model=SubscriptionOut, tags=["subscriptions"]
    )
    async def assign_subscription(
        user_id: UserId, body: SubscriptionIn, _: Admin
    ) -> SubscriptionOut:
        view = await subscriptions.assign(
            user_id, body.plan_id, body.starts_at, body.ends_at, body.status
        )
        return SubscriptionOut.of(view)

    @router.get(
        "/users/{user_id}/subscription", response_model=SubscriptionOut, tags=["subscriptions"]
    )
    async def user_subscription(user_id: UserId, _: Admin) -> SubscriptionOut:
        return SubscriptionOut.of(await subscriptions.view(user_id))

    @router.get("/subscription", response_model=SubscriptionOut, tags=["subscriptions"])
    async def my_subscription(principal: Anyone) -> SubscriptionOut:
        return SubscriptionOut.of(await subscriptions.view(principal.user_id))

    @router.post("/api-keys", status_code=201, response_model=IssuedKeyOut, tags=["api-keys"])
    async def rotate_api_key(principal: Anyone) -> IssuedKeyOut:
        issued = await keys.rotate(principal.user_id)
        return IssuedKeyOut(
            api_key=issued.api_key, prefix=issued.prefix, created_at=issued.created_at
        )

    @router.get("/api-keys", response_model=ApiKeysOut, tags=["api-keys"])
    async def list_api_keys(principal: Anyone) -> ApiKeysOut:
        key = await keys.of_user(principal.user_id)
        return ApiKeysOut(api_keys=[ApiKeyOut.of(key)] if key else [])

    return [router]
