"""AuditLog on fakes: customers read their own entries, admins anyone's."""

import pytest
from session_svc.adapters.audit_repository import audit_entry
from session_svc.service.audit import AuditLog
from session_svc_fakes import World
from wagate_platform.auth import Principal

pytestmark = pytest.mark.asyncio
ANN = Principal(user_id="ann", role="customer")
ADMIN = Principal(user_id="root", role="admin")


async def _log(world: World) -> AuditLog:
    await world.audit.add(
        [
            audit_entry("ann", ANN, "create", "success", "ses_a"),
            audit_entry("bob", ADMIN, "create", "success", "ses_b"),
        ]
    )
    return AuditLog(world.audit)


async def test_a_customer_reads_only_their_own_whatever_they_ask(world: World):
    entries = await (await _log(world)).read(ANN, "bob", None, 10)
    assert [e["user_id"] for e in entries] == ["ann"]


async def test_an_admin_reads_one_user_or_everyone(world: World):
    log = await _log(world)
    assert [e["user_id"] for e in await log.read(ADMIN, "bob", None, 10)] == ["bob"]
    assert len(await log.read(ADMIN, None, None, 10)) == 2
    assert await log.read(ADMIN, None, "ses_a", 10) == (await log.read(ADMIN, "ann", None, 10))
