"""Learning each user's plan from billing's ``subscription.updated`` / ``.checked``."""

from wagate_contracts import SubscriptionChecked, SubscriptionUpdated
from wagate_contracts.envelope import Event
from wagate_platform.runtime import ServiceRuntime

from session_svc.adapters.plan_projection import PlanProjection


class PlanLearner:
    """Applies billing's events; writes are idempotent, so redelivery is harmless."""

    def __init__(self, runtime: ServiceRuntime) -> None:
        self._plans = PlanProjection(runtime.db)

    async def learn(self, event: Event) -> None:
        if isinstance(event, SubscriptionUpdated):
            await self._plans.apply_updated(event)
        elif isinstance(event, SubscriptionChecked):
            await self._plans.apply_checked(event)
