"""Prometheus metrics of the projection: totals by outcome and provider, never by user."""

from prometheus_client import Counter, Histogram

MESSAGES = Counter(
    "wagate_stats_messages_total",
    "Facts counted by the stats projection, by outcome and provider",
    ["outcome", "provider"],
)
DUPLICATES = Counter(
    "wagate_stats_duplicates_skipped_total",
    "Events skipped because their event_id was already projected",
)
FLUSH_SIZE = Histogram(
    "wagate_stats_flush_events",
    "Events per projection flush",
    buckets=(1, 5, 10, 25, 50, 100, 250, 500),
)
FLUSH_SECONDS = Histogram("wagate_stats_flush_seconds", "Duration of a projection flush")
