"""billing-svc subscribers: the quota RPC and slot releases on session deletion."""

from typing import Any

from faststream.rabbit import RabbitMessage
from wagate_contracts import Queue, RoutingKey, SessionDeleted, SubscriptionCheck
from wagate_platform.broker import Binding
from wagate_platform.consumer import parse_as
from wagate_platform.runtime import ServiceRuntime

from billing_svc.service.container import Container


def register(runtime: ServiceRuntime, container: Container) -> None:
    quota = container.quota

    async def on_check(event: SubscriptionCheck, _: RabbitMessage) -> dict[str, Any]:
        """The return value is the RPC reply (sent only when the request has ``reply_to``)."""
        answer = await quota.answer(event)
        return answer.model_dump(mode="json")

    async def on_session_deleted(event: SessionDeleted, _: RabbitMessage) -> None:
        await quota.release(event.user_id, event.session_id)

    runtime.subscribe(
        Binding(Queue.BILLING_CHECKS, [RoutingKey.SUBSCRIPTION_CHECK]),
        parse_as(SubscriptionCheck),
        on_check,
    )
    runtime.subscribe(
        Binding(Queue.BILLING_SESSIONS, [RoutingKey.SESSION_DELETED]),
        parse_as(SessionDeleted),
        on_session_deleted,
    )
