"""billing-svc subscribers: the quota RPC and slot releases on session deletion."""

from typing import Any

from faststream.rabbit import RabbitMessage
from wagate_contracts import Queue, RoutingKey, SessionDeleted, SubscriptionCheck
from wagate_contracts.registry import parse_event
from wagate_platform.broker import Binding
from wagate_platform.consumer import PoisonMessage
from wagate_platform.runtime import ServiceRuntime

from billing_svc.service.quota import QuotaAuthority


def register(runtime: ServiceRuntime, quota: QuotaAuthority) -> None:
    async def on_check(event: Any, _: RabbitMessage) -> dict[str, Any]:
        """The return value is the RPC reply (sent only when the request has ``reply_to``)."""
        if not isinstance(event, SubscriptionCheck):
            raise PoisonMessage(f"unexpected {type(event).__name__} on the checks queue")
        answer = await quota.answer(event)
        return answer.model_dump(mode="json")

    async def on_session_deleted(event: Any, _: RabbitMessage) -> None:
        if not isinstance(event, SessionDeleted):
            raise PoisonMessage(f"unexpected {type(event).__name__} on the sessions queue")
        await quota.release(event.user_id, event.session_id)

    runtime.subscribe(
        Binding(Queue.BILLING_CHECKS, [RoutingKey.SUBSCRIPTION_CHECK]), parse_event, on_check
    )
    runtime.subscribe(
        Binding(Queue.BILLING_SESSIONS, [RoutingKey.SESSION_DELETED]),
        parse_event,
        on_session_deleted,
    )
