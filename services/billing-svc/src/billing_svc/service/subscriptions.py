"""Subscriptions: admins assign them; anyone reads their own with its quota.

Expiry needs no call: the status is computed against the clock whenever it is
read or checked. Besides, a sweep flips lapsed subscriptions to ``expired`` and
announces each with ``subscription.updated``, so other services learn it too.
"""

from dataclasses import dataclass
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession
from wagate_contracts.envelope import Event
from wagate_platform.logging import get_logger
from wagate_platform.unit_of_work import UnitOfWork

from billing_svc.adapters.plan_repository import PlanRepository
from billing_svc.adapters.subscription_repository import SubscriptionRepository, UsageRepository
from billing_svc.domain.clock import Clock
from billing_svc.domain.errors import UnknownPlan
from billing_svc.domain.plans import Plan
from billing_svc.domain.subscriptions import (
    EffectiveStatus,
    Quota,
    StoredStatus,
    Subscription,
    effective_status,
)
from billing_svc.service.subscription_events import subscription_updated

log = get_logger(__name__)


@dataclass(frozen=True)
class SubscriptionView:
    user_id: str
    status: EffectiveStatus
    plan: Plan | None
    starts_at: datetime | None
    ends_at: datetime | None
    quota: Quota


class Subscriptions:
    def __init__(
        self,
        plans: PlanRepository,
        subscriptions: SubscriptionRepository,
        usage: UsageRepository,
        uow: UnitOfWork,
        clock: Clock,
    ) -> None:
        self._plans = plans
        self._subscriptions = subscriptions
        self._usage = usage
        self._uow = uow
        self._clock = clock

    async def assign(
        self,
        user_id: str,
        plan_id: str,
        starts_at: datetime | None,
        ends_at: datetime,
        status: StoredStatus,
    ) -> SubscriptionView:
        """Give the user ``plan_id`` from ``starts_at`` (now when None) to ``ends_at``."""
        subscription = Subscription(user_id, plan_id, status, starts_at or self._clock(), ends_at)

        async def work(session: AsyncClientSession) -> tuple[None, list[Event]]:
            plan = await self._plans.get(plan_id, session=session)
            if plan is None:
                raise UnknownPlan(plan_id)
            await self._subscriptions.put(subscription, session)
            return None, [subscription_updated(subscription, plan, self._clock())]

        await self._uow.commit(work)
        return await self.view(user_id)

    async def view(self, user_id: str) -> SubscriptionView:
        subscription = await self._subscriptions.get(user_id)
        plan = await self._plans.get(subscription.plan_id) if subscription else None
        usage = await self._usage.get(user_id)
        status = effective_status(subscription, self._clock())
        quota = Quota(
            max_sessions=plan.max_sessions if plan else 0,
            sessions_used=usage.sessions_used,
            active=status == "active" and plan is not None,
        )
        return SubscriptionView(
            user_id=user_id,
            status=status,
            plan=plan,
            starts_at=subscription.starts_at if subscription else None,
            ends_at=subscription.ends_at if subscription else None,
            quota=quota,
        )

    async def expire_lapsed(self) -> int:
        """Mark lapsed subscriptions expired and announce them; safe on many replicas."""
        now = self._clock()
        expired = 0
        for lapsed in await self._subscriptions.lapsed(now):

            async def work(
                session: AsyncClientSession, lapsed: Subscription = lapsed
            ) -> tuple[bool, list[Event]]:
                if not await self._subscriptions.mark_expired(lapsed.user_id, now, session):
                    return False, []
                plan = await self._plans.get(lapsed.plan_id, session=session)
                if plan is None:
                    return True, []
                return True, [subscription_updated(lapsed, plan, now)]

            expired += await self._uow.commit(work)
        if expired:
            log.info("subscriptions_expired", count=expired)
        return expired
