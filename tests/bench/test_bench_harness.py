"""The benchmark harness's pure parts: percentiles, ratios, the JSON line, sizing.

No timing is asserted: these are the arithmetic and the output shape only.
"""

import asyncio
import json
import sys
from pathlib import Path

import pytest

# `bench` is a top-level package run from the repository root (`python -m bench`);
# pytest's importlib mode does not put the root on sys.path, so do it here.
REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.cli import ALL, FLOORS, parse_args, selected  # noqa: E402
from bench.harness.loadgen import ensure_loopback, run_load  # noqa: E402
from bench.harness.metrics import (  # noqa: E402
    EVENTS_PUBLISHED,
    MONGO_COMMANDS,
    delta,
    parse_prometheus,
    per_message,
    total,
)
from bench.harness.procs import parse_vm_hwm_mb  # noqa: E402
from bench.harness.stats import latency_summary, percentile, ratio, throughput  # noqa: E402
from bench.results import FLOOR_OF, Check, Result, write_result, write_summary  # noqa: E402
from bench.scenarios.backlog import BacklogGate  # noqa: E402
from bench.scenarios.common import Budget, ScenarioError, budgets, while_progressing  # noqa: E402
from bench.scenarios.drain import spread, violations  # noqa: E402
from bench.scenarios.webhook import build_callbacks, plan_callbacks  # noqa: E402
from bench.sizing import FULL, QUICK, sizes  # noqa: E402

# ------------------------------------------------------------------ percentiles


def test_percentile_interpolates_between_ranks() -> None:
    samples = [float(x) for x in range(1, 101)]
    assert percentile(samples, 50) == pytest.approx(50.5)
    assert percentile(samples, 99) == pytest.approx(99.01)
    assert percentile(samples, 0) == 1.0
    assert percentile(samples, 100) == 100.0


def test_percentile_ignores_input_order_and_handles_edges() -> None:
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) is None
    with pytest.raises(ValueError, match="out of range"):
        percentile([1.0], 101)


def test_latency_summary_is_in_milliseconds() -> None:
    summary = latency_summary([0.001, 0.002, 0.003])
    assert summary == {"count": 3, "p50_ms": 2.0, "p99_ms": 2.98, "max_ms": 3.0}
    assert latency_summary([]) is None


# ------------------------------------------------------------------ ratios, throughput


def test_ratio_to_floor() -> None:
    assert ratio(750.0, 1000.0) == 0.75
    assert ratio(1.0, 3.0) == 0.333
    assert ratio(None, 1000.0) is None
    assert ratio(10.0, None) is None
    assert ratio(10.0, 0.0) is None
    assert ratio(float("nan"), 10.0) is None


def test_throughput() -> None:
    assert throughput(1000, 2.0) == 500.0
    assert throughput(0, 2.0) is None
    assert throughput(10, 0.0) is None


def test_result_relates_each_scenario_to_its_floor() -> None:
    floor = Result("floor_fastapi_publish", "floor", throughput_per_s=2000.0)
    scenario = Result("ingest", "scenario", throughput_per_s=500.0)
    scenario.relate_to({floor.name: floor})
    assert scenario.floor == "floor_fastapi_publish"
    assert scenario.floor_throughput_per_s == 2000.0
    assert scenario.ratio_to_floor == 0.25


def test_no_ratio_when_the_floor_did_not_run_ok() -> None:
    floor = Result("floor_amqp_publish_consume", "floor", throughput_per_s=9.0)
    floor.fail("broker down")
    scenario = Result("drain", "scenario", throughput_per_s=5.0).relate_to({floor.name: floor})
    assert scenario.floor == "floor_amqp_publish_consume"
    assert scenario.ratio_to_floor is None


def test_every_scenario_has_a_floor_that_the_run_measures() -> None:
    assert set(FLOOR_OF) == set(ALL) - set(FLOORS)
    assert set(FLOOR_OF.values()) <= set(FLOORS)


# ------------------------------------------------------------------ the JSON line

LINE_KEYS = {
    "schema",
    "scenario",
    "kind",
    "status",
    "reason",
    "quick",
    "unit",
    "throughput_per_s",
    "latency",
    "floor",
    "floor_throughput_per_s",
    "ratio_to_floor",
    "rss_peak_mb",
    "targets",
    "targets_met",
    "round_trips",
    "checks",
    "params",
    "details",
    "duration_s",
    "started_at",
}


