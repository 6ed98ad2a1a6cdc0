"""billing-svc's app: settings, runtime, container, entry points (the shape of every service)."""

from fastapi import FastAPI
from wagate_platform.composition import ServiceParts, compose

from billing_svc.entrypoints import amqp, http
from billing_svc.service.container import build_container
from billing_svc.settings import BillingSettings

PARTS = ServiceParts(
    title="billing-svc",
    description="Plans, subscriptions, API keys and the session quota (maxSession) authority.",
    database="wagate_billing",
    build_container=build_container,
    register_consumers=amqp.register,
    build_routers=http.build_routers,
    error_statuses=http.ERROR_STATUSES,
)


def create_app(settings: BillingSettings | None = None) -> FastAPI:
    """Build the app; nothing connects until its lifespan starts."""
    return compose(settings or BillingSettings(), PARTS)
