"""Lifecycle on fakes: connect, disconnect (one or all) and the QR through the provider."""

import pytest
from session_svc.domain.errors import ProviderFailed, SessionNotFound, SessionNotReady
from session_svc.service.lifecycle import Lifecycle
from session_svc_fakes import World
from wagate_platform.auth import Principal
from wagate_providers.base import ProviderError

pytestmark = pytest.mark.asyncio
ANN = Principal(user_id="ann", role="customer")


def _lifecycle(w: World) -> Lifecycle:
    return Lifecycle(w.sessions, w.audit, w.uow, w.provider, "http://hook", "key", w.clock)


async def test_connect_creates_and_starts_at_the_provider(world: World):
    world.store("ann", "ses_a", user_disconnected=True)
    doc = await _lifecycle(world).connect(ANN, "ses_a")
    assert world.provider.calls == [("create", "ses_a"), ("start", "ses_a")]
    assert (doc.status, doc.user_disconnected) == ("scan_qr", False)
    assert world.uow.types() == ["SessionStatusChanged"]
    assert world.audit.actions() == [("connect", "success")]


async def test_connect_of_a_connected_session_does_nothing(world: World):
    world.store("ann", "ses_a", status="connected")
    await _lifecycle(world).connect(ANN, "ses_a")
    assert world.provider.calls == []
    assert world.uow.published == []


async def test_a_provider_failure_is_audited_and_answered(world: World):
    world.store("ann", "ses_a")
    world.provider.failures["start"] = ProviderError("transient", "timeout", "slow")
    with pytest.raises(ProviderFailed) as caught:
        await _lifecycle(world).connect(ANN, "ses_a")
    assert caught.value.data == {"code": "timeout", "kind": "transient"}
    assert world.audit.actions() == [("connect", "error")]


async def test_a_session_the_provider_cannot_use_is_not_ready(world: World):
    world.store("ann", "ses_a")
    world.provider.failures["qr"] = ProviderError("session", "session_not_ready", "no")
    with pytest.raises(SessionNotReady) as caught:
        await _lifecycle(world).qr(ANN, "ses_a")
    assert caught.value.data == {"code": "session_not_ready"}


async def test_disconnect_remembers_the_user_asked(world: World):
    world.store("ann", "ses_a", status="connected")
    world.provider.failures["stop"] = ProviderError("permanent", "not_found", "never made")
    doc = await _lifecycle(world).disconnect(ANN, "ses_a")
    assert (doc.status, doc.user_disconnected) == ("disconnected", True)


async def test_disconnect_all_reports_failures_and_stops_the_rest(world: World):
    world.store("ann", "ses_a", status="connected")
    world.store("ann", "ses_b", status="created")
    world.store("bob", "ses_c", status="connected")
    disconnected, failed = await _lifecycle(world).disconnect_all(ANN)
    assert (disconnected, failed) == (["ses_a"], [])
    world.provider.failures["stop"] = ProviderError("transient", "timeout", "slow")
    world.store("ann", "ses_d", status="scan_qr")
    assert await _lifecycle(world).disconnect_all(ANN) == (
        [],
        [{"id": "ses_d", "error": "timeout"}],
    )


async def test_qr_of_an_unknown_session_is_not_found(world: World):
    with pytest.raises(SessionNotFound):
        await _lifecycle(world).qr(ANN, "ses_none")
