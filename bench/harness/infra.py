"""The broker and database the whole run uses, and removing what the run created."""

import contextlib
import importlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from wagate_contracts.names import Queue
from wagate_platform.settings import ServiceSettings
from wagate_testing import infra as testing_infra
from wagate_testing.cleanup import Janitor


@dataclass(frozen=True)
class Infra:
    rabbitmq_url: str
    mongodb_url: str
    mongodb_kind: str
    run_id: str

    def describe(self) -> dict[str, Any]:
        return {
            "rabbitmq": self.rabbitmq_url.split("@")[-1],
            "mongodb": self.mongodb_kind,
            "run_id": self.run_id,
        }

    def namespace(self, purpose: str) -> str:
        """A bench-only AMQP namespace (prefix of every exchange and queue name)."""
        return f"bench-{self.run_id}-{purpose}."

    def database(self, purpose: str) -> str:
        return f"bench_{self.run_id}_{purpose}".replace("-", "_")


@contextlib.contextmanager
def discover() -> Iterator[Infra]:
    """The real RabbitMQ and a MongoDB-wire server, as the tests find them."""
    run_id = uuid4().hex[:8]
    with testing_infra.rabbitmq() as rabbitmq_url:
        if os.environ.get("MONGODB_URL"):
            kind = "MONGODB_URL"
        elif testing_infra.docker_available():
            kind = "mongo:8 (testcontainers)"
        else:
            kind = "secantusdb (embedded, in memory)"
        with testing_infra.mongodb() as mongodb_url:
            yield Infra(rabbitmq_url, mongodb_url, kind, run_id)


# service -> (module, settings module, settings class)
SERVICE_MODULES: dict[str, tuple[str, str]] = {
    "session-svc": ("session_svc", "SessionSettings"),
    "billing-svc": ("billing_svc", "BillingSettings"),
    "sender-svc": ("sender_svc", "SenderSettings"),
    "webhook-svc": ("webhook_svc", "WebhookSettings"),
    "stats-svc": ("stats_svc", "StatsSettings"),
}


def service_settings(service: str, values: dict[str, Any]) -> ServiceSettings:
    module, cls_name = SERVICE_MODULES[service]
    settings_cls = getattr(importlib.import_module(f"{module}.settings"), cls_name)
    settings: ServiceSettings = settings_cls(**values)
    return settings


async def track_service(janitor: Janitor, service: str, values: dict[str, Any]) -> str:
    """Remember every queue and the database a service declares, for removal.

    The exact names (delay queues included) come from building the service's app
    without starting it; a service whose app cannot be built yet falls back to the
    contract's queue names and their DLQs. Returns how the names were found.
    """
    module, _ = SERVICE_MODULES[service]
    namespace = str(values.get("amqp_namespace", ""))
    janitor.track_namespace(namespace)
    janitor.track_database(str(values["mongodb_database"]))
    try:
        settings = service_settings(service, values)
        app = importlib.import_module(f"{module}.app").create_app(settings)
        runtime = app.state.runtime
        janitor.track_runtime(runtime)
        with contextlib.suppress(Exception):
            await runtime.mongo.close()
        return "bindings"
    except Exception:
        for name, queue in vars(Queue).items():
            if not name.startswith("_") and isinstance(queue, str) and queue.startswith(service):
                janitor.track_queue(f"{namespace}{queue}")
                janitor.track_queue(f"{namespace}{queue}.dlq")
        return "contract names"
