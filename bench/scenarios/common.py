"""What the scenarios share: a platform per scenario, a tenant, waiting, the result."""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import aio_pika
import httpx

from bench.harness import metrics
from bench.harness.http import Response
from bench.harness.infra import Infra
from bench.harness.platform import SANDBOX, Platform
from bench.results import Result
from bench.sizing import Sizes

T = TypeVar("T")
# The bench's tenant plan: the enterprise plan's sessions, without its per-minute send rate
# limit (600/min), which would otherwise answer most of the load with 429.
BENCH_PLAN_ID = "bench"
BENCH_PLAN = {
    "name": "Bench",
    "max_sessions": 10,
    "daily_limit_per_session": None,
    "rate_limit_per_minute": 100_000,
}
SEND_BODY = {"to": "+62 812-3456-7890", "type": "text", "text": "bench message"}


class ScenarioError(RuntimeError):
    """The scenario could not run; its message becomes the result's ``reason``."""


@dataclass
class ScenarioContext:
    infra: Infra
    sizes: Sizes
    log_dir: Path


@dataclass
class Tenant:
    user_id: str
    api_key: str | None = None
    session_ids: list[str] = field(default_factory=list)
    customer_token: str = ""


def expect(
    response: httpx.Response | Response, what: str, ok: Sequence[int] = (200, 201, 202)
) -> Any:
    """The JSON body of a successful answer; ScenarioError naming the step otherwise."""
    if response.status_code not in ok:
        request = getattr(response, "request", None)
        where = f"{request.method} {request.url.path} " if request is not None else ""
        raise ScenarioError(f"{what}: {where}answered {response.status_code} {response.text[:200]}")
    try:
        return response.json()
    except ValueError:
        return None


async def eventually(
    probe: Callable[[], Awaitable[T | None]], timeout_s: float, what: str, every_s: float = 0.5
) -> T:
    """Poll ``probe`` until it returns something other than None/False."""
    deadline = time.monotonic() + timeout_s
    last_error = ""
    while True:
        try:
            value = await probe()
            if value is not None and value is not False:
                return value
        except (httpx.HTTPError, ScenarioError) as exc:
            last_error = f" (last: {exc})"
        if time.monotonic() >= deadline:
            raise ScenarioError(
                f"timed out after {timeout_s:.0f}s waiting until {what}{last_error}"
            )
        await asyncio.sleep(every_s)


async def while_progressing(
    read: Callable[[], Awaitable[int]], target: int, stall_s: float, what: str, every_s: float = 0.5
) -> int:
    """Poll a count until it reaches ``target``; give up only when it stops growing for
    ``stall_s`` (a backlog that keeps draining is waited for, however long it is)."""
    best, deadline = -1, time.monotonic() + stall_s
    while True:
        count = await read()
        if count >= target:
            return count
        if count > best:
            best, deadline = count, time.monotonic() + stall_s
        elif time.monotonic() >= deadline:
            raise ScenarioError(f"{what}: stuck at {best} of {target} for {stall_s:.0f}s")
        await asyncio.sleep(every_s)


@contextlib.asynccontextmanager
async def platform(
    ctx: ScenarioContext,
    purpose: str,
    services: Sequence[str],
    *,
    sandbox: bool = True,
    overrides: dict[str, dict[str, str]] | None = None,
) -> AsyncIterator[Platform]:
    """A fresh platform for one scenario, stopped and cleaned up afterwards."""
    running = Platform(
        ctx.infra,
        purpose,
        services,
        log_dir=ctx.log_dir,
        sandbox=sandbox,
        sandbox_latency_ms=ctx.sizes.sandbox_latency_ms,
        overrides=overrides,
    )
    try:
        reason = await running.start()
        if reason:
            raise ScenarioError(f"platform not ready: {reason}")
        yield running
    finally:
        await running.stop()


async def sandbox_config(client: httpx.AsyncClient, running: Platform, **config: Any) -> None:
    response = await client.put(running.url(SANDBOX) + "/control/config", json=config)
    expect(response, "sandbox config")


