"""Building ``subscription.updated`` from a subscription and its plan."""

from datetime import datetime

from wagate_contracts import Service, SubscriptionUpdated

from billing_svc.domain.plans import Plan
from billing_svc.domain.subscriptions import Subscription, effective_status


def subscription_updated(
    subscription: Subscription, plan: Plan, now: datetime
) -> SubscriptionUpdated:
    return SubscriptionUpdated(
        producer=Service.BILLING,
        user_id=subscription.user_id,
        plan_id=plan.plan_id,
        plan_name=plan.name,
        status=effective_status(subscription, now),
        starts_at=subscription.starts_at,
        ends_at=subscription.ends_at,
        max_sessions=plan.max_sessions,
        daily_limit_per_session=plan.daily_limit_per_session,
        rate_limit_per_minute=plan.rate_limit_per_minute,
    )