def test_json_line_is_one_line_with_a_stable_shape() -> None:
    result = Result("ingest", "scenario", throughput_per_s=12.5, quick=True)
    result.checks["queued_equals_accepted"] = Check.equal(3, 3)
    line = result.json_line()
    assert "\n" not in line
    data = json.loads(line)
    assert set(data) == LINE_KEYS
    assert data["scenario"] == "ingest"
    assert data["status"] == "ok"
    assert data["checks"]["queued_equals_accepted"] == {"ok": True, "expected": 3, "actual": 3}


def test_a_missed_target_is_reported_not_failed() -> None:
    result = Result("ingest", "scenario", throughput_per_s=2500.0)
    result.latency = {"p99_ms": 20.0}
    result.rss_peak_mb = {"sender-svc": 120.0, "sandbox": 900.0}
    result.settle().assess_targets()
    assert result.status == "ok"
    assert result.targets_met is False
    assert result.targets["throughput_per_s"]["met"] is False
    assert result.targets["p99_ms"]["met"] is True
    assert result.targets["rss_peak_mb"] == {
        "target": "< 300 per service",
        "actual": 120.0,
        "met": True,
    }


def test_error_line_says_why() -> None:
    result = Result("webhook", "scenario").fail("platform not ready: webhook-svc exited\nTraceback")
    data = json.loads(result.json_line())
    assert data["status"] == "error"
    assert data["reason"] == "platform not ready: webhook-svc exited"


def test_a_failed_check_fails_an_ok_result_but_not_an_error() -> None:
    result = Result("drain", "scenario")
    result.checks["spread_max_minus_min"] = Check.at_most(1, 3)
    result.checks["drained_exactly"] = Check.equal(10, 10)
    assert result.settle().status == "failed"
    assert result.reason == "checks failed: spread_max_minus_min"
    errored = Result("drain", "scenario").fail("no broker")
    errored.checks["x"] = Check.equal(1, 2)
    assert errored.settle().status == "error"


def test_result_files_and_summary(tmp_path: Path) -> None:
    results = [Result("floor_mongo_inc", "floor"), Result("drain", "scenario").fail("boom")]
    for result in results:
        write_result(tmp_path, result)
    write_summary(tmp_path, results, quick=True, started_at="t0", infra={"mongodb": "x"})
    assert json.loads((tmp_path / "drain.json").read_text())["status"] == "error"
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["statuses"] == {"floor_mongo_inc": "ok", "drain": "error"}
    assert summary["machine"]["cpus"] >= 1


# ------------------------------------------------------------------ sizing and CLI


def test_quick_mode_shrinks_every_count_and_duration() -> None:
    assert sizes(quick=True) is QUICK
    assert sizes(quick=False) is FULL
    for name in (
        "http_requests",
        "http_time_limit_s",
        "amqp_messages",
        "mongo_events",
        "e2e_duration_s",
        "webhook_callbacks",
        "drain_messages",
        "scenario_time_limit_s",
        "run_budget_s",
    ):
        assert getattr(QUICK, name) < getattr(FULL, name), name
    assert QUICK.quick
    assert not FULL.quick


def test_the_run_budgets_fit_the_issue() -> None:
    assert FULL.run_budget_s + FULL.scenario_time_limit_s / 5 <= 600
    assert QUICK.run_budget_s <= 180
    assert FULL.webhook_duplicate_ratio == pytest.approx(0.1)


def test_drain_size_override() -> None:
    assert sizes(quick=True, drain_messages=42).drain_messages == 42


def test_cli_selection_keeps_run_order_floors_first() -> None:
    assert selected(None) == list(ALL)
    assert selected(["drain", "floor_mongo_inc"]) == ["floor_mongo_inc", "drain"]
    args = parse_args(["--quick", "--scenario", "ingest", "--out", "/tmp/x"])
    assert args.quick
    assert args.scenario == ["ingest"]
    assert args.out == Path("/tmp/x")
    with pytest.raises(SystemExit):
        parse_args(["--scenario", "nope"])


# ------------------------------------------------------------------ metrics, RSS, load

