"""``python -m bench``: floors first, then each scenario on a fresh platform."""

import argparse
import asyncio
import contextlib
import sys
import time
import traceback
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.floors.run import floor_amqp_publish_consume, floor_fastapi_publish, floor_mongo_inc
from bench.harness.infra import Infra, discover
from bench.results import Kind, Result, write_result, write_summary
from bench.scenarios import drain, end_to_end, ingest, webhook
from bench.scenarios.common import ScenarioContext
from bench.sizing import Sizes, sizes

FLOORS = ("floor_fastapi_publish", "floor_amqp_publish_consume", "floor_mongo_inc")
SCENARIOS: dict[str, Callable[[ScenarioContext], Awaitable[Result]]] = {
    "ingest": ingest.run,
    "end_to_end": end_to_end.run,
    "webhook": webhook.run,
    "drain": drain.run,
}
ALL = (*FLOORS, *SCENARIOS)
DEFAULT_OUT = Path(__file__).resolve().parent / "results"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small counts, ~1-2 minutes")
    parser.add_argument(
        "--scenario",
        action="append",
        choices=ALL,
        metavar="NAME",
        help=f"run only these (repeatable); one of: {', '.join(ALL)}",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results directory")
    parser.add_argument("--drain-messages", type=int, default=None, help="backlog size of drain")
    return parser.parse_args(argv)


def selected(names: Sequence[str] | None) -> list[str]:
    """The selection in run order (floors first); the floors a scenario is divided by
    are not added: without them its ratio is null."""
    chosen = set(names or ALL)
    return [name for name in ALL if name in chosen]


def emit(result: Result, out: Path) -> None:
    print(result.json_line(), flush=True)
    write_result(out, result)


async def run_one(
    name: str, infra: Infra, size: Sizes, out: Path, floors: dict[str, Result], deadline: float
) -> Result:
    kind: Kind = "floor" if name in FLOORS else "scenario"
    result = Result(name, kind, quick=size.quick)
    remaining = deadline - time.monotonic()
    limit = size.scenario_time_limit_s if kind == "scenario" else size.scenario_time_limit_s / 2
    if remaining < min(limit, 30):
        result.status, result.reason = "skipped", "run time budget exhausted"
        return result
    began = time.monotonic()
    try:
        async with asyncio.timeout(min(limit, remaining)):
            if name == "floor_fastapi_publish":
                result = await floor_fastapi_publish(infra, size, out / "logs")
            elif name == "floor_amqp_publish_consume":
                result = await floor_amqp_publish_consume(infra, size)
            elif name == "floor_mongo_inc":
                result = await floor_mongo_inc(infra, size)
            else:
                ctx = ScenarioContext(infra=infra, sizes=size, log_dir=out / "logs")
                result = await SCENARIOS[name](ctx)
    except TimeoutError:
        result.fail(f"time limit of {min(limit, remaining):.0f}s reached")
    except Exception as exc:
        result.fail(f"{type(exc).__name__}: {exc}")
        (out / "logs").mkdir(parents=True, exist_ok=True)
        (out / "logs" / f"{name}.traceback.txt").write_text(traceback.format_exc())
    result.duration_s = round(time.monotonic() - began, 2)
    result.quick = size.quick
    if kind == "scenario":
        result.relate_to(floors).assess_targets()
    return result


async def run(args: argparse.Namespace) -> int:
    size = sizes(args.quick, drain_messages=args.drain_messages)
    out: Path = args.out
    await asyncio.to_thread(out.mkdir, parents=True, exist_ok=True)
    started_at = datetime.now(UTC).isoformat()
    deadline = time.monotonic() + size.run_budget_s
    results: list[Result] = []
    floors: dict[str, Result] = {}
    with contextlib.ExitStack() as stack:
        try:
            infra = stack.enter_context(discover())
        except Exception as exc:
            for name in selected(args.scenario):
                result = Result(name, "floor" if name in FLOORS else "scenario", quick=size.quick)
                result.fail(f"infrastructure unavailable: {exc}")
                emit(result, out)
                results.append(result)
            write_summary(out, results, quick=size.quick, started_at=started_at, infra={})
            return 1
        for name in selected(args.scenario):
            result = await run_one(name, infra, size, out, floors, deadline)
            if name in FLOORS:
                floors[name] = result
            emit(result, out)
            results.append(result)
        path = write_summary(
            out, results, quick=size.quick, started_at=started_at, infra=infra.describe()
        )
    print(f"summary: {path}", file=sys.stderr)
    # 0 when everything selected ran and its correctness checks passed; a missed target
    # is in the line (targets_met: false), a skipped (out of time) one counts as not run
    return 0 if all(r.status == "ok" for r in results) else 1


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(run(parse_args(argv)))
