"""Scenario 1, ingest: accepted ``POST /v1/messages`` per second, with concurrency.

A 202 means the message was durably queued. sender-svc runs with its dispatch consumer
paused (``AMQP_PAUSED_QUEUES=sender-svc.dispatch``: declared and bound, not consumed),
so the figure is the accept path's alone and ``sender-svc.dispatch`` itself is the
count to check: its depth must equal the 202s (warm-up included). An event tap (an
exclusive queue bound to ``message.requested``) checks that none was published twice.
Budget of record: ≤ 2 MongoDB round trips and 1 publish per request, counted on the
origin ``http:POST /v1/messages``.
"""

from wagate_testing.event_tap import EventTap

from bench.harness import metrics
from bench.harness.loadgen import loopback_client, run_load
from bench.results import Check, Result
from bench.scenarios.common import (
    DISPATCH,
    SEND_BODY,
    ScenarioContext,
    ScenarioError,
    accept_budgets,
    budgets,
    control_client,
    eventually,
    guarded,
    platform,
    provision_tenant,
    queue_depth,
    sandbox_config,
)

SERVICES = ("billing-svc", "session-svc", "sender-svc")
WARMUP = 10


async def run(ctx: ScenarioContext) -> Result:
    sizes = ctx.sizes
    result = Result("ingest", "scenario", quick=sizes.quick, unit="accepted/s")
    result.params = {
        "requests": sizes.http_requests,
        "concurrency": sizes.http_concurrency,
        "time_limit_s": sizes.http_time_limit_s,
        "sessions": 0,
        "services": list(SERVICES),
    }

    async def body() -> None:
        async with (
            platform(
                ctx, "ingest", SERVICES, overrides={"sender-svc": {"AMQP_PAUSED_QUEUES": DISPATCH}}
            ) as running,
            control_client() as control,
        ):
            await sandbox_config(control, running, auto_ack=False)
            tenant = await provision_tenant(
                control,
                running,
                "bench-ingest",
                sessions=0,
                settle_timeout_s=sizes.settle_timeout_s,
            )
            headers = {"X-Api-Key": tenant.api_key or ""}
            sender = running.url("sender-svc")
            async with (
                EventTap(ctx.infra.rabbitmq_url, running.namespace, ["message.requested"]) as tap,
                loopback_client(sender, sizes.http_concurrency) as client,
            ):
                # warm-up (and proof that the route works before measuring)
                for _ in range(WARMUP):
                    response = await client.post("/v1/messages", json=SEND_BODY, headers=headers)
                    if response.status_code != 202:
                        result.details["warmup_answer"] = response.text[:300]
                        result.fail(f"POST /v1/messages answered {response.status_code}")
                        return
                await eventually(
                    lambda: _at_least(tap, WARMUP), sizes.settle_timeout_s, "warm-up events tapped"
                )
                tap.received.clear()
                before = await running.scrape()
                running.reset_peak_rss()

                async def send(_: int) -> int:
                    answer = await client.post("/v1/messages", json=SEND_BODY, headers=headers)
                    return answer.status_code

                load = await run_load(
                    send,
                    total=sizes.http_requests,
                    concurrency=sizes.http_concurrency,
                    time_limit_s=sizes.http_time_limit_s,
                    ok=(202,),
                )
                accepted = load.ok_count((202,))
                result.throughput_per_s = load.throughput((202,))
                result.latency = load.latency()
                result.details = load.summary((202,))
                result.rss_peak_mb = running.peak_rss_mb()
                try:
                    await eventually(
                        lambda: _at_least(tap, accepted), sizes.settle_timeout_s, "events tapped"
                    )
                except Exception as exc:
                    result.details["tap_wait"] = str(exc)
                after = await running.scrape()
                result.round_trips = metrics.per_message(before, after, accepted)
                rabbitmq_url = ctx.infra.rabbitmq_url

                async def depth_reached() -> int | None:
                    depth = await queue_depth(rabbitmq_url, running, DISPATCH)
                    return depth if depth >= WARMUP + accepted else None

                try:
                    depth = await eventually(depth_reached, 10, "the dispatch queue filled")
                except ScenarioError:
                    depth = await queue_depth(rabbitmq_url, running, DISPATCH)
                result.checks["queue_depth_equals_accepted"] = Check.equal(WARMUP + accepted, depth)
                requested = len(tap.seen("message.requested"))
                distinct = len({b.get("message_id") for b in tap.seen("message.requested")})
                result.checks["queued_equals_accepted"] = Check.equal(accepted, requested)
                result.checks["no_duplicate_requested"] = Check.equal(requested, distinct)
                result.details["budgets"] = budgets(
                    result.round_trips,
                    [
                        *accept_budgets(load.sent, accepted),
                    ],
                )

    return await guarded(result, body)


async def _at_least(tap: EventTap, count: int) -> bool:
    return len(tap.received) >= count
