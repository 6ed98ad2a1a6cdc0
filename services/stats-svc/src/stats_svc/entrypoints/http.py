"""Stats REST: thin handlers that authorise, call a query and shape the answer."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from wagate_contracts.dates import StorableDate
from wagate_platform.auth import JwtAuthenticator, Principal
from wagate_platform.domain_errors import DomainError

from stats_svc.domain.errors import UserNotFound
from stats_svc.entrypoints.schemas import DailyStats, ResetResult, UserSessionStats, UserStats
from stats_svc.service.container import Container

UserId = Annotated[str, Path(min_length=1, max_length=128)]
SessionId = Annotated[str, Path(min_length=1, max_length=256)]

ERROR_STATUSES: dict[type[DomainError], int] = {}
"""Every kind keeps its usual status (not found 404, an invalid date range 422)."""


def authorise(principal: Principal, user_id: str) -> None:
    """Self or admin; another customer's stats do not exist for them (404, no leak)."""
    if not principal.can_access(user_id):
        raise UserNotFound()


def build_routers(container: Container) -> list[APIRouter]:
    queries = container.queries
    auth = JwtAuthenticator(container.settings.auth_jwt_secret.get_secret_value())
    router = APIRouter(tags=["stats"])
    Caller = Annotated[Principal, Depends(auth.principal)]
    Admin = Annotated[Principal, Depends(auth.admin)]

    @router.get("/v1/stats/users/{user_id}", response_model=UserStats)
    async def user_stats(user_id: UserId, principal: Caller) -> dict[str, Any]:
        """A user's totals and the per-session split."""
        authorise(principal, user_id)
        return await queries.user(user_id)

    @router.get("/v1/stats/users/{user_id}/sessions/{session_id}", response_model=UserSessionStats)
    async def session_stats(
        user_id: UserId, session_id: SessionId, principal: Caller
    ) -> dict[str, Any]:
        """One session's totals; 404 for a session no event was seen for."""
        authorise(principal, user_id)
        return await queries.session(user_id, session_id)

    @router.get(
        "/v1/stats/users/{user_id}/daily",
        response_model=DailyStats,
        response_model_by_alias=True,
    )
    async def daily_stats(
        user_id: UserId,
        principal: Caller,
        start: Annotated[StorableDate | None, Query(alias="from")] = None,
        end: Annotated[StorableDate | None, Query(alias="to")] = None,
    ) -> dict[str, Any]:
        """Days with activity between ``from`` and ``to`` (inclusive, at most 366 days)."""
        authorise(principal, user_id)
        return await queries.daily(user_id, start, end)

    @router.delete("/v1/admin/stats/users/{user_id}", response_model=ResetResult)
    async def reset_stats(user_id: UserId, admin: Admin) -> dict[str, Any]:
        """Admin: reset every counter of a user; who and when is recorded."""
        return await queries.reset(user_id, by=admin.user_id)

    return [router]
