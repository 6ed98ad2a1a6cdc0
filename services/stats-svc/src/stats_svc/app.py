"""stats-svc's app: the runtime, the container, the entry points; nothing else."""

from fastapi import FastAPI
from wagate_platform.composition import ServiceParts, compose

from stats_svc.entrypoints import amqp, http
from stats_svc.service.container import build_container
from stats_svc.settings import StatsSettings

PARTS = ServiceParts(
    title="stats-svc",
    description="Projects message and session events into counters; stats REST.",
    database="wagate_stats",
    build_container=build_container,
    register_consumers=amqp.register,
    build_routers=http.build_routers,
    error_statuses=http.ERROR_STATUSES,
    uses_outbox=False,
)


def create_app(settings: StatsSettings | None = None) -> FastAPI:
    """Build the app; nothing connects until its lifespan starts."""
    return compose(settings or StatsSettings(), PARTS)
