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

from enum import StrEnum

import aio_pika.exceptions as amqp_errors
import aiormq.exceptions as aiormq_errors
from pymongo import errors as mongo_errors

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
