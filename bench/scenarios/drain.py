"""Scenario 4, drain: the time to drain a pre-filled backlog of N messages over M sessions.

How the backlog is pre-filled (so the clock measures draining only, and nothing waits in
sender-svc's capacity delay queues): the platform starts with sender-svc's dispatch
consumer paused (``AMQP_PAUSED_QUEUES=sender-svc.dispatch``: the queue is declared and
bound, nothing consumes it). The tenant's M sessions are created and connected, each
with ``daily_limit = ceil(N / M)``, then N messages are accepted through
``POST /v1/messages`` (the real accept path: documents stored, ``message.requested``
confirmed into ``sender-svc.dispatch``). The bench checks that the queue holds the
backlog, then replaces that sender-svc process by one without the setting (same
database, same queues) and the clock runs from its spawn until the provider sandbox has
sent all N. Checks: all N sent exactly once, zero daily-limit violations, max - min of
sent messages across the M (all eligible) sessions ≤ 1. Budget of record: dispatch
≤ 3 MongoDB round trips per message, counted on ``amqp:sender-svc.dispatch`` in the
measured process (it starts from zero, so nothing of the fill is included).
"""

import math
import time

from bench.harness import metrics
from bench.harness.loadgen import loopback_client, run_load
from bench.harness.stats import throughput
from bench.results import Check, Result
from bench.scenarios.common import (
    DISPATCH,
    SEND_BODY,
    Budget,
    ScenarioContext,
    ScenarioError,
    budgets,
    control_client,
    eventually,
    guarded,
    platform,
    provision_tenant,
    queue_depth,
    sandbox_config,
)
from bench.scenarios.end_to_end import sandbox_sent

USER = "bench-drain"
SERVICES = ("billing-svc", "session-svc", "sender-svc")
PAUSED = {"sender-svc": {"AMQP_PAUSED_QUEUES": DISPATCH}}


def spread(counts: list[int]) -> int:
    return max(counts) - min(counts) if counts else 0


def violations(counts: list[int], daily_limit: int) -> int:
    return sum(max(0, count - daily_limit) for count in counts)


async def run(ctx: ScenarioContext) -> Result:
    sizes = ctx.sizes
    n, m = sizes.drain_messages, sizes.drain_sessions
    daily_limit = math.ceil(n / m)
    result = Result("drain", "scenario", quick=sizes.quick, unit="messages/s")
    result.params = {
        "messages": n,
        "sessions": m,
        "daily_limit_per_session": daily_limit,
        "sandbox_latency_ms": sizes.sandbox_latency_ms,
        "prefill": "dispatch consumer paused while filling, then sender-svc replaced",
        "services": list(SERVICES),
    }

    began = time.monotonic()

    async def body() -> None:
        async with (
            platform(ctx, "drain", SERVICES, overrides=PAUSED) as running,
            control_client() as control,
        ):
            await sandbox_config(control, running, auto_ack=False)
            tenant = await provision_tenant(
                control,
                running,
                USER,
                sessions=m,
                daily_limit=daily_limit,
                connect=True,
                settle_timeout_s=sizes.settle_timeout_s,
            )
            headers = {"X-Api-Key": tenant.api_key or ""}
            async with loopback_client(running.url("sender-svc"), sizes.http_concurrency) as c:

                async def send(_: int) -> int:
                    return (
                        await c.post("/v1/messages", json=SEND_BODY, headers=headers)
                    ).status_code

                fill = await run_load(
                    send,
                    total=n,
                    concurrency=sizes.http_concurrency,
                    time_limit_s=sizes.scenario_time_limit_s * 0.3,
                    ok=(202,),
                )
            backlog = fill.ok_count((202,))
            result.details = {"fill": fill.summary((202,))}
            if backlog == 0:
                raise ScenarioError(f"no message accepted while filling: {dict(fill.statuses)}")
            rabbitmq_url = ctx.infra.rabbitmq_url

            async def queued() -> int | None:
                depth = await queue_depth(rabbitmq_url, running, DISPATCH)
                return depth if depth >= backlog else None

            depth = await eventually(queued, sizes.settle_timeout_s, "the backlog queued")
            result.checks["backlog_queued"] = Check.equal(backlog, depth)
            if sum((await sandbox_sent(control, running, tenant.session_ids)).values()):
                raise ScenarioError("messages were sent while dispatch was paused")
            start = time.perf_counter()
            await running.restart("sender-svc", {"AMQP_PAUSED_QUEUES": ""})
            reason = await running.wait_ready("sender-svc")
            if reason:
                raise ScenarioError(f"sender-svc did not restart: {reason}")
            result.details["restart_to_ready_s"] = round(time.perf_counter() - start, 3)
            counts: dict[str, int] = {}

            async def drained() -> bool:
                counts.update(await sandbox_sent(control, running, tenant.session_ids))
                return sum(counts.values()) >= backlog

            try:
                # whatever the scenario's time limit leaves, less 20 s to stop and clean up
                left = sizes.scenario_time_limit_s - (time.monotonic() - began) - 20
                await eventually(drained, max(10.0, left), "the backlog drained", every_s=0.25)
            except ScenarioError as exc:
                # a partial drain is still a figure; drained_exactly fails below
                result.details["drain_wait"] = str(exc)
            finally:
                elapsed = time.perf_counter() - start
                result.rss_peak_mb = running.peak_rss_mb()
                after = await running.scrape()
                result.details["provider_sent_per_session"] = dict(counts)
            result.throughput_per_s = throughput(sum(counts.values()), elapsed)
            result.details["drain_s"] = round(elapsed, 3)
            result.details["drain_is"] = "sender-svc spawn to the provider's last send"
            result.details["projected_100k_s"] = (
                round(100_000 / result.throughput_per_s, 1) if result.throughput_per_s else None
            )
            # the measured sender-svc process started from zero: its counters are the drain's
            result.round_trips = metrics.per_message(
                {"sender-svc": {}}, {"sender-svc": after.get("sender-svc")}, backlog
            )
            result.details["budgets"] = budgets(
                result.round_trips,
                [
                    Budget(
                        "dispatch_mongo_round_trips",
                        "sender-svc",
                        (f"amqp:{DISPATCH}",),
                        "mongo",
                        3,
                        backlog,
                        "message",
                    ),
                    Budget(
                        "dispatch_deferred_mongo_round_trips",
                        "sender-svc",
                        ("task:*", "other"),
                        "mongo",
                        3,
                        backlog,
                        "message (background flushes of the drained process, informational)",
                    ),
                ],
            )
            per_session = [counts.get(s, 0) for s in tenant.session_ids]
            result.checks["drained_exactly"] = Check.equal(backlog, sum(per_session))
            result.checks["daily_limit_violations"] = Check.equal(
                0, violations(per_session, daily_limit)
            )
            result.details["spread_max_minus_min"] = spread(per_session)
            result.checks["spread_max_minus_min"] = Check.at_most(1, spread(per_session))

    return await guarded(result, body)
