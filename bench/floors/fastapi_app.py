"""Floor (a): a bare FastAPI endpoint publishing one persistent, confirmed message per request.

Run by the harness as ``python -m bench.floors.fastapi_app`` (uvicorn, one process);
settings come from ``FLOOR_*`` environment variables. FastStream's ``RabbitBroker``
with publisher confirms on and ``mandatory`` returns raised, like the platform's
publisher; the queue is a durable quorum queue bound to a topic exchange, like the
platform's topology.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from uuid import uuid4

import uvicorn
from fastapi import FastAPI
from faststream.rabbit import (
    Channel,
    ExchangeType,
    QueueType,
    RabbitBroker,
    RabbitExchange,
    RabbitQueue,
)
from pydantic import BaseModel, Field

ROUTING_KEY = "floor.message"


class FloorMessage(BaseModel):
    to: str = Field(min_length=1, max_length=64)
    type: str = "text"
    text: str | None = Field(default=None, max_length=4096)


def create_app(rabbitmq_url: str, exchange_name: str, queue_name: str) -> FastAPI:
    broker = RabbitBroker(
        rabbitmq_url,
        default_channel=Channel(publisher_confirms=True, on_return_raises=True),
        logger=None,
    )
    exchange = RabbitExchange(exchange_name, type=ExchangeType.TOPIC, durable=True)
    queue = RabbitQueue(
        queue_name,
        queue_type=QueueType.QUORUM,
        durable=True,
        routing_key=ROUTING_KEY,
        arguments={"x-overflow": "reject-publish"},
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await broker.connect()
        declared_exchange = await broker.declare_exchange(exchange)
        declared_queue = await broker.declare_queue(queue)
        await declared_queue.bind(declared_exchange, routing_key=ROUTING_KEY)
        await broker.start()
        try:
            yield
        finally:
            await broker.stop()

    app = FastAPI(title="bench floor: accept and publish", lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/messages", status_code=202)
    async def accept(message: FloorMessage) -> dict[str, str]:
        message_id = uuid4().hex
        created_at = datetime.now(UTC).isoformat()
        await broker.publish(
            {"id": message_id, "created_at": created_at, **message.model_dump()},
            exchange=exchange,
            routing_key=ROUTING_KEY,
            persist=True,
            mandatory=True,
            message_id=message_id,
            content_type="application/json",
            timeout=10.0,
        )
        return {"id": message_id, "status": "queued", "created_at": created_at}

    return app


def main() -> None:
    app = create_app(
        os.environ["FLOOR_RABBITMQ_URL"],
        os.environ["FLOOR_EXCHANGE"],
        os.environ["FLOOR_QUEUE"],
    )
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(os.environ["FLOOR_PORT"]),
        log_config=None,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