async def provision_tenant(
    client: httpx.AsyncClient,
    running: Platform,
    user_id: str,
    *,
    sessions: int,
    plan_id: str = "bench",
    daily_limit: int | None = None,
    connect: bool = True,
    settle_timeout_s: float = 30.0,
) -> Tenant:
    """A subscription (admin, billing), sessions (session-svc), an API key (billing)."""
    tenant = Tenant(user_id=user_id, customer_token=running.customer_token(user_id))
    admin = {"Authorization": f"Bearer {running.admin_token()}"}
    customer = {"Authorization": f"Bearer {tenant.customer_token}"}
    ends_at = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    billing = running.url("billing-svc")
    if plan_id == BENCH_PLAN_ID:
        expect(
            await client.put(f"{billing}/v1/plans/{plan_id}", json=BENCH_PLAN, headers=admin),
            "create the bench plan",
        )
    expect(
        await client.put(
            f"{billing}/v1/users/{user_id}/subscription",
            json={"plan_id": plan_id, "ends_at": ends_at},
            headers=admin,
        ),
        "set the subscription",
    )
    if sessions:
        session_url = running.url("session-svc")
        for index in range(sessions):
            body: dict[str, Any] = {"name": f"bench-{index}"}
            if daily_limit is not None:
                body["daily_limit"] = daily_limit

            async def create(body: dict[str, Any] = body) -> dict[str, Any] | None:
                # billing learns the subscription over the broker: retry until it has
                response = await client.post(
                    f"{session_url}/v1/sessions", json=body, headers=customer
                )
                if response.status_code in (403, 503):
                    return None
                created: dict[str, Any] = expect(response, "create a session", ok=(201,))
                return created

            session = await eventually(create, settle_timeout_s, "create a session")
            tenant.session_ids.append(str(session["id"]))
        if connect:
            await connect_sessions(client, running, tenant, settle_timeout_s)
    key = expect(
        await client.post(f"{billing}/v1/api-keys", headers=customer),
        "create an API key",
        ok=(201,),
    )
    tenant.api_key = str(key["api_key"])
    return tenant


async def connect_sessions(
    client: httpx.AsyncClient, running: Platform, tenant: Tenant, timeout_s: float
) -> None:
    """Connect every session (the sandbox auto-connects) and wait until all are connected."""
    session_url = running.url("session-svc")
    customer = {"Authorization": f"Bearer {tenant.customer_token}"}
    for session_id in tenant.session_ids:
        expect(
            await client.post(f"{session_url}/v1/sessions/{session_id}/connect", headers=customer),
            "connect a session",
        )

    async def all_connected() -> bool:
        listing = expect(
            await client.get(f"{session_url}/v1/sessions", headers=customer), "list sessions"
        )
        statuses = {s["id"]: s.get("status") for s in listing.get("sessions", [])}
        return all(statuses.get(sid) == "connected" for sid in tenant.session_ids)

    await eventually(all_connected, timeout_s, "sessions connected")


async def queue_depth(rabbitmq_url: str, running: Platform, queue: str) -> int:
    """Ready messages in a queue of the platform's namespace (passive declare)."""
    connection = await aio_pika.connect(rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        declared = await channel.declare_queue(f"{running.namespace}{queue}", passive=True)
        return int(declared.declaration_result.message_count or 0)


def control_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=30, trust_env=False)


async def guarded(result: Result, body: Callable[[], Awaitable[None]]) -> Result:
    """Run a scenario's body; a ScenarioError or an unexpected exception becomes ``error``."""
    try:
        await body()
    except ScenarioError as exc:
        return result.fail(str(exc))
    except Exception as exc:
        return result.fail(f"{type(exc).__name__}: {exc}")
    return result.settle()


@dataclass(frozen=True)
class Budget:
    """One of the issue's round-trip budgets, measured on its own path.

    ``origins``: the ``origin`` labels of the path (``*`` suffix = prefix), ``measure``:
    ``mongo`` or ``publishes`` (of ``event_type`` when given), ``count``: how many units
    the path handled in the measured phase (202s, messages, requests, events), ``per``
    names the unit.
    """

    name: str
    service: str
    origins: tuple[str, ...]
    measure: str
    limit: float
    count: float
    per: str
    event_type: str | None = None


def budgets(round_trips: dict[str, Any], wanted: Sequence[Budget]) -> dict[str, Any]:
    """The issue's round-trip budgets against what the services counted on each path.

    Reported, never failing the run: the budgets are enforced by the services' tests
    (counts, not timings); here they are the figures of a real run.
    """
    out: dict[str, Any] = {}
    for budget in wanted:
        found = metrics.origin_total(
            round_trips, budget.service, budget.origins, budget.measure, budget.event_type
        )
        entry: dict[str, Any] = {
            "limit": budget.limit,
            "actual": None,
            "within": None,
            "service": budget.service,
            "origins": list(budget.origins),
            "measure": budget.measure + (f":{budget.event_type}" if budget.event_type else ""),
            "total": found,
            "per": budget.per,
            "count": budget.count,
        }
        if found is not None and budget.count:
            entry["actual"] = round(found / budget.count, 3)
            entry["within"] = entry["actual"] <= budget.limit
        out[budget.name] = entry
    return out


ACCEPT = "http:POST /v1/messages"
DISPATCH = "sender-svc.dispatch"


def accept_budgets(requests: int, accepted: int) -> list[Budget]:
    """The accept path's budgets of record: 2 MongoDB round trips and 1 publish."""
    return [
        Budget(
            "accept_mongo_round_trips",
            "sender-svc",
            (ACCEPT,),
            "mongo",
            2,
            requests,
            "request answered",
        ),
        Budget(
            "accept_publishes",
            "sender-svc",
            (ACCEPT,),
            "publishes",
            1,
            accepted,
            "202 answer",
            event_type="message.requested",
        ),
    ]
