"""stats-svc's app: the runtime, the container, the entry points; nothing else."""

from fastapi import FastAPI
from wagate_platform.runtime import ServiceRuntime, build_service_app

from stats_svc.entrypoints import amqp, http
from stats_svc.service.container import build_container
from stats_svc.settings import StatsSettings

TITLE = "stats-svc"
DESCRIPTION = "Projects message and session events into counters; stats REST."
DATABASE = "wagate_stats"


def create_app(settings: StatsSettings | None = None) -> FastAPI:
    """Build the app; nothing connects until its lifespan starts."""
    settings = settings or StatsSettings()
    runtime = ServiceRuntime.create(settings, default_database=DATABASE)
    container = build_container(runtime, settings)
    amqp.register(runtime, container)
    app = build_service_app(
        runtime,
        title=TITLE,
        description=DESCRIPTION,
        routers=http.build_routers(container),
        indexes=container.indexes,
        on_start=container.on_start,
        on_stop=container.on_stop,
        error_statuses=http.ERROR_STATUSES,
    )
    app.state.container = container
    return app
