"""session-svc subscribers: provider status reports, billing's plan events, reconnect timers,
sent messages (``sent_today``)."""

from faststream.rabbit import RabbitMessage
from wagate_contracts import (
    MessageSent,
    Queue,
    RoutingKey,
    SessionStatusReported,
    SubscriptionChecked,
    SubscriptionUpdated,
)
from wagate_platform.broker import Binding
from wagate_platform.consumer import parse_as
from wagate_platform.runtime import ServiceRuntime

from session_svc.service.container import Container
from session_svc.service.reconnect_timer import ReconnectDue, parse_due, reconnect_binding


def register(runtime: ServiceRuntime, container: Container) -> None:
    tracker, learner, counter = container.tracker, container.learner, container.counter

    async def on_status(event: SessionStatusReported, _: RabbitMessage) -> None:
        await tracker.apply(event)

    async def on_plan(event: SubscriptionUpdated | SubscriptionChecked, _: RabbitMessage) -> None:
        await learner.learn(event)

    async def on_timer(due: ReconnectDue, _: RabbitMessage) -> None:
        await tracker.on_timer(due)

    async def on_sent(event: MessageSent, _: RabbitMessage) -> None:
        await counter.count(event)

    runtime.subscribe(
        Binding(Queue.SESSION_STATUS, [RoutingKey.SESSION_STATUS_REPORTED]),
        parse_as(SessionStatusReported),
        on_status,
    )
    runtime.subscribe(
        Binding(
            Queue.SESSION_SUBSCRIPTIONS,
            [RoutingKey.SUBSCRIPTION_UPDATED, RoutingKey.SUBSCRIPTION_CHECKED],
        ),
        parse_as(SubscriptionUpdated, SubscriptionChecked),
        on_plan,
    )
    runtime.subscribe(reconnect_binding(container.timers.backoff), parse_due, on_timer)
    runtime.subscribe(
        Binding(Queue.SESSION_MESSAGE_COUNTS, [RoutingKey.MESSAGE_SENT]),
        parse_as(MessageSent),
        on_sent,
    )
