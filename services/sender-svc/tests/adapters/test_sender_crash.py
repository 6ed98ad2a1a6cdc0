"""A dispatcher killed mid-batch (SIGKILL of a real process) loses nothing.

Replica A runs as its own process, replica B in the test; A is killed while it holds
messages. Every accepted message is then sent by B, and a message already recorded as
sent before the kill is never sent to the provider again.
"""

import os
import signal
import subprocess
import sys
from collections import Counter

import httpx
import pytest
from wagate_contracts.envelope import utc_now
from wagate_testing.apps import runtime_of
from wagate_testing.infra import free_port
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]
COUNT = 40


def _environment(settings, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "ENVIRONMENT": "test",
            "HTTP_PORT": str(port),
            "RABBITMQ_URL": settings.rabbitmq_url,
            "MONGODB_URL": settings.mongodb_url,
            "MONGODB_DATABASE": settings.mongodb_database,
            "AMQP_NAMESPACE": settings.amqp_namespace,
            "PROVIDER": "sandbox",
            "PROVIDER_URL": settings.provider_url,
            "PACING_INTERVAL_MS": "0",
            "WAIT_DELAYS_MS": "[100,300]",
            "LEASE_S": str(settings.lease_s),
            "PROVIDER_TIMEOUT_S": str(settings.provider_timeout_s),
            "LEASE_MARGIN_S": str(settings.lease_margin_s),
            "STATUS_RETRY_DELAY_MS": str(settings.status_retry_delay_ms),
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


async def test_dispatcher_killed_mid_batch_loses_nothing_and_resends_nothing_recorded(
    sender_settings, sandbox, stage, janitor, event_tap
):
    from sender_svc.app import create_app
    from wagate_testing.apps import app_client

    settings = sender_settings(lease_s=3, provider_timeout_s=1, lease_margin_s=0.5)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sender_svc"],
        env=_environment(settings, port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        app = create_app(settings)
        async with app_client(app, janitor) as client, httpx.AsyncClient() as probe:

            async def a_ready() -> bool:
                try:
                    return (await probe.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200
                except httpx.HTTPError:
                    return False

            await eventually(a_ready, timeout_s=30, interval_s=0.2, what="replica A")
            runtime = runtime_of(app)
            await event_tap(runtime)
            tenant = await stage(runtime, sandbox, sessions=2)
            await sandbox.http.put("/control/config", json={"latency_ms": 150})
            numbers = [f"62811{n:07d}" for n in range(COUNT)]
            for number in numbers:
                body = {"to": number, "type": "text", "text": "hi"}
                answer = await client.post("/v1/messages", json=body, headers=tenant.headers)
                assert answer.status_code == 202
            messages = runtime.db["messages"]

            async def some_sent() -> bool:
                return await messages.count_documents({"status": "sent"}) >= 5

            await eventually(some_sent, timeout_s=30, what="first sends")
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            leased = await messages.count_documents(
                {"status": "queued", "lease_until": {"$gt": utc_now()}}
            )
            recorded = {d["to"] async for d in messages.find({"status": "sent"})}

            async def all_sent() -> bool:
                return await messages.count_documents({"status": "sent"}) == COUNT

            await eventually(all_sent, timeout_s=60, interval_s=0.3, what="every message sent")
        sends: Counter[str] = Counter()
        for session in tenant.sessions:
            sends.update(m["chatId"].partition("@")[0] for m in await sandbox.sent(session))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert set(sends) == set(numbers)  # nothing lost
    assert all(sends[number] == 1 for number in recorded)  # recorded sends never repeated
    duplicates = sum(count - 1 for count in sends.values())
    assert duplicates <= leased  # only messages in flight at the kill may repeat
