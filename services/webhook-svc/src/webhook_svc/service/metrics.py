"""Prometheus counters of webhook-svc."""

from prometheus_client import Counter

CALLBACK_ITEMS = Counter(
    "wagate_webhook_callback_items_total",
    "Provider callback items by provider, kind and outcome "
    "(accepted, duplicate, content_duplicate, unsupported, unmatched)",
    ["provider", "kind", "outcome"],
)
CALLBACK_REJECTED = Counter(
    "wagate_webhook_callbacks_rejected_total",
    "Provider callbacks refused before parsing, by provider and reason",
    ["provider", "reason"],
)
DELIVERIES = Counter(
    "wagate_webhook_deliveries_total",
    "Customer webhook delivery attempts by outcome (delivered, retrying, failed, refused)",
    ["outcome"],
)


def count_item(provider: str, kind: str, outcome: str) -> None:
    CALLBACK_ITEMS.labels(provider, kind[:64], outcome).inc()
