"""webhook-svc's app: the runtime, the container, the entry points; nothing else."""

from fastapi import FastAPI
from wagate_platform.composition import ServiceParts, compose

from webhook_svc.entrypoints import amqp, http
from webhook_svc.service.container import build_container
from webhook_svc.settings import WebhookSettings

PARTS = ServiceParts(
    title="webhook-svc",
    description="Provider callbacks in (verified, deduplicated), customer webhooks out.",
    database="wagate_webhook",
    build_container=build_container,
    register_consumers=amqp.register,
    build_routers=http.build_routers,
    error_statuses=http.ERROR_STATUSES,
    uses_outbox=False,
)


def create_app(settings: WebhookSettings | None = None) -> FastAPI:
    """Build the app; nothing connects until its lifespan starts."""
    return compose(settings or WebhookSettings(), PARTS)
