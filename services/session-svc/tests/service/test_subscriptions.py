"""PlanLearner on fakes: each kind of billing event goes to its projection write."""

import pytest
from session_svc.service.subscriptions import PlanLearner
from session_svc_fakes import World
from wagate_contracts import SubscriptionChecked, SubscriptionUpdated

pytestmark = pytest.mark.asyncio


async def test_both_kinds_are_applied(world: World):
    learner = PlanLearner(world.plans)  # type: ignore[arg-type]
    checked = SubscriptionChecked(
        producer="billing-svc", user_id="ann", request_id="req_1", allowed=True
    )
    updated = SubscriptionUpdated.model_construct(user_id="ann")
    await learner.learn(checked)
    await learner.learn(updated)
    assert world.plans.applied == [checked, updated]
