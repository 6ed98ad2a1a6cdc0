"""Exchange, queue and routing-key names: the messaging contract of DESIGN.md.

The routing key of every message is its event type. Queue names are
``<service>.<purpose>``; each has a dead-letter queue ``<queue>.dlq`` bound to
the dead-letter exchange under the queue's own name.
"""

from typing import Final

EVENTS_EXCHANGE: Final = "wagate.events"
DEAD_LETTER_EXCHANGE: Final = "wagate.dlx"
DLQ_SUFFIX: Final = ".dlq"
RETRY_EXCHANGE: Final = "wagate.retry"
"""Headers exchange in front of the outage-retry delay queues ``wagate.retry.<ms>ms``."""


def retry_queue(delay_ms: int) -> str:
    """The shared delay queue holding messages that wait out an outage for ``delay_ms``."""
    return f"{RETRY_EXCHANGE}.{delay_ms}ms"


def dead_letter_queue(queue: str) -> str:
    """The dead-letter queue that belongs to ``queue``."""
    return f"{queue}{DLQ_SUFFIX}"


class RoutingKey:
    """Every event type; the routing key of a message equals its type."""

    SUBSCRIPTION_CHECK: Final = "subscription.check"
    SUBSCRIPTION_CHECKED: Final = "subscription.checked"
    SUBSCRIPTION_UPDATED: Final = "subscription.updated"
    APIKEY_ROTATED: Final = "apikey.rotated"
    SESSION_CREATED: Final = "session.created"
    SESSION_UPDATED: Final = "session.updated"
    SESSION_DELETED: Final = "session.deleted"
    SESSION_STATUS_CHANGED: Final = "session.status_changed"
    SESSION_STATUS_REPORTED: Final = "session.status_reported"
    MESSAGE_REQUESTED: Final = "message.requested"
    MESSAGE_SENT: Final = "message.sent"
    MESSAGE_FAILED: Final = "message.failed"
    MESSAGE_STATUS: Final = "message.status"
    MESSAGE_RECEIVED: Final = "message.received"


class Service:
    """Service names: the ``producer`` of events and the prefix of queue names."""

    SESSION: Final = "session-svc"
    BILLING: Final = "billing-svc"
    SENDER: Final = "sender-svc"
    WEBHOOK: Final = "webhook-svc"
    STATS: Final = "stats-svc"


class Queue:
    """Durable quorum queues, ``<service>.<purpose>``, owned by their consumer."""

    BILLING_CHECKS: Final = "billing-svc.subscription-checks"
    BILLING_SESSIONS: Final = "billing-svc.sessions"
    SESSION_STATUS: Final = "session-svc.status-reports"
    SESSION_SUBSCRIPTIONS: Final = "session-svc.subscriptions"
    SESSION_MESSAGE_COUNTS: Final = "session-svc.message-counts"
    SESSION_RECONNECTS: Final = "session-svc.reconnects"
    SENDER_DISPATCH: Final = "sender-svc.dispatch"
    SENDER_PROJECTIONS: Final = "sender-svc.projections"
    SENDER_STATUS: Final = "sender-svc.message-status"
    WEBHOOK_PROJECTIONS: Final = "webhook-svc.projections"
    WEBHOOK_FORWARD: Final = "webhook-svc.forward"
    STATS_MESSAGES: Final = "stats-svc.messages"
    STATS_SESSIONS: Final = "stats-svc.sessions"
