"""The composition root of billing-svc: every repository, port and use case, built once.

The only module under ``service/`` that touches the ``ServiceRuntime``.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from wagate_platform.mongo import CollectionIndexes
from wagate_platform.periodic import PeriodicTask
from wagate_platform.runtime import Hook, ServiceRuntime
from wagate_platform.unit_of_work import UnitOfWork

from billing_svc.adapters.answer_broadcast import OutboxBroadcast
from billing_svc.adapters.api_key_repository import API_KEY_INDEXES, ApiKeyRepository
from billing_svc.adapters.plan_repository import PlanRepository
from billing_svc.adapters.subscription_repository import (
    SUBSCRIPTION_INDEXES,
    SubscriptionRepository,
    UsageRepository,
)
from billing_svc.domain.clock import utc_now
from billing_svc.service.api_keys import ApiKeys
from billing_svc.service.catalogue import Catalogue
from billing_svc.service.quota import QuotaAuthority
from billing_svc.service.subscriptions import Subscriptions
from billing_svc.settings import BillingSettings


@dataclass(frozen=True)
class Container:
    settings: BillingSettings
    plan_repository: PlanRepository
    subscription_repository: SubscriptionRepository
    usage_repository: UsageRepository
    api_key_repository: ApiKeyRepository
    catalogue: Catalogue
    subscriptions: Subscriptions
    api_keys: ApiKeys
    quota: QuotaAuthority
    indexes: Sequence[CollectionIndexes]
    on_start: Sequence[Hook]
    on_stop: Sequence[Hook]


def build_container(runtime: ServiceRuntime, settings: BillingSettings) -> Container:
    uow = UnitOfWork.of(runtime)
    plans = PlanRepository(runtime.db)
    subscription_repository = SubscriptionRepository(runtime.db)
    usage = UsageRepository(runtime.db)
    keys = ApiKeyRepository(runtime.db)
    catalogue = Catalogue(plans, subscription_repository, uow, utc_now)
    subscriptions = Subscriptions(plans, subscription_repository, usage, uow, utc_now)
    broadcast = OutboxBroadcast(runtime.outbox, runtime.relay)
    sweeper = PeriodicTask(
        "expiry-sweeper", subscriptions.expire_lapsed, settings.expiry_sweep_interval_s
    )
    return Container(
        settings=settings,
        plan_repository=plans,
        subscription_repository=subscription_repository,
        usage_repository=usage,
        api_key_repository=keys,
        catalogue=catalogue,
        subscriptions=subscriptions,
        api_keys=ApiKeys(keys, uow, utc_now),
        quota=QuotaAuthority(plans, subscription_repository, usage, broadcast, utc_now),
        indexes=[SUBSCRIPTION_INDEXES, API_KEY_INDEXES],
        on_start=[catalogue.seed, sweeper.start],
        on_stop=[sweeper.stop],
    )
