"""session-svc REST routes for session groups."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from wagate_platform.auth import JwtAuthenticator, Principal

from session_svc.entrypoints.schemas import GroupIn, GroupListOut, GroupOut, GroupPatchIn
from session_svc.service.groups import Groups


def build_group_router(auth: JwtAuthenticator, groups: Groups) -> APIRouter:
    router = APIRouter(prefix="/v1/session-groups", tags=["session groups"])
    User = Annotated[Principal, Depends(auth.principal)]

    @router.get("")
    async def list_groups(user: User) -> GroupListOut:
        return GroupListOut(groups=[GroupOut.of(g) for g in await groups.of_user(user.user_id)])

    @router.post("", status_code=201)
    async def create_group(body: GroupIn, user: User) -> GroupOut:
        return GroupOut.of(await groups.create(user, body.name, body.session_ids))

    @router.get("/{group_id}")
    async def get_group(group_id: str, user: User) -> GroupOut:
        return GroupOut.of(await groups.get(user.user_id, group_id))

    @router.patch("/{group_id}")
    async def patch_group(group_id: str, body: GroupPatchIn, user: User) -> GroupOut:
        return GroupOut.of(await groups.update(user, group_id, body.name, body.session_ids))

    @router.delete("/{group_id}", status_code=204)
    async def delete_group(group_id: str, user: User) -> Response:
        await groups.delete(user, group_id)
        return Response(status_code=204)

    return router
