"""Learning each user's plan from billing's ``subscription.updated`` / ``.checked``."""

from wagate_contracts import SubscriptionChecked, SubscriptionUpdated

from session_svc.adapters.plan_projection import PlanProjection


class PlanLearner:
    """Applies billing's events; writes are idempotent, so redelivery is harmless."""

    def __init__(self, plans: PlanProjection) -> None:
        self._plans = plans

    async def learn(self, event: SubscriptionUpdated | SubscriptionChecked) -> None:
        if isinstance(event, SubscriptionUpdated):
            await self._plans.apply_updated(event)
        else:
            await self._plans.apply_checked(event)
