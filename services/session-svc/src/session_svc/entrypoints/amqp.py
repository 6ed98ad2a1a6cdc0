"""session-svc subscribers: provider status reports, billing's plan events, reconnect timers,
sent messages (``sent_today``)."""

from typing import Any

from faststream.rabbit import RabbitMessage
from wagate_contracts import MessageSent, Queue, RoutingKey, SessionStatusReported
from wagate_contracts.registry import parse_event
from wagate_platform.broker import Binding
from wagate_platform.consumer import PoisonMessage
from wagate_platform.runtime import ServiceRuntime

from session_svc.service.reconnect_timer import ReconnectDue, parse_due, reconnect_binding
from session_svc.service.send_counter import MESSAGE_COUNTS_QUEUE, SendCounter
from session_svc.service.status_tracker import StatusTracker
from session_svc.service.subscriptions import PlanLearner


def register(
    runtime: ServiceRuntime, tracker: StatusTracker, learner: PlanLearner, counter: SendCounter
) -> None:
    async def on_status(event: Any, _: RabbitMessage) -> None:
        if not isinstance(event, SessionStatusReported):
            raise PoisonMessage(f"unexpected {type(event).__name__} on the status queue")
        await tracker.apply(event)

    async def on_plan(event: Any, _: RabbitMessage) -> None:
        await learner.learn(event)

    async def on_timer(due: Any, _: RabbitMessage) -> None:
        if not isinstance(due, ReconnectDue):
            raise PoisonMessage("not a reconnect timer")
        await tracker.on_timer(due)

    async def on_sent(event: Any, _: RabbitMessage) -> None:
        if not isinstance(event, MessageSent):
            raise PoisonMessage(f"unexpected {type(event).__name__} on the message-count queue")
        await counter.count(event)

    runtime.subscribe(
        Binding(Queue.SESSION_STATUS, [RoutingKey.SESSION_STATUS_REPORTED]), parse_event, on_status
    )
    runtime.subscribe(
        Binding(
            Queue.SESSION_SUBSCRIPTIONS,
            [RoutingKey.SUBSCRIPTION_UPDATED, RoutingKey.SUBSCRIPTION_CHECKED],
        ),
        parse_event,
        on_plan,
    )
    runtime.subscribe(reconnect_binding(tracker.backoff), parse_due, on_timer)
    runtime.subscribe(
        Binding(MESSAGE_COUNTS_QUEUE, [RoutingKey.MESSAGE_SENT]), parse_event, on_sent
    )
