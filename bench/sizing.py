"""How much work each floor and scenario does: the full run and ``--quick``.

The full run fits in 10 minutes on 2 cores against the embedded MongoDB-compatible
server; every count is also bounded by a time limit, so a slow machine finishes
with fewer operations rather than late.
"""

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Sizes:
    quick: bool
    # load generator, shared by floor (a), ingest, webhook
    http_requests: int
    http_concurrency: int
    http_time_limit_s: float
    # floor (b): raw aio-pika publish+consume
    amqp_messages: int
    amqp_in_flight: int
    # floor (c): MongoDB $inc per message vs batched
    mongo_events: int
    mongo_keys: int
    mongo_batch: int
    # scenarios
    e2e_duration_s: float
    e2e_concurrency: int
    e2e_sessions: int
    webhook_callbacks: int
    webhook_duplicate_ratio: float
    webhook_sessions: int
    drain_messages: int
    drain_sessions: int
    sandbox_latency_ms: int
    settle_timeout_s: float
    """How long a scenario waits for the pipeline to catch up (counters, queues)."""
    scenario_time_limit_s: float
    """Hard limit of one scenario, platform start and cleanup included."""
    run_budget_s: float
    """Scenarios that cannot start within this budget are skipped."""


FULL = Sizes(
    quick=False,
    http_requests=20_000,
    http_concurrency=64,
    http_time_limit_s=30.0,
    amqp_messages=30_000,
    amqp_in_flight=256,
    mongo_events=3_000,
    mongo_keys=50,
    mongo_batch=256,
    e2e_duration_s=30.0,
    e2e_concurrency=32,
    e2e_sessions=5,
    webhook_callbacks=3_000,
    webhook_duplicate_ratio=0.1,
    webhook_sessions=10,
    drain_messages=500,
    drain_sessions=10,
    sandbox_latency_ms=20,
    settle_timeout_s=60.0,
    scenario_time_limit_s=150.0,
    run_budget_s=570.0,
)

QUICK = replace(
    FULL,
    quick=True,
    http_requests=2_000,
    http_time_limit_s=8.0,
    amqp_messages=5_000,
    mongo_events=500,
    e2e_duration_s=8.0,
    e2e_sessions=3,
    webhook_callbacks=2_000,
    webhook_sessions=3,
    drain_messages=150,
    drain_sessions=3,
    settle_timeout_s=20.0,
    scenario_time_limit_s=60.0,
    run_budget_s=170.0,
)


def sizes(quick: bool, *, drain_messages: int | None = None) -> Sizes:
    chosen = QUICK if quick else FULL
    if drain_messages is not None:
        chosen = replace(chosen, drain_messages=drain_messages)
    return chosen
