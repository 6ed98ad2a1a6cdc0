"""Scenario 2, end-to-end: messages per second from POST to the stats counter.

Load is sustained for ``e2e_duration_s`` at a fixed concurrency over M connected
sessions; the clock stops when stats-svc's ``sent`` counter reaches the number of
202s. The counters must then be exact (requested = sent = accepted, failed = 0), and
the sandbox (the provider's own record) must hold exactly ``accepted`` sent messages.
Budgets of record: dispatch ≤ 3 MongoDB round trips per message, the stats projector
≤ 0.2 per event.
"""

import time
from typing import Any

import httpx

from bench.harness import metrics
from bench.harness.loadgen import loopback_client, run_load
from bench.harness.platform import ALL_SERVICES, SANDBOX, Platform
from bench.harness.stats import throughput
from bench.results import Check, Result
from bench.scenarios.backlog import BACKLOG_PER_WORKER, BacklogGate
from bench.scenarios.common import (
    DISPATCH,
    SEND_BODY,
    Budget,
    ScenarioContext,
    Tenant,
    accept_budgets,
    budgets,
    control_client,
    eventually,
    expect,
    guarded,
    platform,
    provision_tenant,
    sandbox_config,
    while_progressing,
)

USER = "bench-e2e"


async def stats_of(client: httpx.AsyncClient, running: Platform, tenant: Tenant) -> dict[str, Any]:
    response = await client.get(
        f"{running.url('stats-svc')}/v1/stats/users/{tenant.user_id}",
        headers={"Authorization": f"Bearer {tenant.customer_token}"},
    )
    found: dict[str, Any] = expect(response, "read the user's stats")
    return found


async def sandbox_sent(
    client: httpx.AsyncClient, running: Platform, session_ids: list[str]
) -> dict[str, int]:
    """Messages the provider sandbox sent, per session (provider session = session id)."""
    counts: dict[str, int] = {}
    for session_id in session_ids:
        response = await client.get(f"{running.url(SANDBOX)}/control/sessions/{session_id}/sent")
        sent = expect(response, "read the sandbox's sent messages")
        items = sent if isinstance(sent, list) else sent.get("messages", sent.get("sent", []))
        counts[session_id] = len(items)
    return counts


