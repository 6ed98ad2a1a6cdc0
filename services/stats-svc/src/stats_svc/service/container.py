"""The composition root of stats-svc: every repository and use case, built once."""

from collections.abc import Sequence
from dataclasses import dataclass

from wagate_contracts.envelope import Event, utc_now
from wagate_platform.mongo import CollectionIndexes
from wagate_platform.runtime import Hook, ServiceRuntime

from stats_svc.adapters.documents import indexes
from stats_svc.adapters.projection_store import ProjectionStore
from stats_svc.adapters.stats_repository import StatsRepository
from stats_svc.service.batching import Batcher
from stats_svc.service.projector import Projector
from stats_svc.service.queries import StatsQueries
from stats_svc.settings import StatsSettings

DAY_S = 24 * 3600


@dataclass(frozen=True)
class Container:
    settings: StatsSettings
    projection_store: ProjectionStore
    stats_repository: StatsRepository
    projector: Projector
    batcher: Batcher[Event]
    """Both queues feed it: one projection write per batch."""
    queries: StatsQueries
    indexes: list[CollectionIndexes]
    on_start: list[Hook]
    on_stop: list[Hook]


def build_container(runtime: ServiceRuntime, settings: StatsSettings) -> Container:
    store = ProjectionStore(runtime.mongo, runtime.db)
    repository = StatsRepository(runtime.mongo, runtime.db)
    projector = Projector(store, settings.timezone)

    async def write(events: Sequence[Event]) -> None:
        await projector.project(events)

    return Container(
        settings=settings,
        projection_store=store,
        stats_repository=repository,
        projector=projector,
        batcher=Batcher(
            write,
            max_items=settings.stats_batch_max_events,
            max_delay_s=settings.stats_flush_interval_ms / 1000,
        ),
        queries=StatsQueries(repository, settings.timezone, settings.stats_timezone, utc_now),
        indexes=indexes(settings.stats_marker_retention_days * DAY_S),
        on_start=[],  # the batcher has no task while nothing is pending: nothing to start
        on_stop=[],
    )
