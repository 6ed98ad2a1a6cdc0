"""Unit (fakes): a send starts only while the message's lease outlives the provider call."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from sender_svc.adapters.providers import ProviderAdapter
from sender_svc.adapters.sessions import Pool
from sender_svc.domain.sessions import ClaimedSession
from sender_svc.service import dispatch as dispatch_module
from sender_svc.service.dispatch import Dispatcher
from sender_svc.settings import SenderSettings
from wagate_contracts.envelope import utc_now
from wagate_contracts.events import MessageRequested
from wagate_platform.topology import Topology
from wagate_providers.base import SendResult


@dataclass
class Clock:
    at: datetime = field(default_factory=utc_now)

    def __call__(self) -> datetime:
        return self.at


@dataclass
class Fakes:
    clock: Clock
    wait_for_session_s: float
    calls: list[tuple[str, Any]] = field(default_factory=list)

    # messages
    async def claim(self, message_id: str, owner: str, at: datetime, until: datetime) -> bool:
        return True

    async def release(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append(("release", args[0]))

    async def record_outcome(self, message_id: str, new: str, *args: Any) -> None:
        self.calls.append(("record", new))

    # chooser
    async def sticky_session(self, *args: Any) -> None:
        return None

    async def choose(self, *args: Any, **kwargs: Any) -> ClaimedSession:
        self.clock.at += timedelta(seconds=self.wait_for_session_s)  # the claim's queueing
        return ClaimedSession("ses_a", "sandbox", "ses_a", self.clock.at)

    # sessions
    async def count_untried(self, *args: Any) -> int:
        return 1

    # provider
    async def send(self, *args: Any) -> SendResult:
        self.calls.append(("send", args[0]))
        return SendResult("prov-1")

    # publisher
    async def publish_raw(self, body: Any, **kwargs: Any) -> None:
        self.calls.append(("put_back", kwargs["headers"]))

    async def publish(self, event: Any) -> None:
        self.calls.append(("publish", event.EVENT_TYPE))

    # outbox
    def confirmed(self, *args: Any) -> None:
        pass

    # pools
    async def pool_for(self, event: MessageRequested) -> Pool:
        return Pool(event.user_id)


class Sessions:
    def __init__(self, fakes: Fakes) -> None:
        self.fakes = fakes
        self.count_untried = fakes.count_untried

    async def release(self, session_id: str, *args: Any, **kwargs: Any) -> None:
        self.fakes.calls.append(("session_release", session_id))


def dispatcher(fakes: Fakes) -> Dispatcher:
    provider = ProviderAdapter("sandbox", fakes, fakes.confirmed)  # type: ignore[arg-type]
    return Dispatcher(
        fakes,  # type: ignore[arg-type]
        Sessions(fakes),  # type: ignore[arg-type]
        fakes,  # type: ignore[arg-type]
        provider,
        fakes,  # type: ignore[arg-type]
        Topology(),
        fakes,  # type: ignore[arg-type]
        SenderSettings(environment="test", lease_s=20, provider_timeout_s=5, lease_margin_s=2),
        fakes,  # type: ignore[arg-type]
    )


def requested(clock: Clock) -> MessageRequested:
    return MessageRequested(
        producer="sender-svc",
        occurred_at=clock.at,
        user_id="usr_1",
        message_id="msg_1",
        to="6281234500001",
        content={"type": "text", "text": "hi"},
    )


@pytest.mark.asyncio
async def test_a_message_whose_lease_could_lapse_mid_call_is_put_back_unsent(monkeypatch):
    fakes = Fakes(Clock(), wait_for_session_s=13.5)  # 20 - 5 - 2 = 13 s left to start a send
    monkeypatch.setattr(dispatch_module, "now", fakes.clock)
    await dispatcher(fakes).handle(requested(fakes.clock), 0, [])
    kinds = [kind for kind, _ in fakes.calls]
    assert "send" not in kinds
    assert kinds == ["session_release", "release", "put_back"]
    assert fakes.calls[-1][1]["x-attempt"] == 1


@pytest.mark.asyncio
async def test_a_message_claimed_in_time_is_sent(monkeypatch):
    fakes = Fakes(Clock(), wait_for_session_s=12.5)
    monkeypatch.setattr(dispatch_module, "now", fakes.clock)
    await dispatcher(fakes).handle(requested(fakes.clock), 0, [])
    assert [kind for kind, _ in fakes.calls] == ["send", "record", "publish"]


def test_a_lease_shorter_than_a_provider_call_is_refused():
    with pytest.raises(ValueError, match="LEASE_S"):
        SenderSettings(environment="test", lease_s=10, provider_timeout_s=8, lease_margin_s=2)
