"""webhook-svc's app: the runtime, the container, the entry points; nothing else."""

from fastapi import FastAPI
from wagate_platform.runtime import ServiceRuntime, build_service_app

from webhook_svc.entrypoints import amqp, http
from webhook_svc.service.container import build_container
from webhook_svc.settings import WebhookSettings

TITLE = "webhook-svc"
DESCRIPTION = "Provider callbacks in (verified, deduplicated), customer webhooks out."
DATABASE = "wagate_webhook"


def create_app(settings: WebhookSettings | None = None) -> FastAPI:
    """Build the app; nothing connects until its lifespan starts."""
    settings = settings or WebhookSettings()
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
