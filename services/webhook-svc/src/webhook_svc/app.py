"""Composition root of webhook-svc: wires settings, plumbing, adapters and entrypoints."""

from fastapi import FastAPI
from wagate_platform.auth import JwtAuthenticator
from wagate_platform.inbox import Inbox
from wagate_platform.runtime import ServiceRuntime, build_service_app

from webhook_svc.adapters.configs import CONFIG_INDEXES, ConfigStore
from webhook_svc.adapters.contacts import CONTACT_INDEXES, ContactStore
from webhook_svc.adapters.deliveries import DELIVERY_INDEXES, DeliveryStore
from webhook_svc.adapters.marks import MARKS_INDEXES, MarkStore
from webhook_svc.adapters.outbound import WebhookPoster
from webhook_svc.adapters.projection_store import PROJECTION_INDEXES, ProjectionStore
from webhook_svc.entrypoints.amqp import register_subscribers
from webhook_svc.entrypoints.http import callbacks_router
from webhook_svc.entrypoints.http_customer import customer_router
from webhook_svc.service.callbacks import callback_sources, generic_verifier
from webhook_svc.service.customer_webhooks import CustomerWebhooks
from webhook_svc.service.directory import Directory, DirectorySync
from webhook_svc.service.forwarding import Forwarder
from webhook_svc.service.ingest import Ingestor
from webhook_svc.service.projections import Projector
from webhook_svc.settings import WebhookSettings

DESCRIPTION = "Provider callbacks in (verified, deduplicated), customer webhooks out."


def create_app(settings: WebhookSettings | None = None) -> FastAPI:
    """Build the app; nothing connects until its lifespan starts."""
    settings = settings or WebhookSettings()
    runtime = ServiceRuntime.create(settings, default_database="wagate_webhook")
    db = runtime.db
    configs, deliveries, contacts = ConfigStore(db), DeliveryStore(db), ContactStore(db)
    projections = ProjectionStore(db)
    directory = Directory(settings.content_dedup_window_s, settings.message_cache_size)
    sync = DirectorySync(directory, projections, configs, settings.directory_refresh_s)
    poster = WebhookPoster(settings.webhook_timeout_s, settings.private_targets_allowed)
    delays = tuple(settings.webhook_retry_delays_ms)
    forwarder = Forwarder(
        configs,
        deliveries,
        poster,
        runtime.publisher,
        runtime.topology,
        delays,
        settings.webhook_max_in_flight_per_user,
    )
    projector = Projector(
        projections, contacts, directory, runtime.mongo, Inbox(db, "webhook-svc.projections")
    )
    register_subscribers(runtime, projector, forwarder, delays)
    ingestor = Ingestor(
        directory,
        MarkStore(db, settings.dedup_ttl_s),
        runtime.publisher,
        settings.ingest_publish_timeout_s,
    )
    webhooks = CustomerWebhooks(
        configs, deliveries, contacts, forwarder, directory, settings.private_targets_allowed
    )
    auth = JwtAuthenticator(settings.auth_jwt_secret.get_secret_value())
    app = build_service_app(
        runtime,
        title="webhook-svc",
        description=DESCRIPTION,
        routers=[
            callbacks_router(
                settings, ingestor, callback_sources(settings), generic_verifier(settings)
            ),
            customer_router(webhooks, auth),
        ],
        indexes=[
            MARKS_INDEXES,
            CONFIG_INDEXES,
            DELIVERY_INDEXES,
            CONTACT_INDEXES,
            *PROJECTION_INDEXES,
        ],
        on_start=[sync.start],
        on_stop=[sync.stop, poster.aclose],
    )
    app.state.directory = directory
    app.state.directory_sync = sync
    return app
