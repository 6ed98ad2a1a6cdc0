"""Plans: seeded at start, listed, created or changed by admins.

Changing a plan changes the limits of everyone on it, so each of its subscribers
gets a ``subscription.updated`` in the same transaction as the plan write.
"""

from pymongo.asynchronous.client_session import AsyncClientSession
from wagate_contracts.envelope import Event
from wagate_platform.unit_of_work import UnitOfWork

from billing_svc.adapters.plan_repository import PlanRepository
from billing_svc.adapters.subscription_repository import SubscriptionRepository
from billing_svc.domain.clock import Clock
from billing_svc.domain.plans import SEEDED_PLANS, Plan
from billing_svc.service.subscription_events import subscription_updated


class Catalogue:
    def __init__(
        self,
        plans: PlanRepository,
        subscriptions: SubscriptionRepository,
        uow: UnitOfWork,
        clock: Clock,
    ) -> None:
        self._plans = plans
        self._subscriptions = subscriptions
        self._uow = uow
        self._clock = clock

    async def seed(self) -> None:
        await self._plans.seed(SEEDED_PLANS)

    async def list(self) -> list[Plan]:
        return await self._plans.list()

    async def get(self, plan_id: str) -> Plan | None:
        return await self._plans.get(plan_id)

    async def put(self, plan: Plan) -> bool:
        """Create or replace ``plan``; True when it is new."""

        async def work(session: AsyncClientSession) -> tuple[bool, list[Event]]:
            created = await self._plans.put(plan, session)
            now = self._clock()
            subscribers = await self._subscriptions.on_plan(plan.plan_id, session)
            events: list[Event] = [subscription_updated(s, plan, now) for s in subscribers]
            return created, events

        return await self._uow.commit(work)
