"""The one-JSON-line result every floor and scenario reports, and the run summary."""

import json
import os
import platform
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from bench.harness.stats import ratio

Status = Literal["ok", "failed", "error", "skipped"]
Kind = Literal["floor", "scenario"]
SCHEMA_VERSION = 1

# A scenario's figure is divided by its floor's figure (see bench/README.md).
FLOOR_OF: dict[str, str] = {
    "ingest": "floor_fastapi_publish",
    "webhook": "floor_fastapi_publish",
    "end_to_end": "floor_amqp_publish_consume",
    "drain": "floor_amqp_publish_consume",
}


# The targets (2 cores, everything on one machine). Missing one is reported in the
# line (``targets``, ``targets_met``), never a failed run: the run fails on correctness.
TARGETS: dict[str, dict[str, float]] = {
    "ingest": {"throughput_per_s": 3000, "p99_ms": 50},
    "end_to_end": {"throughput_per_s": 1500},
    "webhook": {"throughput_per_s": 3000, "p99_ms": 100},
    "drain": {"throughput_per_s": 1000},  # 100k messages in <= 100 s
}
RSS_TARGET_MB = 300.0


@dataclass
class Check:
    """A correctness check of a scenario: what was expected and what was seen."""

    ok: bool
    expected: Any
    actual: Any

    @classmethod
    def equal(cls, expected: Any, actual: Any) -> "Check":
        return cls(ok=expected == actual, expected=expected, actual=actual)

    @classmethod
    def at_most(cls, limit: float, actual: float) -> "Check":
        return cls(ok=actual <= limit, expected=f"<= {limit}", actual=actual)


@dataclass
class Result:
    """One floor or scenario: ``status`` is ``ok``, ``failed`` (a check failed),
    ``error`` (it could not run; ``reason`` says why) or ``skipped``."""

    name: str
    kind: Kind
    status: Status = "ok"
    reason: str | None = None
    quick: bool = False
    unit: str = ""
    throughput_per_s: float | None = None
    latency: dict[str, Any] | None = None
    floor: str | None = None
    floor_throughput_per_s: float | None = None
    ratio_to_floor: float | None = None
    rss_peak_mb: dict[str, float] = field(default_factory=dict)
    targets: dict[str, Any] = field(default_factory=dict)
    targets_met: bool | None = None
    round_trips: dict[str, Any] = field(default_factory=dict)
    checks: dict[str, Check] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    duration_s: float | None = None
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def fail(self, reason: str) -> "Result":
        """Mark the result as not run (``error``) with a one-line reason."""
        self.status = "error"
        self.reason = reason.strip().splitlines()[0][:500] if reason.strip() else "error"
        return self

    def settle(self) -> "Result":
        """An ``ok`` result whose checks did not all pass becomes ``failed``."""
        if self.status == "ok":
            failed = sorted(name for name, check in self.checks.items() if not check.ok)
            if failed:
                self.status = "failed"
                self.reason = "checks failed: " + ", ".join(failed)
        return self

    def relate_to(self, floors: dict[str, "Result"]) -> "Result":
        """Fill ``floor``, ``floor_throughput_per_s`` and ``ratio_to_floor``."""
        name = FLOOR_OF.get(self.name)
        if name is None:
            return self
        self.floor = name
        floor = floors.get(name)
        if floor is not None and floor.status == "ok":
            self.floor_throughput_per_s = floor.throughput_per_s
            self.ratio_to_floor = ratio(self.throughput_per_s, floor.throughput_per_s)
        return self

    def assess_targets(self) -> "Result":
        """Compare the figures with the issue's targets (informational, see TARGETS)."""
        wanted = TARGETS.get(self.name)
        if wanted is None or self.status != "ok":
            return self
        found: dict[str, Any] = {}
        if "throughput_per_s" in wanted:
            actual = self.throughput_per_s
            limit = wanted["throughput_per_s"]
            found["throughput_per_s"] = {
                "target": f">= {limit:g}",
                "actual": actual,
                "met": actual is not None and actual >= limit,
            }
        if "p99_ms" in wanted:
            p99 = (self.latency or {}).get("p99_ms")
            found["p99_ms"] = {
                "target": f"<= {wanted['p99_ms']:g}",
                "actual": p99,
                "met": p99 is not None and p99 <= wanted["p99_ms"],
            }
        services = {k: v for k, v in self.rss_peak_mb.items() if k != "sandbox"}
        if services:
            worst = max(services.values())
            found["rss_peak_mb"] = {
                "target": f"< {RSS_TARGET_MB:g} per service",
                "actual": worst,
                "met": worst < RSS_TARGET_MB,
            }
        self.targets = found
        self.targets_met = all(t["met"] for t in found.values())
        return self

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data = {"schema": SCHEMA_VERSION, "scenario": data.pop("name"), **data}
        return data

    def json_line(self) -> str:
        return json.dumps(self.as_dict(), separators=(",", ":"), sort_keys=False, default=str)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "loadavg_at_start": [round(x, 2) for x in load] if load else None,
    }


def write_result(out: Path, result: Result) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{result.name}.json").write_text(
        json.dumps(result.as_dict(), indent=2, default=str) + "\n"
    )


def write_summary(
    out: Path, results: list[Result], *, quick: bool, started_at: str, infra: dict[str, Any]
) -> Path:
    summary = {
        "schema": SCHEMA_VERSION,
        "started_at": started_at,
        "finished_at": datetime.now(UTC).isoformat(),
        "quick": quick,
        "machine": machine(),
        "infra": infra,
        "statuses": {r.name: r.status for r in results},
        "results": [r.as_dict() for r in results],
    }
    out.mkdir(parents=True, exist_ok=True)
    path = out / "summary.json"
    path.write_text(json.dumps(summary, indent=2, default=str) + "\n")
    return path