EXPOSITION = """
# HELP wagate_mongo_commands_total MongoDB commands sent (round trips), by command
# TYPE wagate_mongo_commands_total counter
wagate_mongo_commands_total{command="find",origin="http:POST /v1/messages"} 10.0
wagate_mongo_commands_total{command="update",origin="task:outbox-relay"} 4.0
wagate_mongo_commands_created{command="find",origin="http:POST /v1/messages"} 1.7e+09
wagate_events_published_total{event_type="message.requested",origin="http:POST /v1/messages"} 5.0
wagate_events_published_total{event_type="message.status",origin="http:POST /v1/w/{provider}"} 7.0
wagate_events_consumed_total{outcome="ok",queue="bench-x.stats-svc.messages"} 8.0
"""


def test_prometheus_counters_and_per_message_figures() -> None:
    before = parse_prometheus(EXPOSITION)
    assert before[MONGO_COMMANDS] == {
        'command="find",origin="http:POST /v1/messages"': 10.0,
        'command="update",origin="task:outbox-relay"': 4.0,
    }
    after_text = EXPOSITION.replace("} 10.0", "} 30.0").replace("} 5.0", "} 15.0")
    after = parse_prometheus(after_text)
    diff = delta(before, after)
    assert total(diff, MONGO_COMMANDS) == 20.0
    assert total(diff, EVENTS_PUBLISHED, {"event_type": "message.requested"}) == 10.0
    assert (
        before[EVENTS_PUBLISHED]['event_type="message.status",origin="http:POST /v1/w/{provider}"']
        == 7.0
    )
    report = per_message({"sender-svc": before}, {"sender-svc": after}, messages=10)
    assert report["sender-svc"]["mongo_per_message"] == 2.0
    assert report["sender-svc"]["publishes_per_message"] == 1.0
    assert report["sender-svc"]["mongo_commands_by_name"] == {"find": 20.0}
    assert report["sender-svc"]["by_origin"]["http:POST /v1/messages"]["mongo"] == 20.0
    assert "task:outbox-relay" not in report["sender-svc"]["by_origin"]  # unchanged: no delta
    accept = "http:POST /v1/messages"
    checked = budgets(
        report,
        [
            Budget("accept", "sender-svc", (accept,), "mongo", 2, 10, "202"),
            Budget(
                "pub", "sender-svc", ("http:*",), "publishes", 1, 10, "202", "message.requested"
            ),
            Budget("bg", "sender-svc", ("task:*",), "mongo", 1, 10, "202"),
            Budget("missing", "stats-svc", ("amqp:*",), "mongo", 1, 10, "event"),
        ],
    )
    assert (checked["accept"]["actual"], checked["accept"]["within"]) == (2.0, True)
    assert checked["pub"]["actual"] == 1.0
    assert checked["bg"]["actual"] == 0.0
    assert checked["missing"]["actual"] is None


def test_a_service_without_metrics_reports_null() -> None:
    report = per_message({"stats-svc": None}, {"stats-svc": None}, messages=5)
    assert report["stats-svc"] is None


def test_vm_hwm_is_read_in_megabytes() -> None:
    status = "Name:\tpython\nVmPeak:\t  900000 kB\nVmHWM:\t  153600 kB\nVmRSS:\t  100 kB\n"
    assert parse_vm_hwm_mb(status) == 150.0
    assert parse_vm_hwm_mb("Name:\tx\n") is None


def test_load_generator_targets_loopback_only() -> None:
    assert ensure_loopback("http://127.0.0.1:8003") == "http://127.0.0.1:8003"
    assert ensure_loopback("http://localhost:1") == "http://localhost:1"
    assert ensure_loopback("http://[::1]:80") == "http://[::1]:80"
    with pytest.raises(ValueError, match="loopback"):
        ensure_loopback("http://example.com")


def test_load_generator_bounds_the_request_count() -> None:
    async def send(index: int) -> int:
        if index % 5 == 0:
            raise ConnectionError
        return 202 if index % 2 else 429

    result = asyncio.run(run_load(send, total=20, concurrency=3, time_limit_s=60, ok=(202,)))
    assert result.sent == 20
    assert result.statuses == {"202": 8, "429": 8, "ConnectionError": 4}
    assert result.ok_count((202,)) == 8
    assert len(result.ok_latencies_s) == 8
    assert result.stopped_by == "count"


