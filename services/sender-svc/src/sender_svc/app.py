"""Composition root of sender-svc: wires settings, plumbing, adapters and entrypoints."""

from fastapi import FastAPI
from wagate_platform.runtime import ServiceRuntime, build_service_app

from sender_svc.adapters.accounts import ACCOUNT_INDEXES
from sender_svc.adapters.campaigns import CAMPAIGN_INDEXES
from sender_svc.adapters.messages import MESSAGE_INDEXES
from sender_svc.adapters.providers import build_provider
from sender_svc.adapters.recipient_chunks import RECIPIENT_CHUNK_INDEXES
from sender_svc.adapters.sessions import SESSION_INDEXES
from sender_svc.entrypoints import amqp, http
from sender_svc.service.container import build_services
from sender_svc.settings import SenderSettings

DESCRIPTION = "Public send API, campaigns, durable queue and dispatch with session rotation."


def create_app(settings: SenderSettings | None = None) -> FastAPI:
    """Build the app; nothing connects until its lifespan starts."""
    settings = settings or SenderSettings()
    runtime = ServiceRuntime.create(settings, default_database="wagate_sender")
    provider = build_provider(settings)
    services = build_services(runtime, settings, provider)
    amqp.register(runtime, services)
    app = build_service_app(
        runtime,
        title="sender-svc",
        description=DESCRIPTION,
        routers=[http.build_router(services)],
        indexes=[
            ACCOUNT_INDEXES,
            SESSION_INDEXES,
            MESSAGE_INDEXES,
            CAMPAIGN_INDEXES,
            RECIPIENT_CHUNK_INDEXES,
        ],
        on_start=[
            services.outbox.start,
            services.preparer.start,
            services.streamer.start,
            services.lost_dispatch.start,
        ],
        on_stop=[
            services.lost_dispatch.stop,
            services.streamer.stop,
            services.preparer.stop,
            services.outbox.stop,
        ],
    )
    app.state.services = services
    return app
