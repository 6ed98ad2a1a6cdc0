"""No process wedges: three 30 s MongoDB outages in a row leave every service live, ready
and working; and SIGTERM stops a process within its grace period even with its
database hung."""

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid

import httpx
import pytest
from wagate_contracts.names import Queue, dead_letter_queue, retry_queue
from wagate_platform.auth import issue_jwt
from wagate_platform.settings import DEV_JWT_SECRET, ServiceSettings
from wagate_testing.fault_proxy import fault_proxy
from wagate_testing.infra import free_port
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]

USER = "wedge-customer"
GRACE_S = 30


@pytest.mark.timeout(480)
async def test_three_30s_outages_in_a_row_leave_no_process_wedged(platform):
    api = await platform.onboard(USER, sessions=2)
    load = platform.load(api, interval_s=0.3, clients=2)
    load.start()
    for _ in range(3):
        await eventually(lambda: asyncio.sleep(0, load.answers[202] > 0), timeout_s=60)
        platform.mongo.drop()
        await asyncio.sleep(30)  # the outage itself, not a wait for an effect
        platform.mongo.restore()
        await eventually(platform.all_ready, timeout_s=90, what="every service ready again")
        load.answers.clear()
    await eventually(lambda: asyncio.sleep(0, load.answers[202] >= 10), timeout_s=60)
    await load.stop()

    live = [await platform.http.get(platform.url(s, "/healthz")) for s in platform.urls]
    n = len(load.accepted)

    async def all_sent() -> dict[str, int] | None:
        got = await platform.http.get(
            platform.url("stats", f"/v1/stats/users/{USER}"), headers=platform.bearer(USER)
        )
        body = got.json()
        return body if body.get("sent") == n and body.get("requested") == n else None

    await eventually(all_sent, timeout_s=180, interval_s=0.5, what=f"{n} messages sent")
    rate = await platform.http.get(platform.url("sender", "/v1/rate-limit"), headers=api)

    assert all(r.status_code == 200 for r in live), [r.text for r in live]
    assert rate.status_code == 200, rate.text
    assert await platform.dead_lettered() == {}


@pytest.mark.timeout(120)
async def test_sigterm_stops_a_service_whose_database_hangs(
    rabbitmq_url, mongodb_url, janitor, tmp_path
):
    namespace = f"test-{uuid.uuid4().hex[:10]}."
    janitor.track_namespace(namespace)
    for queue in (Queue.STATS_MESSAGES, Queue.STATS_SESSIONS):
        janitor.track_queue(namespace + queue)
        janitor.track_queue(namespace + dead_letter_queue(queue))
    for delay in ServiceSettings.model_fields["amqp_retry_delays_ms"].default:
        janitor.track_queue(namespace + retry_queue(delay))
    token = issue_jwt("u1", "customer", DEV_JWT_SECRET)  # type: ignore[arg-type]
    async with fault_proxy(mongodb_url) as (mongo, mongo_url):
        port = free_port()
        database = f"wagate_stats_sigterm_{uuid.uuid4().hex[:8]}"
        janitor.track_database(database)
        env = {
            **os.environ,
            "ENVIRONMENT": "development",
            "HTTP_PORT": str(port),
            "MONGODB_URL": mongo_url,
            "MONGODB_DATABASE": database,
            "RABBITMQ_URL": rabbitmq_url,
            "AMQP_NAMESPACE": namespace,
        }
        log = (tmp_path / "stats.log").open("w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "stats_svc"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            base = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=base, timeout=5) as client:

                async def ready() -> bool:
                    try:
                        return (await client.get("/readyz")).status_code == 200
                    except httpx.HTTPError:
                        return False

                await eventually(ready, timeout_s=60, what="stats-svc ready")
                mongo.freeze()  # a hung database: connections stay open, nothing answers
                hung = asyncio.create_task(
                    client.get(
                        "/v1/stats/users/u1",
                        headers={"Authorization": f"Bearer {token}"},
                        timeout=60,
                    )
                )
                await asyncio.sleep(0.5)
                proc.send_signal(signal.SIGTERM)
                started = time.monotonic()
                code = await asyncio.to_thread(proc.wait, GRACE_S + 5)
                took = time.monotonic() - started
                hung.cancel()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            log.close()
            mongo.restore()

    assert code is not None
    assert took < GRACE_S, f"took {took:.1f}s to stop; log: {(tmp_path / 'stats.log').read_text()}"
