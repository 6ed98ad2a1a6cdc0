"""The composition root of webhook-svc: every repository, port and use case, built once."""

from dataclasses import dataclass

from wagate_contracts.envelope import utc_now
from wagate_platform.inbox import Inbox
from wagate_platform.mongo import CollectionIndexes
from wagate_platform.runtime import Hook, ServiceRuntime

from webhook_svc.adapters.configs import CONFIG_INDEXES, ConfigStore
from webhook_svc.adapters.contacts import CONTACT_INDEXES, ContactStore
from webhook_svc.adapters.deliveries import DELIVERY_INDEXES, DeliveryStore
from webhook_svc.adapters.marks import MARKS_INDEXES, MarkStore
from webhook_svc.adapters.outbound import WebhookPoster
from webhook_svc.adapters.projection_store import PROJECTION_INDEXES, ProjectionStore
from webhook_svc.service.callbacks import (
    CallbackSource,
    Verifier,
    callback_sources,
    generic_verifier,
)
from webhook_svc.service.customer_webhooks import CustomerWebhooks
from webhook_svc.service.directory import Directory, DirectorySync
from webhook_svc.service.forwarding import Forwarder
from webhook_svc.service.ingest import Ingestor
from webhook_svc.service.projections import Projector
from webhook_svc.settings import WebhookSettings


@dataclass(frozen=True)
class Container:
    settings: WebhookSettings
    configs: ConfigStore
    deliveries: DeliveryStore
    contacts: ContactStore
    projections: ProjectionStore
    marks: MarkStore
    directory: Directory
    """Who owns a provider session or a sent message, in memory (the ingest path's lookups)."""
    directory_sync: DirectorySync
    poster: WebhookPoster
    ingestor: Ingestor
    callback_sources: dict[str, CallbackSource]
    generic_verifier: Verifier
    projector: Projector
    forwarder: Forwarder
    webhooks: CustomerWebhooks
    indexes: list[CollectionIndexes]
    on_start: list[Hook]
    on_stop: list[Hook]


def build_container(runtime: ServiceRuntime, settings: WebhookSettings) -> Container:
    db = runtime.db
    configs, deliveries, contacts = ConfigStore(db), DeliveryStore(db), ContactStore(db)
    projections, marks = ProjectionStore(db), MarkStore(db, settings.dedup_ttl_s)
    directory = Directory(settings.content_dedup_window_s, settings.message_cache_size)
    sync = DirectorySync(directory, projections, configs, settings.directory_refresh_s)
    poster = WebhookPoster(settings.webhook_timeout_s, settings.private_targets_allowed)
    forwarder = Forwarder(
        configs,
        deliveries,
        poster,
        runtime.publisher,
        runtime.topology,
        tuple(settings.webhook_retry_delays_ms),
        settings.webhook_max_in_flight_per_user,
    )
    return Container(
        settings=settings,
        configs=configs,
        deliveries=deliveries,
        contacts=contacts,
        projections=projections,
        marks=marks,
        directory=directory,
        directory_sync=sync,
        poster=poster,
        ingestor=Ingestor(
            directory, marks, runtime.publisher, settings.ingest_publish_timeout_s, utc_now
        ),
        callback_sources=callback_sources(settings),
        generic_verifier=generic_verifier(settings),
        projector=Projector(
            projections, contacts, directory, runtime.mongo, Inbox(db, "webhook-svc.projections")
        ),
        forwarder=forwarder,
        webhooks=CustomerWebhooks(
            configs, deliveries, contacts, forwarder, directory, settings.private_targets_allowed
        ),
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
