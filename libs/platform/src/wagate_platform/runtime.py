"""The plumbing one service process needs, and the FastAPI app that hosts it.

``ServiceRuntime`` builds the broker, publisher, MongoDB client and outbox
without connecting. ``build_service_app`` wraps a service's routers and
subscribers into a FastAPI app whose lifespan connects MongoDB (creating
indexes), declares the topology, starts the broker and (where the service uses the
platform outbox) the outbox relay, and stops all of it in reverse order.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from fastapi import APIRouter, FastAPI
from faststream.rabbit import RabbitBroker
from faststream.specification import AsyncAPI
from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from wagate_platform.broker import Binding, build_broker, build_topology, declare_topology
from wagate_platform.consumer import Handler, Parser, subscribe
from wagate_platform.domain_errors import DomainError
from wagate_platform.errors import install_domain_errors, install_error_handlers
from wagate_platform.http import install_http_middleware
from wagate_platform.inbox import INBOX_INDEXES
from wagate_platform.liveness import mongo_liveness
from wagate_platform.logging import configure_logging, get_logger
from wagate_platform.mongo import (
    CollectionIndexes,
    CommandCounter,
    Document,
    create_mongo_client,
    ensure_indexes,
    ping,
)
from wagate_platform.observability import broker_check, consumers_check, operational_router
from wagate_platform.outage_retry import OutageRetry, RetrySchedule
from wagate_platform.outbox import OUTBOX_INDEXES, Outbox, OutboxRelay
from wagate_platform.publisher import EventPublisher
from wagate_platform.settings import ServiceSettings
from wagate_platform.topology import Topology

log = get_logger(__name__)
Hook = Callable[[], Awaitable[None]]


@dataclass
class ServiceRuntime:
    settings: ServiceSettings
    broker: RabbitBroker
    topology: Topology
    publisher: EventPublisher
    mongo: AsyncMongoClient[Document]
    db: AsyncDatabase[Document]
    mongo_commands: CommandCounter
    outbox: Outbox
    relay: OutboxRelay
    retry: OutageRetry
    bindings: list[Binding] = field(default_factory=list)

    @classmethod
    def create(cls, settings: ServiceSettings, default_database: str) -> "ServiceRuntime":
        broker = build_broker(settings)
        topology = build_topology(settings)
        publisher = EventPublisher(broker, topology, settings.service_name)
        counter = CommandCounter()
        mongo = create_mongo_client(settings, counter)
        db = mongo[settings.mongodb_database or default_database]
        return cls(
            settings=settings,
            broker=broker,
            topology=topology,
            publisher=publisher,
            mongo=mongo,
            db=db,
            mongo_commands=counter,
            outbox=Outbox(db),
            relay=OutboxRelay(db, publisher, poll_interval_s=settings.outbox_poll_interval_s),
            retry=OutageRetry(
                broker,
                topology,
                RetrySchedule(settings.amqp_retry_delays_ms, settings.amqp_retry_budget_s),
            ),
        )

    def subscribe(self, binding: Binding, parse: Parser, handler: Handler) -> None:
        """Consume ``binding.queue``; its extra keys, DLQ and delays are declared at start.

        A queue listed in ``AMQP_PAUSED_QUEUES`` is declared and bound but not consumed.
        """
        if binding.queue in self.settings.paused_queues:
            log.warning("consumer_paused", queue=binding.queue)
        else:
            subscribe(self.broker, self.topology, binding, parse, handler, self.retry)
        self.bindings.append(binding)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncClientSession]:
        """A MongoDB session inside a transaction, committed when the block ends cleanly."""
        async with self.mongo.start_session() as session, await session.start_transaction():
            yield session

    async def mongo_ready(self) -> bool:
        return await ping(self.mongo)


def build_service_app(
    runtime: ServiceRuntime,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter] = (),
    indexes: Sequence[CollectionIndexes] = (),
    on_start: Sequence[Hook] = (),
    on_stop: Sequence[Hook] = (),
    error_statuses: dict[type[DomainError], int] | None = None,
    uses_outbox: bool = True,
) -> FastAPI:
    """``uses_outbox=False``: the service never writes to the platform outbox (no
    ``UnitOfWork``, no ``runtime.outbox``), so its collection is not indexed and the relay,
    which would sweep it every ``OUTBOX_POLL_INTERVAL_S``, is not started."""
    settings = runtime.settings
    relay_steps = [runtime.relay.stop] if uses_outbox else []
    platform_indexes = [OUTBOX_INDEXES, INBOX_INDEXES] if uses_outbox else [INBOX_INDEXES]

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.service_name, settings.log_level, settings.log_format)
        await ensure_indexes(runtime.db, [*platform_indexes, *indexes])
        await runtime.broker.connect()
        await declare_topology(
            runtime.broker, runtime.topology, runtime.bindings, settings.amqp_retry_delays_ms
        )
        await runtime.broker.start()
        if uses_outbox:
            await runtime.relay.start()
        for hook in on_start:
            await hook()
        log.info("service_started", port=settings.http_port)
        try:
            yield
        finally:
            steps = [*(hook for hook in reversed(on_stop)), *relay_steps]
            steps += [runtime.broker.stop, runtime.mongo.close]
            deadline = asyncio.get_running_loop().time() + settings.shutdown_timeout_s
            for step in steps:
                await _bounded(step, deadline)
            log.info("service_stopped")

    app = FastAPI(title=title, description=description, version="0.1.0", lifespan=lifespan)
    install_error_handlers(app)
    install_domain_errors(app, error_statuses or {})
    install_http_middleware(app, settings.http_request_timeout_s)
    asyncapi = AsyncAPI(runtime.broker, title=f"{title} events", version="0.1.0")
    app.include_router(
        operational_router(
            {
                "mongodb": runtime.mongo_ready,
                "rabbitmq": broker_check(runtime.broker),
                "consumers": consumers_check(runtime.broker),
            },
            asyncapi,
            liveness={"mongodb": mongo_liveness(runtime.mongo, settings.mongodb_url)},
        )
    )
    for router in routers:
        app.include_router(router)
    app.state.runtime = runtime
    return app


async def _bounded(step: Hook, deadline: float) -> None:
    """Run one step of the graceful stop within what is left of the stop's time; a step
    that hangs or fails is logged and left (the later steps still run, each at least 0.5 s)."""
    name = getattr(step, "__qualname__", repr(step))
    left = max(0.5, deadline - asyncio.get_running_loop().time())
    try:
        async with asyncio.timeout(left):
            await step()
    except TimeoutError:
        log.error("shutdown_step_timed_out", step=name, timeout_s=round(left, 2))
    except Exception as exc:
        log.error("shutdown_step_failed", step=name, error=str(exc)[:300])