# ------------------------------------------------------------------ scenario arithmetic


def test_webhook_plan_has_ten_percent_duplicates_that_are_exact_retries() -> None:
    unique, duplicates, messages = plan_callbacks(1000, 0.1)
    assert (unique, duplicates, messages) == (900, 100, 450)
    sent = [(f"ses_bench{i % 3:04d}", f"true_x{i}@c.us_3EB0", f"x{i}@c.us") for i in range(450)]
    callbacks = build_callbacks(sent, "k" * 32, unique, duplicates)
    assert len(callbacks) == 1000
    distinct = {body for body, _ in callbacks}
    assert len(distinct) == unique
    request_ids = {headers["X-Webhook-Request-Id"] for _, headers in callbacks}
    assert len(request_ids) == unique


def test_drain_spread_and_daily_limit_violations() -> None:
    assert spread([5, 4, 5]) == 1
    assert spread([]) == 0
    assert violations([5, 7, 3], daily_limit=5) == 2
    assert violations([5, 5], daily_limit=5) == 0


def test_loopback_client_keeps_alive_and_reads_both_body_framings() -> None:
    from bench.harness.http import LoopbackClient

    requests: list[bytes] = []
    connections = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            body = await reader.readexactly(length)
            requests.append(head.split(b"\r\n")[0] + b" " + body)
            if b"/chunked" in head:
                writer.write(
                    b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
                    b'3\r\n{"a\r\n5\r\n": 1}\r\n0\r\n\r\n'
                )
            else:
                writer.write(b"HTTP/1.1 202 Accepted\r\ncontent-length: 2\r\n\r\n{}")
            await writer.drain()
        writer.close()

    async def scenario() -> None:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server, LoopbackClient(f"http://127.0.0.1:{port}", 2) as client:
            first = await client.post("/v1/messages", json={"x": 1}, headers={"X-Api-Key": "k"})
            assert (first.status_code, first.json()) == (202, {})
            chunked = await client.get("/chunked")
            assert (chunked.status_code, chunked.json()) == (200, {"a": 1})
            answers = await asyncio.gather(*(client.post("/p", content=b"abc") for _ in range(6)))
            assert {a.status_code for a in answers} == {202}

    asyncio.run(scenario())
    assert requests[0] == b'POST /v1/messages HTTP/1.1 {"x":1}'
    assert connections <= 2  # pooled, never more than max_connections


# ------------------------------------------------------------------ waiting on a backlog


@pytest.mark.asyncio
async def test_a_backlog_that_keeps_draining_is_waited_for_past_the_stall_limit() -> None:
    counts = iter(range(0, 100, 10))

    async def read() -> int:
        return next(counts)

    # 9 polls, each growing: far more than the stall limit of 1 poll's worth of time
    assert await while_progressing(read, 80, stall_s=0.05, what="drain", every_s=0.01) == 80


@pytest.mark.asyncio
async def test_a_backlog_that_stops_draining_is_reported_stuck() -> None:
    async def read() -> int:
        return 7

    with pytest.raises(ScenarioError, match="stuck at 7 of 10"):
        await while_progressing(read, 10, stall_s=0.05, what="drain", every_s=0.01)


@pytest.mark.asyncio
async def test_the_backlog_gate_holds_the_load_to_a_window_of_uncounted_messages() -> None:
    gate = BacklogGate(lambda: asyncio.sleep(0, result=0), base=100, window=3)
    for _ in range(3):
        await gate.wait()
    blocked = asyncio.create_task(gate.wait())
    for _ in range(5):
        await asyncio.sleep(0)  # let it run up to its wait
    assert not blocked.done()  # three accepted, none counted yet
    await gate.update(101)  # one counted as sent: one place frees up
    await asyncio.wait_for(blocked, 1)
    assert gate.reserved == 4
    gate.unreserve()  # a request that was not accepted
    await asyncio.wait_for(gate.wait(), 1)


@pytest.mark.asyncio
async def test_the_backlog_gate_gives_up_after_its_wait_limit() -> None:
    gate = BacklogGate(lambda: asyncio.sleep(0, result=0), base=0, window=1)
    await gate.wait()
    await gate.wait(max_wait_s=0.01)  # no room: returns without a place
    assert gate.reserved == 1
