"""What normal operation must never leave behind: messages in a dead-letter queue."""

import contextlib
from collections.abc import Iterable

import aio_pika
from wagate_contracts.names import DLQ_SUFFIX


async def dead_lettered(rabbitmq_url: str, queues: Iterable[str]) -> dict[str, int]:
    """Messages waiting in each ``*.dlq`` among ``queues`` (absent queues count as empty);
    an empty dict means nothing was dead-lettered."""
    counts: dict[str, int] = {}
    connection = await aio_pika.connect(rabbitmq_url)
    async with connection:
        for name in sorted(q for q in queues if q.endswith(DLQ_SUFFIX)):
            channel = await connection.channel()
            with contextlib.suppress(aio_pika.exceptions.ChannelClosed):
                queue = await channel.declare_queue(name, passive=True)
                count = int(queue.declaration_result.message_count or 0)
                if count:
                    counts[name] = count
    return counts
