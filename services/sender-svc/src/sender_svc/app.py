"""sender-svc's app: settings, runtime, container, entry points (the shape of every service)."""

from fastapi import FastAPI
from wagate_platform.composition import ServiceParts, compose

from sender_svc.entrypoints import amqp, http
from sender_svc.service.container import build_container
from sender_svc.settings import SenderSettings

PARTS = ServiceParts(
    title="sender-svc",
    description="Public send API, campaigns, durable queue and dispatch with session rotation.",
    database="wagate_sender",
    build_container=build_container,
    register_consumers=amqp.register,
    build_routers=http.build_routers,
    error_statuses=http.ERROR_STATUSES,
    # Never writes the platform outbox: a message document is its own outbox record,
    # published by the container's MessageOutbox (service/outbox.py), so no relay runs.
    uses_outbox=False,
)


def create_app(settings: SenderSettings | None = None) -> FastAPI:
    """Build the app; nothing connects until its lifespan starts."""
    return compose(settings or SenderSettings(), PARTS)
