"""The session quota authority: reserve or release a user's session slots.

A reserve takes a slot with one conditional update on the user's usage document,
so concurrent requests can never exceed ``max_sessions``; it is idempotent per
session id. Every answer is broadcast as ``subscription.checked`` through the
outbox; its event id derives from the request id, so a redelivered request
yields the same event. A downgrade below the current count keeps the slots
already held and refuses new ones.
"""

import uuid
from datetime import UTC, datetime

from pymongo.errors import BulkWriteError
from wagate_contracts import DenialReason, Service, SubscriptionCheck, SubscriptionChecked
from wagate_platform.mongo import Document
from wagate_platform.runtime import ServiceRuntime

from billing_svc.adapters.plan_repository import PlanRepository
from billing_svc.adapters.subscription_repository import SubscriptionRepository, UsageRepository
from billing_svc.domain.plans import Plan
from billing_svc.domain.subscriptions import Subscription, effective_status

_ANSWER_NAMESPACE = uuid.UUID("6f1d8a52-3c1e-4c7b-9a43-2b1f0c9e5d10")


class QuotaAuthority:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self._runtime = runtime
        self._plans = PlanRepository(runtime.db)
        self._subscriptions = SubscriptionRepository(runtime.db)
        self._usage = UsageRepository(runtime.db)

    async def answer(self, check: SubscriptionCheck) -> SubscriptionChecked:
        """Apply a ``subscription.check`` and broadcast the answer."""
        subscription = await self._subscriptions.get(check.user_id)
        plan = await self._plans.get(subscription.plan_id) if subscription else None
        if check.action == "release":
            usage = await self.release(check.user_id, check.session_id)
            allowed, reason = True, None
        else:
            allowed, reason, usage = await self._reserve(check, subscription, plan)
        answer = SubscriptionChecked(
            event_id=uuid.uuid5(_ANSWER_NAMESPACE, f"{check.request_id}:{check.action}"),
            producer=Service.BILLING,
            correlation_id=check.correlation_id,
            user_id=check.user_id,
            request_id=check.request_id,
            allowed=allowed,
            reason=reason,
            action=check.action,
            session_id=check.session_id,
            plan_id=plan.plan_id if plan else None,
            plan_name=plan.name if plan else None,
            max_sessions=plan.max_sessions if plan else 0,
            sessions_used=max(0, int(usage["sessions_used"])),
            ends_at=subscription.ends_at if subscription else None,
        )
        await self._broadcast(answer)
        return answer

    async def release(self, user_id: str, session_id: str | None) -> Document:
        if session_id is None:
            return await self._usage.get(user_id)
        return await self._usage.release(user_id, session_id)

    async def _reserve(
        self, check: SubscriptionCheck, subscription: Subscription | None, plan: Plan | None
    ) -> tuple[bool, str | None, Document]:
        active = effective_status(subscription, datetime.now(UTC)) == "active"
        if not active or plan is None:
            usage = await self._usage.get(check.user_id)
            return False, DenialReason.SUBSCRIPTION_INACTIVE, usage
        if check.session_id is None:  # a question only: may one more be added?
            usage = await self._usage.get(check.user_id)
            allowed = usage["sessions_used"] < plan.max_sessions
            return allowed, None if allowed else DenialReason.SESSION_LIMIT_REACHED, usage
        held, usage = await self._usage.reserve(check.user_id, check.session_id, plan.max_sessions)
        return held, None if held else DenialReason.SESSION_LIMIT_REACHED, usage

    async def _broadcast(self, answer: SubscriptionChecked) -> None:
        try:
            await self._runtime.outbox.add([answer])
        except BulkWriteError as exc:
            if any(error.get("code") != 11000 for error in exc.details.get("writeErrors", [])):
                raise
            return  # a redelivered request: the first answer is still waiting in the outbox
        await self._runtime.relay.publish_now([answer])
