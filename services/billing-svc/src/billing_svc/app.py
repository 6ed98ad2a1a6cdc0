"""billing-svc's app: settings, runtime, container, entry points (the shape of every service)."""

from fastapi import FastAPI
from wagate_platform.runtime import ServiceRuntime, build_service_app

from billing_svc.entrypoints import amqp, http
from billing_svc.service.container import build_container
from billing_svc.settings import BillingSettings

TITLE = "billing-svc"
DESCRIPTION = "Plans, subscriptions, API keys and the session quota (maxSession) authority."
DATABASE = "wagate_billing"


def create_app(settings: BillingSettings | None = None) -> FastAPI:
    """Build the app; nothing connects until its lifespan starts."""
    settings = settings or BillingSettings()
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
