"""Integration: customer webhooks out — signed, retried on delay queues, dead-lettered, safe."""

import asyncio
import hashlib
import hmac
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI, Request, Response
from wagate_contracts import MessageReceived, MessageStatus
from wagate_contracts.envelope import utc_now
from wagate_platform import netguard
from wagate_testing.apps import served
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


@dataclass
class Receiver:
    """A customer endpoint: answers the scripted statuses, then 200; records every call."""

    script: list[int] = field(default_factory=list)
    delay_s: float = 0.0
    calls: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hook")
        async def hook(request: Request) -> Response:
            if self.delay_s:
                await asyncio.sleep(self.delay_s)  # the endpoint under test is slow
            status = self.script.pop(0) if self.script else 200
            self.calls.append((status, dict(request.headers), await request.body()))
            return Response(status_code=status)

        return app

    def succeeded(self) -> list[tuple[int, dict[str, str], bytes]]:
        return [call for call in self.calls if call[0] == 200]


@asynccontextmanager
async def receiving(receiver: Receiver) -> AsyncIterator[str]:
    async with served(receiver.app()) as base_url:
        yield f"{base_url}/hook"


async def configure(svc: Any, user_id: str, url: str, **extra: Any) -> str:
    response = await svc.client.put(
        "/v1/webhook-config", json={"url": url, **extra}, headers=svc.jwt(user_id)
    )
    assert response.status_code == 200, response.text
    return str(response.json()["secret"])


def status_event(user_id: str, provider_message_id: str = "pm-1") -> MessageStatus:
    return MessageStatus(
        producer="webhook-svc",
        user_id=user_id,
        provider="sandbox",
        provider_message_id=provider_message_id,
        status="delivered",
        at=utc_now(),
    )


