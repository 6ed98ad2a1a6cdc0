"""Reading the services' Prometheus counters before and after a scenario.

Round trips are counted in the service processes: ``wagate_mongo_commands_total``
(PyMongo command monitoring, labels ``command`` and ``origin``) and
``wagate_events_published_total`` (broker-confirmed publishes, labels ``event_type`` and
``origin``). ``origin`` is the path that made the round trip (``http:<METHOD> <route>``,
``amqp:<queue>``, ``task:<name>``, ``other``; see ``wagate_platform.origin``), so a budget
is measured on its own path, without the process's background work.
"""

import asyncio
import re
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

MONGO_COMMANDS = "wagate_mongo_commands_total"
EVENTS_PUBLISHED = "wagate_events_published_total"
EVENTS_CONSUMED = "wagate_events_consumed_total"
COUNTERS = (MONGO_COMMANDS, EVENTS_PUBLISHED, EVENTS_CONSUMED)

# metric name -> {labels text -> value}
Samples = dict[str, dict[str, float]]

# label values may hold braces (route templates such as ``/v1/webhooks/{provider}``)
_LINE = re.compile(
    r'^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>(?:[^"}]|"(?:[^"\\]|\\.)*")*)\})?'
    r"\s+(?P<value>\S+)"
)


def parse_prometheus(text: str, names: tuple[str, ...] = COUNTERS) -> Samples:
    """The samples of the named counters in a Prometheus text exposition."""
    samples: Samples = {name: {} for name in names}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None or match["name"] not in samples:
            continue
        try:
            value = float(match["value"])
        except ValueError:
            continue
        samples[match["name"]][match["labels"] or ""] = value
    return samples


def label(labels: str, key: str) -> str | None:
    match = re.search(rf'(?:^|,){re.escape(key)}="([^"]*)"', labels)
    return match.group(1) if match else None


def delta(before: Samples, after: Samples) -> Samples:
    """``after - before`` per metric and label set (series absent before count from 0)."""
    out: Samples = {}
    for name, series in after.items():
        previous = before.get(name, {})
        diff = {k: v - previous.get(k, 0.0) for k, v in series.items()}
        out[name] = {k: v for k, v in diff.items() if v}
    return out


def total(samples: Samples, name: str, where: Mapping[str, str] | None = None) -> float:
    """The sum of a metric's series whose labels match ``where`` (suffix match on values)."""
    result = 0.0
    for labels, value in samples.get(name, {}).items():
        if where and not all(
            (label(labels, key) or "").endswith(wanted) for key, wanted in where.items()
        ):
            continue
        result += value
    return result


def by_label(samples: Samples, name: str, key: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for labels, value in samples.get(name, {}).items():
        out_key = label(labels, key) or ""
        out[out_key] = out.get(out_key, 0.0) + value
    return out


async def scrape(base_urls: Mapping[str, str]) -> dict[str, Samples | None]:
    """Every service's counters; None for a service whose /metrics did not answer."""

    async def one(client: httpx.AsyncClient, url: str) -> Samples | None:
        try:
            response = await client.get(url + "/metrics")
        except httpx.HTTPError:
            return None
        return parse_prometheus(response.text) if response.status_code == 200 else None

    async with httpx.AsyncClient(timeout=5, trust_env=False) as client:
        names = list(base_urls)
        found = await asyncio.gather(*(one(client, base_urls[n]) for n in names))
    return dict(zip(names, found, strict=True))


def per_message(
    before: Mapping[str, Samples | None], after: Mapping[str, Samples | None], messages: int
) -> dict[str, Any]:
    """MongoDB commands and publishes per message, per service, from two scrapes."""
    report: dict[str, Any] = {"messages": messages}
    for service, end in after.items():
        start = before.get(service)
        if end is None or start is None:
            report[service] = None
            continue
        diff = delta(start, end)
        commands = total(diff, MONGO_COMMANDS)
        publishes = total(diff, EVENTS_PUBLISHED)
        report[service] = {
            "by_origin": by_origin(diff),
            "mongo_commands": commands,
            "mongo_commands_by_name": by_label(diff, MONGO_COMMANDS, "command"),
            "publishes": publishes,
            "publishes_by_type": by_label(diff, EVENTS_PUBLISHED, "event_type"),
            "mongo_per_message": round(commands / messages, 3) if messages else None,
            "publishes_per_message": round(publishes / messages, 3) if messages else None,
        }
    return report


def by_origin(diff: Samples) -> dict[str, dict[str, Any]]:
    """Round trips per ``origin`` label (``unlabelled`` for a process without the label):
    MongoDB commands by command, publishes by event type."""
    out: dict[str, dict[str, Any]] = {}

    def entry(where: str) -> dict[str, Any]:
        return out.setdefault(
            where, {"mongo": 0.0, "mongo_by_command": {}, "publishes": 0.0, "publishes_by_type": {}}
        )

    for labels, value in diff.get(MONGO_COMMANDS, {}).items():
        found = entry(label(labels, "origin") or "unlabelled")
        command = label(labels, "command") or ""
        found["mongo"] += value
        found["mongo_by_command"][command] = found["mongo_by_command"].get(command, 0.0) + value
    for labels, value in diff.get(EVENTS_PUBLISHED, {}).items():
        found = entry(label(labels, "origin") or "unlabelled")
        kind = label(labels, "event_type") or ""
        found["publishes"] += value
        found["publishes_by_type"][kind] = found["publishes_by_type"].get(kind, 0.0) + value
    return dict(sorted(out.items()))


def origin_total(
    report: Mapping[str, Any],
    service: str,
    origins: Sequence[str],
    measure: str,
    event_type: str | None = None,
) -> float | None:
    """The sum of ``measure`` (``mongo`` or ``publishes``) over the given origins of a
    service in a ``per_message`` report; an origin ending in ``*`` is a prefix.
    None when the service's counters were not read."""
    counts = report.get(service)
    if not counts:
        return None
    result = 0.0
    for where, found in counts.get("by_origin", {}).items():
        if not any(where.startswith(o[:-1]) if o.endswith("*") else where == o for o in origins):
            continue
        if measure == "publishes" and event_type is not None:
            result += found["publishes_by_type"].get(event_type, 0.0)
        else:
            result += found[measure]
    return result
