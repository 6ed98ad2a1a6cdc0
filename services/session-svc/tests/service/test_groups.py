"""Groups on fakes: members must be the user's own; membership changes are announced."""

import pytest
from session_svc.domain.errors import GroupNameTaken, GroupNotFound, UnknownSessions
from session_svc.service.groups import Groups
from session_svc_fakes import World
from wagate_platform.auth import Principal

pytestmark = pytest.mark.asyncio
ANN = Principal(user_id="ann", role="customer")


def _groups(w: World) -> Groups:
    return Groups(w.groups, w.sessions, w.audit, w.uow, w.clock)


async def test_create_marks_the_members_and_announces_them(world: World):
    world.store("ann", "ses_a")
    group = await _groups(world).create(ANN, "team", ["ses_a", "ses_a"])
    assert group["session_ids"] == ["ses_a"]
    assert group["created_at"] == world.now
    assert world.sessions.docs["ses_a"]["group_ids"] == [group["_id"]]
    assert world.uow.types() == ["SessionUpdated"]
    assert world.audit.actions() == [("group_create", "success")]


async def test_members_must_be_the_users_own(world: World):
    world.store("bob", "ses_b")
    with pytest.raises(UnknownSessions) as caught:
        await _groups(world).create(ANN, "team", ["ses_b"])
    assert caught.value.data == {"session_ids": ["ses_b"]}


async def test_a_taken_group_name_is_a_conflict(world: World):
    await _groups(world).create(ANN, "team", [])
    with pytest.raises(GroupNameTaken) as caught:
        await _groups(world).create(ANN, "team", [])
    assert caught.value.data == {"name": "team"}


async def test_update_announces_who_joined_and_who_left(world: World):
    world.store("ann", "ses_a")
    world.store("ann", "ses_b")
    group = await _groups(world).create(ANN, "team", ["ses_a"])
    world.uow.published.clear()
    after = await _groups(world).update(ANN, group["_id"], "crew", ["ses_b"])
    assert (after["name"], after["session_ids"]) == ("crew", ["ses_b"])
    assert sorted(e.session_id for e in world.uow.published) == ["ses_a", "ses_b"]
    assert world.sessions.docs["ses_a"]["group_ids"] == []


async def test_delete_releases_the_members(world: World):
    world.store("ann", "ses_a")
    group = await _groups(world).create(ANN, "team", ["ses_a"])
    await _groups(world).delete(ANN, group["_id"])
    assert world.groups.docs == {}
    assert world.sessions.docs["ses_a"]["group_ids"] == []
    with pytest.raises(GroupNotFound):
        await _groups(world).get("ann", group["_id"])


async def test_another_users_group_is_not_found(world: World):
    group = await _groups(world).create(Principal(user_id="bob", role="customer"), "b", [])
    with pytest.raises(GroupNotFound):
        await _groups(world).update(ANN, group["_id"], "mine", None)
    with pytest.raises(GroupNotFound):
        await _groups(world).delete(ANN, group["_id"])