async def run(ctx: ScenarioContext) -> Result:
    sizes = ctx.sizes
    result = Result("end_to_end", "scenario", quick=sizes.quick, unit="messages/s")
    result.params = {
        "duration_s": sizes.e2e_duration_s,
        "concurrency": sizes.e2e_concurrency,
        "sessions": sizes.e2e_sessions,
        "sandbox_latency_ms": sizes.sandbox_latency_ms,
        "sandbox_auto_ack": False,
        "services": list(ALL_SERVICES),
    }

    async def body() -> None:
        async with platform(ctx, "e2e", ALL_SERVICES) as running, control_client() as control:
            await sandbox_config(control, running, auto_ack=False)
            tenant = await provision_tenant(
                control,
                running,
                USER,
                sessions=sizes.e2e_sessions,
                settle_timeout_s=sizes.settle_timeout_s,
            )
            headers = {"X-Api-Key": tenant.api_key or ""}
            async with loopback_client(running.url("sender-svc"), sizes.e2e_concurrency) as client:
                warm = await client.post("/v1/messages", json=SEND_BODY, headers=headers)
                expect(warm, "send a warm-up message", ok=(202,))
                await eventually(
                    lambda: _sent_at_least(control, running, tenant, 1),
                    sizes.settle_timeout_s,
                    "the warm-up message counted as sent by stats-svc",
                )
                base = await stats_of(control, running, tenant)
                before = await running.scrape()
                running.reset_peak_rss()

                gate = BacklogGate(
                    lambda: _sent(control, running, tenant),
                    int(base.get("sent", 0)),
                    window=BACKLOG_PER_WORKER * sizes.e2e_concurrency,
                )

                async def send(_: int) -> int:
                    answer = await client.post("/v1/messages", json=SEND_BODY, headers=headers)
                    if answer.status_code != 202:
                        gate.unreserve()
                    return answer.status_code

                start = time.perf_counter()
                async with gate.polling():
                    load = await run_load(
                        send,
                        total=10**9,
                        concurrency=sizes.e2e_concurrency,
                        time_limit_s=sizes.e2e_duration_s,
                        ok=(202,),
                        gate=lambda: gate.wait(max_wait_s=sizes.e2e_duration_s),
                    )
            accepted = load.ok_count((202,))
            target = int(base.get("sent", 0)) + accepted
            result.details = {"load": load.summary((202,))}
            try:
                await while_progressing(
                    lambda: _sent(control, running, tenant),
                    target,
                    sizes.settle_timeout_s,
                    "stats-svc counting every accepted message as sent",
                    every_s=0.25,
                )
            finally:
                done = time.perf_counter() - start
                result.rss_peak_mb = running.peak_rss_mb()
                after = await running.scrape()
                final = await stats_of(control, running, tenant)
                result.details["stats"] = final
            result.throughput_per_s = throughput(accepted, done)
            result.latency = load.latency()
            result.details["accept_per_s"] = load.throughput((202,))
            result.details["catch_up_s"] = round(done - load.elapsed_s, 3)
            result.details["latency_is"] = "POST /v1/messages answer time (202)"
            result.round_trips = metrics.per_message(before, after, accepted)
            stats_consumed = _consumed(before, after, "stats-svc")
            sent_total = metrics.origin_total(
                result.round_trips, "sender-svc", (f"amqp:{DISPATCH}",), "publishes", "message.sent"
            )
            result.details["budgets"] = budgets(
                result.round_trips,
                [
                    *accept_budgets(load.sent, accepted),
                    Budget(
                        "dispatch_mongo_round_trips",
                        "sender-svc",
                        (f"amqp:{DISPATCH}",),
                        "mongo",
                        3,
                        sent_total or accepted,
                        "message sent",
                    ),
                    Budget(
                        "stats_projector_per_event",
                        "stats-svc",
                        ("amqp:stats-svc.*",),
                        "mongo",
                        0.2,
                        stats_consumed,
                        "event consumed",
                    ),
                ],
            )
            result.details["background_round_trips"] = {
                service: {
                    where: found
                    for where, found in (counts or {}).get("by_origin", {}).items()
                    if where.startswith("task:") or where == "other"
                }
                for service, counts in result.round_trips.items()
                if isinstance(counts, dict)
            }
            for counter in ("requested", "sent"):
                result.checks[f"stats_{counter}_exact"] = Check.equal(
                    int(base.get(counter, 0)) + accepted, int(final.get(counter, -1))
                )
            result.checks["stats_failed_zero"] = Check.equal(
                int(base.get("failed", 0)), int(final.get("failed", -1))
            )
            provider = await sandbox_sent(control, running, tenant.session_ids)
            result.details["provider_sent_per_session"] = provider
            result.checks["provider_sent_exact"] = Check.equal(accepted + 1, sum(provider.values()))

    return await guarded(result, body)


def _consumed(
    before: dict[str, metrics.Samples | None], after: dict[str, metrics.Samples | None], svc: str
) -> float:
    start, end = before.get(svc), after.get(svc)
    if start is None or end is None:
        return 0.0
    return metrics.total(metrics.delta(start, end), metrics.EVENTS_CONSUMED, {"outcome": "ok"})


async def _sent(client: httpx.AsyncClient, running: Platform, tenant: Tenant) -> int:
    return int((await stats_of(client, running, tenant)).get("sent", 0))


async def _sent_at_least(
    client: httpx.AsyncClient, running: Platform, tenant: Tenant, count: int
) -> bool:
    return await _sent(client, running, tenant) >= count
