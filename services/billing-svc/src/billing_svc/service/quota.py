"""The session quota authority: reserve or release a user's session slots.

A reserve takes a slot with one conditional update on the user's usage document,
so concurrent requests can never exceed ``max_sessions``; it is idempotent per
session id. Every answer is broadcast as ``subscription.checked`` through the
outbox; its event id derives from the request id, so a redelivered request
yields the same event. A downgrade below the current count keeps the slots
already held and refuses new ones.
"""

import uuid

from wagate_contracts import DenialReason, Service, SubscriptionCheck, SubscriptionChecked

from billing_svc.adapters.answer_broadcast import OutboxBroadcast
from billing_svc.adapters.plan_repository import PlanRepository
from billing_svc.adapters.subscription_repository import SubscriptionRepository, UsageRepository
from billing_svc.domain.clock import Clock
from billing_svc.domain.plans import Plan
from billing_svc.domain.subscriptions import Subscription, effective_status
from billing_svc.domain.usage import Usage

_ANSWER_NAMESPACE = uuid.UUID("6f1d8a52-3c1e-4c7b-9a43-2b1f0c9e5d10")


class QuotaAuthority:
    def __init__(
        self,
        plans: PlanRepository,
        subscriptions: SubscriptionRepository,
        usage: UsageRepository,
        broadcast: OutboxBroadcast,
        clock: Clock,
    ) -> None:
        self._plans = plans
        self._subscriptions = subscriptions
        self._usage = usage
        self._broadcast = broadcast
        self._clock = clock

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
            sessions_used=max(0, usage.sessions_used),
            ends_at=subscription.ends_at if subscription else None,
        )
        await self._broadcast.publish(answer)
        return answer

    async def release(self, user_id: str, session_id: str | None) -> Usage:
        if session_id is None:
            return await self._usage.get(user_id)
        return await self._usage.release(user_id, session_id)

    async def _reserve(
        self, check: SubscriptionCheck, subscription: Subscription | None, plan: Plan | None
    ) -> tuple[bool, str | None, Usage]:
        active = effective_status(subscription, self._clock()) == "active"
        if not active or plan is None:
            usage = await self._usage.get(check.user_id)
            return False, DenialReason.SUBSCRIPTION_INACTIVE, usage
        if check.session_id is None:  # a question only: may one more be added?
            usage = await self._usage.get(check.user_id)
            allowed = usage.sessions_used < plan.max_sessions
            return allowed, None if allowed else DenialReason.SESSION_LIMIT_REACHED, usage
        held, usage = await self._usage.reserve(check.user_id, check.session_id, plan.max_sessions)
        return held, None if held else DenialReason.SESSION_LIMIT_REACHED, usage
