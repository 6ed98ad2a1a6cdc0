"""Composition root of sender-svc: settings, runtime, container, entry points."""

from fastapi import FastAPI
from wagate_platform.runtime import ServiceRuntime, build_service_app

from sender_svc.entrypoints import amqp, http
from sender_svc.service.container import build_container
from sender_svc.settings import SenderSettings

DATABASE = "wagate_sender"
TITLE = "sender-svc"
DESCRIPTION = "Public send API, campaigns, durable queue and dispatch with session rotation."


def create_app(settings: SenderSettings | None = None) -> FastAPI:
    """Build the app; nothing connects until its lifespan starts."""
    settings = settings or SenderSettings()
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
