"""One place that says which failures are an outage and which are a bug.

Every consumer and every HTTP route asks :func:`classify` about an exception:

- ``Fault.DATABASE`` — MongoDB is unreachable, timed out, or is in failover
  (PyMongo's ``ConnectionFailure`` family, server-selection and wait-queue
  timeouts, and server errors MongoDB itself labels transient or retryable).
- ``Fault.BROKER`` — RabbitMQ is unreachable, the channel or connection closed,
  or a publish was not confirmed in time or was nacked.
- ``Fault.DEPENDENCY`` — another transient failure: a timeout, or a
  :class:`TransientError` a service raised on purpose (a provider that is
  down is the sender's business, not this module's).
- ``None`` — anything else: a bug or a poison message.

A transient fault is waited out: a consumer puts the message on a retry delay
queue without spending its delivery limit, and an HTTP route answers 503 with
``Retry-After``. Only ``None`` counts towards the delivery limit and the DLQ.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from enum import StrEnum
from typing import TypeVar

import aio_pika.exceptions as amqp_errors
import aiormq.exceptions as aiormq_errors
from pymongo import errors as mongo_errors

from wagate_platform.logging import get_logger

_log = get_logger(__name__)
T = TypeVar("T")

# Server error codes MongoDB documents as "retry": shutdown, step-down, not primary,
# network, time limits (from the driver specifications' retryable-error list).
_MONGO_TRANSIENT_CODES = frozenset(
    {6, 7, 50, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, 63, 150}
)
_MONGO_TRANSIENT_LABELS = ("TransientTransactionError", "RetryableWriteError")


class Fault(StrEnum):
    DATABASE = "database_unavailable"
    BROKER = "broker_unavailable"
    DEPENDENCY = "dependency_unavailable"


class TransientError(Exception):
    """Raised on purpose for a failure that is expected to pass (an outage)."""

    fault: Fault = Fault.DEPENDENCY


class DatabaseUnavailable(TransientError):
    fault = Fault.DATABASE


class BrokerUnavailable(TransientError):
    fault = Fault.BROKER


def _classify_one(exc: BaseException) -> Fault | None:
    if isinstance(exc, TransientError):
        return exc.fault
    if isinstance(exc, mongo_errors.ConnectionFailure | mongo_errors.WaitQueueTimeoutError):
        return Fault.DATABASE
    if isinstance(exc, mongo_errors.PyMongoError):
        if any(exc.has_error_label(label) for label in _MONGO_TRANSIENT_LABELS):
            return Fault.DATABASE
        code = getattr(exc, "code", None)
        if isinstance(exc, mongo_errors.OperationFailure) and code in _MONGO_TRANSIENT_CODES:
            return Fault.DATABASE
        if isinstance(exc, mongo_errors.InvalidOperation) and "after close" in str(exc):
            return Fault.DATABASE  # a client closed under us (shutdown): not a bug of the message
        return None
    if isinstance(
        exc,
        amqp_errors.AMQPConnectionError
        | aiormq_errors.AMQPConnectionError
        | amqp_errors.ChannelInvalidStateError
        | aiormq_errors.ChannelInvalidStateError
        | aiormq_errors.ConnectionClosed
        | aiormq_errors.DeliveryError
        | ConnectionError,
    ):
        return Fault.BROKER
    if isinstance(exc, TimeoutError):
        return Fault.DEPENDENCY
    return None


def classify(exc: BaseException) -> Fault | None:
    """The outage ``exc`` stands for, following explicit causes (``raise … from``); None = a bug.

    Implicit contexts are not followed: a bug raised while handling a timeout is a bug.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        fault = _classify_one(current)
        if fault is not None:
            return fault
        current = current.__cause__
    return None


def is_transient(exc: BaseException) -> bool:
    return classify(exc) is not None


async def retry_through_outage(
    operation: Callable[[], Awaitable[T]],
    *,
    what: str,
    budget_s: float = 900.0,
    delays_s: Sequence[float] = (0.2, 0.5, 1.0, 2.0, 5.0),
) -> T:
    """Run ``operation`` until it succeeds, waiting out transient faults for ``budget_s``.

    For the one write that must not be lost once its effect happened elsewhere (a
    message the provider accepted must be recorded as sent, or it would be sent again
    after its lease lapses). A bug, or a fault past the budget, is raised.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + budget_s
    attempt = 0
    while True:
        try:
            return await operation()
        except Exception as exc:
            fault = classify(exc)
            if fault is None or loop.time() >= deadline:
                raise
            delay = delays_s[min(attempt, len(delays_s) - 1)]
            _log.warning("outage_write_retry", what=what, fault=fault, attempt=attempt + 1)
            attempt += 1
            await asyncio.sleep(delay)
