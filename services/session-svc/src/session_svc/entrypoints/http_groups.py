"""session-svc REST routes for session groups."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from wagate_platform.auth import JwtAuthenticator, Principal

from session_svc.entrypoints.schemas import GroupIn, GroupListOut, GroupOut, GroupPatchIn
from session_svc.service.container import Container


def group_routes(container: Container, auth: JwtAuthenticator) -> APIRouter:
    """The session-group routes (part of ``http.build_routers``)."""
    router = APIRouter(prefix="/v1/session-groups", tags=["session groups"])
    User = Annotated[Principal, Depends(auth.principal)]
    groups = container.groups

    @router.get("", response_model=GroupListOut)
    async def list_groups(user: User) -> GroupListOut:
        return GroupListOut(groups=[GroupOut.of(g) for g in await groups.of_user(user.user_id)])

    @router.post("", status_code=201, response_model=GroupOut)
    async def create_group(body: GroupIn, user: User) -> GroupOut:
        return GroupOut.of(await groups.create(user, body.name, body.session_ids))

    @router.get("/{group_id}", response_model=GroupOut)
    async def get_group(group_id: str, user: User) -> GroupOut:
        return GroupOut.of(await groups.get(user.user_id, group_id))

    @router.patch("/{group_id}", response_model=GroupOut)
    async def patch_group(group_id: str, body: GroupPatchIn, user: User) -> GroupOut:
        return GroupOut.of(await groups.update(user, group_id, body.name, body.session_ids))

    @router.delete("/{group_id}", status_code=204, response_class=Response)
    async def delete_group(group_id: str, user: User) -> Response:
        await groups.delete(user, group_id)
        return Response(status_code=204)

    return router
