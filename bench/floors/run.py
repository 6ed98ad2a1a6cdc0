"""The three floors, measured in the same run as the scenarios (before the platform starts)."""

import asyncio
import contextlib
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import aio_pika
from pymongo import AsyncMongoClient, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from wagate_platform.mongo import CommandCounter
from wagate_testing.infra import free_port

from bench.harness.infra import Infra
from bench.harness.loadgen import loopback_client, run_load
from bench.harness.procs import Child, base_env
from bench.harness.stats import latency_summary, throughput
from bench.results import Check, Result
from bench.sizing import Sizes

SEND_BODY = {"to": "+62 812-3456-7890", "type": "text", "text": "bench floor message"}


async def _delete_amqp(rabbitmq_url: str, queues: list[str], exchanges: list[str]) -> None:
    connection = await aio_pika.connect(rabbitmq_url)
    async with connection:
        for name in queues:
            channel = await connection.channel()
            with contextlib.suppress(Exception):
                await channel.queue_delete(name)
        for name in exchanges:
            channel = await connection.channel()
            with contextlib.suppress(Exception):
                await channel.exchange_delete(name)


async def _queue_depth(rabbitmq_url: str, queue: str) -> int | None:
    connection = await aio_pika.connect(rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        try:
            declared = await channel.declare_queue(queue, passive=True)
        except Exception:
            return None
        return declared.declaration_result.message_count


async def floor_fastapi_publish(infra: Infra, sizes: Sizes, log_dir: Path) -> Result:
    """(a) bare FastAPI + FastStream publish (confirmed, persistent) per request."""
    result = Result("floor_fastapi_publish", "floor", quick=sizes.quick, unit="requests/s")
    namespace = infra.namespace("floor")
    queue, exchange = f"{namespace}floor.fastapi", f"{namespace}floor.events"
    port = free_port()
    env = base_env() | {
        "FLOOR_RABBITMQ_URL": infra.rabbitmq_url,
        "FLOOR_EXCHANGE": exchange,
        "FLOOR_QUEUE": queue,
        "FLOOR_PORT": str(port),
    }
    child = Child(
        "floor-fastapi",
        "bench.floors.fastapi_app",
        port,
        env,
        log_dir / "floor-fastapi.log",
        ready_path="/healthz",
    )
    result.params = {
        "requests": sizes.http_requests,
        "concurrency": sizes.http_concurrency,
        "time_limit_s": sizes.http_time_limit_s,
        "server": "uvicorn, 1 process",
    }
    child.start()
    try:
        reason = await child.wait_ready(60)
        if reason:
            return result.fail(reason)
        async with loopback_client(child.base_url, sizes.http_concurrency) as client:
            # warm-up: connections and the broker channel
            for _ in range(20):
                await client.post("/v1/messages", json=SEND_BODY)
            before = await _queue_depth(infra.rabbitmq_url, queue) or 0

            async def send(_: int) -> int:
                return (await client.post("/v1/messages", json=SEND_BODY)).status_code

            child.reset_peak_rss()
            load = await run_load(
                send,
                total=sizes.http_requests,
                concurrency=sizes.http_concurrency,
                time_limit_s=sizes.http_time_limit_s,
                ok=(202,),
            )
        after = await _queue_depth(infra.rabbitmq_url, queue)
        accepted = load.ok_count((202,))
        result.throughput_per_s = load.throughput((202,))
        result.latency = load.latency()
        result.rss_peak_mb = {"floor-fastapi": child.peak_rss_mb() or 0.0}
        result.details = load.summary((202,))
        result.checks["queued_equals_accepted"] = Check.equal(
            accepted, None if after is None else after - before
        )
        return result.settle()
    finally:
        child.stop()
        await _delete_amqp(infra.rabbitmq_url, [queue], [exchange])


async def floor_amqp_publish_consume(infra: Infra, sizes: Sizes) -> Result:
    """(b) raw aio-pika: persistent, confirmed publishes consumed and acked, msgs/s."""
    result = Result("floor_amqp_publish_consume", "floor", quick=sizes.quick, unit="messages/s")
    queue_name = f"{infra.namespace('floor')}floor.amqp"
    total, in_flight = sizes.amqp_messages, sizes.amqp_in_flight
    result.params = {"messages": total, "publishes_in_flight": in_flight, "prefetch": in_flight}
    connection = await aio_pika.connect(infra.rabbitmq_url)
    try:
        async with connection:
            publish_channel = await connection.channel(publisher_confirms=True)
            consume_channel = await connection.channel()
            await consume_channel.set_qos(prefetch_count=in_flight)
            queue = await consume_channel.declare_queue(
                queue_name,
                durable=True,
                arguments={"x-queue-type": "quorum", "x-overflow": "reject-publish"},
            )
            received = 0
            done = asyncio.Event()
            end_to_end: list[float] = []

            async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
                nonlocal received
                sent_at = float(message.headers.get("x-sent-at", 0.0) or 0.0)  # type: ignore[arg-type]
                await message.ack()
                received += 1
                if sent_at:
                    end_to_end.append(time.perf_counter() - sent_at)
                if received >= total:
                    done.set()

            consumer_tag = await queue.consume(on_message)
            slots = asyncio.Semaphore(in_flight)
            body = b'{"event_type":"floor.message","text":"bench floor message"}'

            async def publish(index: int) -> None:
                async with slots:
                    await publish_channel.default_exchange.publish(
                        aio_pika.Message(
                            body,
                            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                            message_id=str(index),
                            content_type="application/json",
                            headers={"x-sent-at": time.perf_counter()},
                        ),
                        routing_key=queue_name,
                        mandatory=True,
                        timeout=10,
                    )

            start = time.perf_counter()
            publishing = asyncio.gather(*(publish(i) for i in range(total)))
            try:
                async with asyncio.timeout(max(30.0, sizes.http_time_limit_s * 2)):
                    await publishing
                    published_s = time.perf_counter() - start
                    await done.wait()
            except TimeoutError:
                publishing.cancel()
                result.reason = "time limit reached"
                published_s = time.perf_counter() - start
            elapsed = time.perf_counter() - start
            result.throughput_per_s = throughput(received, elapsed)
            result.latency = latency_summary(end_to_end)
            result.details = {
                "received": received,
                "elapsed_s": round(elapsed, 3),
                "publish_only_per_s": throughput(total, published_s),
                "latency_is": "publish start to consumer ack, in one process",
            }
            result.checks["all_consumed"] = Check.equal(total, received)
            with contextlib.suppress(Exception):
                await queue.cancel(consumer_tag)
                await publish_channel.queue_delete(queue_name)
    except Exception as exc:
        return result.fail(f"{type(exc).__name__}: {exc}")
    return result.settle()


async def floor_mongo_inc(infra: Infra, sizes: Sizes) -> Result:
    """(c) one ``$inc`` upsert per message vs batched ``bulk_write`` of aggregated ``$inc``s."""
    result = Result("floor_mongo_inc", "floor", quick=sizes.quick, unit="events/s")
    events, keys, batch = sizes.mongo_events, sizes.mongo_keys, sizes.mongo_batch
    result.params = {
        "events": events,
        "distinct_keys": keys,
        "batch": batch,
        "single_concurrency": 1,
        "mongodb": infra.mongodb_kind,
    }
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    database = infra.database("floor_mongo")
    counter = CommandCounter()
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        infra.mongodb_url, event_listeners=[counter], serverSelectionTimeoutMS=10_000
    )
    try:
        db = client[database]
        await db.command("ping")

        def key_of(i: int) -> str:
            return f"user-{i % keys}"

        single = db["single"]
        counter.reset()
        start = time.perf_counter()
        for i in range(events):
            await single.update_one(
                {"_id": key_of(i)}, {"$inc": {"sent": 1, f"daily.{day}": 1}}, upsert=True
            )
        single_s = time.perf_counter() - start
        single_trips = counter.count

        batched = db["batched"]
        counter.reset()
        start = time.perf_counter()
        for first in range(0, events, batch):
            counts = Counter(key_of(i) for i in range(first, min(first + batch, events)))
            await batched.bulk_write(
                [
                    UpdateOne({"_id": k}, {"$inc": {"sent": n, f"daily.{day}": n}}, upsert=True)
                    for k, n in counts.items()
                ],
                ordered=False,
            )
        batched_s = time.perf_counter() - start
        batched_trips = counter.count

        single_total = await _sum_sent(single)
        batched_total = await _sum_sent(batched)
        single_rate = throughput(events, single_s)
        batched_rate = throughput(events, batched_s)
        result.throughput_per_s = batched_rate
        result.details = {
            "single_per_s": single_rate,
            "batched_per_s": batched_rate,
            "batched_speedup": round(batched_rate / single_rate, 2)
            if single_rate and batched_rate
            else None,
            "single_round_trips_per_event": round(single_trips / events, 3),
            "batched_round_trips_per_event": round(batched_trips / events, 3),
            "throughput_is": "batched; single_per_s is the one-upsert-per-message floor",
        }
        result.checks["single_counts_exact"] = Check.equal(events, single_total)
        result.checks["batched_counts_exact"] = Check.equal(events, batched_total)
    except Exception as exc:
        return result.fail(f"{type(exc).__name__}: {exc}")
    finally:
        with contextlib.suppress(Exception):
            await client.drop_database(database)
        await client.close()
    return result.settle()


async def _sum_sent(collection: AsyncCollection[dict[str, object]]) -> int:
    total = 0
    async for doc in collection.find({}, {"sent": 1}):
        total += int(str(doc.get("sent", 0)))
    return total
