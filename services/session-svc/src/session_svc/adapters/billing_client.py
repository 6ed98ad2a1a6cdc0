"""Asking billing-svc for a session slot: ``subscription.check`` as RabbitMQ request/reply.

FastStream's ``broker.request`` publishes with a Direct Reply-To and waits for the
reply. The request expires in the broker with the same timeout, so billing never
acts on a question nobody waits for any more; on timeout the caller releases
the slot anyway (through the outbox), which is harmless if none was taken.
"""

import asyncio
import json
import uuid

from faststream.rabbit import RabbitBroker, RabbitExchange
from wagate_contracts import RoutingKey, Service, SubscriptionCheck, SubscriptionChecked
from wagate_platform.logging import get_correlation_id, get_logger
from wagate_platform.publisher import CORRELATION_HEADER

from session_svc.domain.errors import BillingUnreachable

log = get_logger(__name__)


class BillingClient:
    def __init__(
        self, broker: RabbitBroker, events_exchange: RabbitExchange, timeout_s: float
    ) -> None:
        self._broker = broker
        self._exchange = events_exchange
        self._timeout_s = timeout_s

    async def reserve(self, user_id: str, session_id: str) -> SubscriptionChecked:
        check = SubscriptionCheck(
            producer=Service.SESSION,
            user_id=user_id,
            request_id=f"req_{uuid.uuid4().hex}",
            action="reserve",
            session_id=session_id,
            correlation_id=get_correlation_id(),
        )
        try:
            async with asyncio.timeout(self._timeout_s):
                reply = await self._broker.request(
                    check.model_dump(mode="json"),
                    exchange=self._exchange,
                    routing_key=RoutingKey.SUBSCRIPTION_CHECK,
                    timeout=self._timeout_s,
                    expiration=self._timeout_s,
                    message_id=str(check.event_id),
                    correlation_id=check.request_id,
                    headers={CORRELATION_HEADER: check.correlation_id},
                    content_type="application/json",
                )
            answer = SubscriptionChecked.model_validate(json.loads(reply.body))
        except Exception as exc:
            log.warning("billing_unavailable", error_type=type(exc).__name__, error=str(exc)[:200])
            raise BillingUnreachable from exc
        if answer.request_id != check.request_id:
            raise BillingUnreachable("billing answered another request")
        return answer

    def release_command(self, user_id: str, session_id: str) -> SubscriptionCheck:
        """The fire-and-forget release of a slot (sent through the outbox)."""
        return SubscriptionCheck(
            producer=Service.SESSION,
            user_id=user_id,
            request_id=f"rel_{uuid.uuid4().hex}",
            action="release",
            session_id=session_id,
        )
