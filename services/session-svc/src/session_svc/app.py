"""session-svc's app: settings, plumbing, the container, and its two entry points."""

from fastapi import FastAPI
from wagate_platform.composition import ServiceParts, compose

from session_svc.entrypoints import amqp, http
from session_svc.service.container import build_container
from session_svc.settings import SessionSettings

PARTS = ServiceParts(
    title="session-svc",
    description="Session lifecycle for frontends: sessions, groups, audit log.",
    database="wagate_session",
    build_container=build_container,
    register_consumers=amqp.register,
    build_routers=http.build_routers,
    error_statuses=http.ERROR_STATUSES,
)


def create_app(settings: SessionSettings | None = None) -> FastAPI:
    """Build the app; nothing connects until its lifespan starts."""
    return compose(settings or SessionSettings(), PARTS)
