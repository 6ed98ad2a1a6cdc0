"""session-svc's app: settings, plumbing, the container, and its two entry points."""

from fastapi import FastAPI
from wagate_platform.runtime import ServiceRuntime, build_service_app

from session_svc.entrypoints import amqp, http
from session_svc.service.container import build_container
from session_svc.settings import SessionSettings

TITLE = "session-svc"
DESCRIPTION = "Session lifecycle for frontends: sessions, groups, audit log."
DATABASE = "wagate_session"


def create_app(settings: SessionSettings | None = None) -> FastAPI:
    """Build the app; nothing connects until its lifespan starts."""
    settings = settings or SessionSettings()
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
