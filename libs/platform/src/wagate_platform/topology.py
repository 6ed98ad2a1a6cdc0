"""Exchange and queue declarations of the messaging contract.

Every consumer queue is a durable quorum queue with a delivery limit; a message
rejected (with requeue) more often than that is dead-lettered through
``wagate.dlx`` to ``<queue>.dlq``. An optional namespace prefixes every name so
that test runs can share one broker without seeing each other's messages.
"""

from dataclasses import dataclass

from faststream.rabbit import ExchangeType, QueueType, RabbitExchange, RabbitQueue
from wagate_contracts.names import (
    DEAD_LETTER_EXCHANGE,
    EVENTS_EXCHANGE,
    RETRY_EXCHANGE,
    dead_letter_queue,
    retry_queue,
)

RETRY_DELAY_HEADER = "wagate-retry-delay"
"""Header the retry exchange routes on: ``"<ms>ms"``, one binding per delay queue. Not
``x-``-prefixed: a headers exchange ignores ``x-`` headers when it matches."""


@dataclass(frozen=True)
class Topology:
    namespace: str = ""
    delivery_limit: int = 5

    def name(self, base: str) -> str:
        return f"{self.namespace}{base}"

    @property
    def events_exchange(self) -> RabbitExchange:
        return RabbitExchange(self.name(EVENTS_EXCHANGE), type=ExchangeType.TOPIC, durable=True)

    @property
    def dead_letter_exchange(self) -> RabbitExchange:
        return RabbitExchange(
            self.name(DEAD_LETTER_EXCHANGE), type=ExchangeType.TOPIC, durable=True
        )

    @property
    def retry_exchange(self) -> RabbitExchange:
        return RabbitExchange(self.name(RETRY_EXCHANGE), type=ExchangeType.HEADERS, durable=True)

    def retry_queue(self, delay_ms: int) -> RabbitQueue:
        """A shared holding queue for messages waiting out an outage (``wagate.retry``).

        A message is published to the retry exchange with its target queue's full
        name as routing key and ``wagate-retry-delay: <ms>ms``; on expiry it is
        dead-lettered through the default exchange under that routing key, so it
        returns to its own queue only, as a new delivery (its delivery count is 0).
        """
        return RabbitQueue(
            self.name(retry_queue(delay_ms)),
            queue_type=QueueType.QUORUM,
            durable=True,
            arguments={
                "x-message-ttl": delay_ms,
                "x-dead-letter-exchange": "",
                "x-dead-letter-strategy": "at-least-once",
                "x-overflow": "reject-publish",
            },
        )

    def queue(self, base: str, routing_key: str) -> RabbitQueue:
        """A consumer's quorum queue, bound to the events exchange by ``routing_key``."""
        name = self.name(base)
        return RabbitQueue(
            name,
            queue_type=QueueType.QUORUM,
            durable=True,
            routing_key=routing_key,
            arguments={
                "x-dead-letter-exchange": self.name(DEAD_LETTER_EXCHANGE),
                "x-dead-letter-routing-key": name,
                "x-delivery-limit": self.delivery_limit,
                "x-dead-letter-strategy": "at-least-once",
                "x-overflow": "reject-publish",
            },
        )

    def dead_letter_queue(self, base: str) -> RabbitQueue:
        """``<queue>.dlq``, bound to the dead-letter exchange by the queue's name."""
        return RabbitQueue(
            self.name(dead_letter_queue(base)),
            queue_type=QueueType.QUORUM,
            durable=True,
            routing_key=self.name(base),
        )

    def delay_queue(self, target: str, delay_ms: int) -> RabbitQueue:
        """A holding queue whose messages return to queue ``target`` after ``delay_ms``.

        Publish to it through the default exchange under its own name; on expiry
        the message is dead-lettered through the default exchange straight into
        ``target`` only, so other consumers of the event never see it twice.
        Used for retries with backoff and for waiting on capacity.
        """
        return RabbitQueue(
            self.name(f"{target}.delay.{delay_ms}ms"),
            queue_type=QueueType.QUORUM,
            durable=True,
            arguments={
                "x-message-ttl": delay_ms,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": self.name(target),
                "x-dead-letter-strategy": "at-least-once",
                "x-overflow": "reject-publish",
            },
        )
