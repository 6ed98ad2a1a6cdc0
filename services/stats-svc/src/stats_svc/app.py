"""Composition root of stats-svc: wires settings, plumbing, adapters and entrypoints."""

from collections.abc import Sequence

from fastapi import FastAPI
from wagate_contracts.envelope import Event
from wagate_platform.auth import JwtAuthenticator
from wagate_platform.runtime import ServiceRuntime, build_service_app

from stats_svc.adapters.documents import indexes
from stats_svc.adapters.projection_store import ProjectionStore
from stats_svc.adapters.stats_repository import StatsRepository
from stats_svc.entrypoints.amqp import register_subscribers
from stats_svc.entrypoints.http import stats_router
from stats_svc.service.batching import Batcher
from stats_svc.service.projector import Projector
from stats_svc.service.queries import StatsQueries
from stats_svc.settings import StatsSettings

DESCRIPTION = "Projects message and session events into counters; stats REST."
DAY_S = 24 * 3600


def create_app(settings: StatsSettings | None = None) -> FastAPI:
    """Build the app; nothing connects until its lifespan starts."""
    settings = settings or StatsSettings()
    runtime = ServiceRuntime.create(settings, default_database="wagate_stats")
    projector = Projector(ProjectionStore(runtime.mongo, runtime.db), settings.timezone)

    async def write(events: Sequence[Event]) -> None:
        await projector.project(events)

    batcher: Batcher[Event] = Batcher(
        write,
        max_items=settings.stats_batch_max_events,
        max_delay_s=settings.stats_flush_interval_ms / 1000,
    )
    register_subscribers(runtime, batcher)
    queries = StatsQueries(
        StatsRepository(runtime.mongo, runtime.db), settings.timezone, settings.stats_timezone
    )
    app = build_service_app(
        runtime,
        title="stats-svc",
        description=DESCRIPTION,
        routers=[
            stats_router(queries, JwtAuthenticator(settings.auth_jwt_secret.get_secret_value()))
        ],
        indexes=indexes(settings.stats_marker_retention_days * DAY_S),
    )
    app.state.projector = projector
    app.state.batcher = batcher
    return app
