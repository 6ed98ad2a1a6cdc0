"""The composition every service's ``app.py`` does, written once.

settings → :class:`ServiceRuntime` (plumbing, nothing connected) → the service's
container (``service/container.py``: every repository, port and use case, built once)
→ its consumers (``entrypoints/amqp.register``) and routers
(``entrypoints/http.build_routers``) → the FastAPI app whose lifespan connects. A
service's ``app.py`` only names its parts in a :class:`ServiceParts`.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from fastapi import APIRouter, FastAPI

from wagate_platform.domain_errors import DomainError
from wagate_platform.mongo import CollectionIndexes
from wagate_platform.runtime import Hook, ServiceRuntime, build_service_app
from wagate_platform.settings import ServiceSettings


class Container(Protocol):
    """What the composition reads from a service's container."""

    @property
    def indexes(self) -> Sequence[CollectionIndexes]: ...

    @property
    def on_start(self) -> Sequence[Hook]: ...

    @property
    def on_stop(self) -> Sequence[Hook]: ...


S = TypeVar("S", bound=ServiceSettings)
C = TypeVar("C", bound=Container)


@dataclass(frozen=True)
class ServiceParts(Generic[S, C]):
    title: str
    description: str
    database: str
    """The default MongoDB database (``MONGODB_DATABASE`` overrides it)."""
    build_container: Callable[[ServiceRuntime, S], C]
    register_consumers: Callable[[ServiceRuntime, C], None]
    build_routers: Callable[[C], Sequence[APIRouter]]
    error_statuses: dict[type[DomainError], int]
    uses_outbox: bool = True
    """False for a service that never writes the platform outbox: no relay is started."""


def compose(settings: S, parts: ServiceParts[S, C]) -> FastAPI:
    """Build the app; nothing connects until its lifespan starts."""
    runtime = ServiceRuntime.create(settings, default_database=parts.database)
    container = parts.build_container(runtime, settings)
    parts.register_consumers(runtime, container)
    app = build_service_app(
        runtime,
        title=parts.title,
        description=parts.description,
        routers=parts.build_routers(container),
        indexes=container.indexes,
        on_start=container.on_start,
        on_stop=container.on_stop,
        error_statuses=parts.error_statuses,
        uses_outbox=parts.uses_outbox,
    )
    app.state.container = container
    return app