async def deliveries(svc: Any, user_id: str, status: str) -> list[dict[str, Any]]:
    response = await svc.client.get(
        "/v1/webhook-deliveries", params={"status": status}, headers=svc.jwt(user_id)
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["deliveries"]
    return found


async def test_endpoint_failing_twice_then_succeeding_receives_once_with_valid_signature(
    webhook_service,
):
    receiver = Receiver(script=[500, 503])
    async with receiving(receiver) as url, webhook_service() as svc:
        secret = await configure(svc, "u1", url)
        event = status_event("u1")
        await svc.runtime.publisher.publish(event)
        [done] = await eventually(lambda: deliveries(svc, "u1", "delivered"), what="delivered")
    assert [call[0] for call in receiver.calls] == [500, 503, 200]
    [(_, headers, body)] = receiver.succeeded()
    timestamp = headers["x-wagate-timestamp"]
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    assert headers["x-wagate-signature"] == f"sha256={expected}"
    assert abs(int(timestamp) - time.time()) < 60
    assert headers["x-wagate-delivery-id"] == done["id"]
    assert len({call[1]["x-wagate-delivery-id"] for call in receiver.calls}) == 1
    assert done["attempts"] == 3
    assert done["event_id"] == str(event.event_id)


async def test_permanently_failing_endpoint_ends_in_the_failed_list_and_can_be_retried(
    webhook_service,
):
    receiver = Receiver(script=[500] * 4)
    async with receiving(receiver) as url, webhook_service() as svc:
        await configure(svc, "u1", url)
        await svc.runtime.publisher.publish(status_event("u1"))
        [failed] = await eventually(lambda: deliveries(svc, "u1", "failed"), what="failed")
        assert len(receiver.calls) == 4  # 1 + the 3 configured retries, no more
        assert await deliveries(svc, "u2", "failed") == []  # other users see nothing
        other = await svc.client.post(
            f"/v1/webhook-deliveries/{failed['id']}/retry", headers=svc.jwt("u2")
        )
        retried = await svc.client.post(
            f"/v1/webhook-deliveries/{failed['id']}/retry", headers=svc.jwt("u1")
        )
        [done] = await eventually(lambda: deliveries(svc, "u1", "delivered"), what="manual retry")
    assert failed["last_error"] == "endpoint answered HTTP 500"
    assert failed["last_status_code"] == 500
    assert failed["attempts"] == 4
    assert other.status_code == 404
    assert retried.status_code == 202
    assert done["id"] == failed["id"]
    assert len(receiver.succeeded()) == 1


async def test_client_errors_other_than_408_and_429_are_not_retried(webhook_service):
    receiver = Receiver(script=[410])
    async with receiving(receiver) as url, webhook_service() as svc:
        await configure(svc, "u1", url)
        await svc.runtime.publisher.publish(status_event("u1"))
        [failed] = await eventually(lambda: deliveries(svc, "u1", "failed"), what="failed")
    assert failed["attempts"] == 1
    assert failed["last_status_code"] == 410
    assert len(receiver.calls) == 1


async def test_deduplicated_inbound_is_not_forwarded_and_the_event_filter_applies(webhook_service):
    receiver = Receiver()
    base = {
        "producer": "webhook-svc",
        "user_id": "u1",
        "provider": "sandbox",
        "provider_session": "ses_p1",
        "from": "6281111111111",
        "type": "text",
        "received_at": utc_now(),
    }
    async with receiving(receiver) as url, webhook_service() as svc:
        await configure(svc, "u1", url, events=["message.received"])
        publisher = svc.runtime.publisher
        await publisher.publish(MessageReceived(**base, provider_message_id="m1", text="hi"))
        await publisher.publish(
            MessageReceived(**base, provider_message_id="m2", text="hi", deduplicated=True)
        )
        await publisher.publish(status_event("u1"))  # filtered out by the config
        marker = MessageReceived(**base, provider_message_id="m3", text="last")
        await publisher.publish(marker)
        await eventually(lambda: _received(receiver, b'"m3"'), what="the last event")
    bodies = [call[2] for call in receiver.calls]
    assert any(b'"m1"' in b for b in bodies)
    assert not any(b'"m2"' in b or b"message.status" in b for b in bodies)


async def test_a_slow_endpoint_does_not_delay_another_users_deliveries(webhook_service):
    slow, fast = Receiver(delay_s=1.5), Receiver()
    async with receiving(slow) as slow_url, receiving(fast) as fast_url, webhook_service() as svc:
        await configure(svc, "slow-user", slow_url)
        await configure(svc, "fast-user", fast_url)
        for n in range(3):
            await svc.runtime.publisher.publish(status_event("slow-user", f"s-{n}"))
        started = time.monotonic()
        await svc.runtime.publisher.publish(status_event("fast-user"))
        await eventually(lambda: _received(fast, b"pm-1"), what="the fast delivery")
        fast_latency = time.monotonic() - started
        await eventually(lambda: _count(slow, 3), timeout_s=20, what="the slow deliveries")
    assert fast_latency < 1.0, fast_latency


REFUSED_URLS = (
    "http://127.0.0.1:8080/hook",
    "http://localhost/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://10.1.2.3/hook",
    "http://[::1]/hook",
    "http://0.0.0.0:8004/hook",
    "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped
    "http://[::ffff:0:7f00:1]/hook",  # IPv4-translated
    "http://[::127.0.0.1]/hook",  # IPv4-compatible
    "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",  # NAT64 of 169.254.169.254
    "http://[64:ff9b:1::a00:1]/hook",  # local-use NAT64
    "http://[2002:a00:1::1]/hook",  # 6to4 of 10.0.0.1
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook",  # Teredo, client 127.0.0.1
    "http://[fe80::1]/hook",
)


async def test_ssrf_targets_are_refused_unless_development_allows_them(webhook_service):
    # refused at PUT, before any connection: literals are only checked, and
    # "localhost" is resolved (to loopback) and checked
    async with webhook_service(webhook_allow_private_targets=False) as svc:
        refused = []
        for url in REFUSED_URLS:
            response = await svc.client.put(
                "/v1/webhook-config", json={"url": url}, headers=svc.jwt("u1")
            )
            refused.append((url, response.status_code, response.json()["error"]))
        missing = await svc.client.get("/v1/webhook-config", headers=svc.jwt("u1"))
    assert all(code == 422 and error == "unsafe_url" for _, code, error in refused), refused
    assert missing.status_code == 404


async def test_development_allows_a_loopback_receiver(webhook_service):
    receiver = Receiver()
    async with (
        receiving(receiver) as url,
        webhook_service(environment="development", webhook_allow_private_targets=True) as svc,
    ):
        assert svc.settings.private_targets_allowed
        await configure(svc, "u1", url)
        await svc.runtime.publisher.publish(status_event("u1"))
        await eventually(lambda: deliveries(svc, "u1", "delivered"), what="delivered")
    assert len(receiver.succeeded()) == 1


async def test_the_private_target_escape_is_ignored_in_production(webhook_service):
    receiver = Receiver()
    async with (
        receiving(receiver) as url,
        webhook_service(environment="production", webhook_allow_private_targets=True) as svc,
    ):
        response = await svc.client.put(
            "/v1/webhook-config", json={"url": url}, headers=svc.jwt("u1")
        )
    assert not svc.settings.private_targets_allowed
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "unsafe_url"
    assert receiver.calls == []


async def test_a_host_rebinding_to_loopback_after_configuration_is_refused_at_delivery(
    webhook_service, monkeypatch
):
    """DNS rebinding: public when configured, loopback when the delivery connects. The
    receiver listens on that loopback address: it must never see the request."""
    answers = [["93.184.216.34"]]  # the PUT's lookup; every later one answers loopback

    async def rebinding(host: str, port: int) -> list[str]:
        assert host == "rebind.customer.test"
        return answers.pop(0) if answers else ["127.0.0.1"]

    monkeypatch.setattr(netguard, "system_resolver", rebinding)
    receiver = Receiver()
    async with (
        receiving(receiver) as url,
        webhook_service(webhook_allow_private_targets=False) as svc,
    ):
        port = url.rsplit(":", 1)[1].split("/", 1)[0]
        await configure(svc, "u1", f"http://rebind.customer.test:{port}/hook")
        await svc.runtime.publisher.publish(status_event("u1"))
        [failed] = await eventually(lambda: deliveries(svc, "u1", "failed"), what="refused")
    assert failed["attempts"] == 1  # refused is final, not retried
    assert failed["last_error"].startswith("refused:")
    assert "127.0.0.1" in failed["last_error"]
    assert receiver.calls == []


async def _received(receiver: Receiver, needle: bytes) -> bool:
    return any(needle in call[2] for call in receiver.calls)


async def _count(receiver: Receiver, count: int) -> bool:
    return len(receiver.calls) >= count
