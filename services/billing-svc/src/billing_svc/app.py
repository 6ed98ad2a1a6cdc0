"""Composition root of billing-svc: wires settings, plumbing, adapters and entrypoints."""

from fastapi import FastAPI
from wagate_platform.auth import JwtAuthenticator
from wagate_platform.periodic import PeriodicTask
from wagate_platform.runtime import ServiceRuntime, build_service_app

from billing_svc.adapters.api_key_repository import API_KEY_INDEXES
from billing_svc.adapters.subscription_repository import SUBSCRIPTION_INDEXES
from billing_svc.entrypoints import amqp, http
from billing_svc.service.api_keys import ApiKeys
from billing_svc.service.catalogue import Catalogue
from billing_svc.service.quota import QuotaAuthority
from billing_svc.service.subscriptions import Subscriptions
from billing_svc.settings import BillingSettings

DESCRIPTION = "Plans, subscriptions, API keys and the session quota (maxSession) authority."


def create_app(settings: BillingSettings | None = None) -> FastAPI:
    """Build the app; nothing connects until its lifespan starts."""
    settings = settings or BillingSettings()
    runtime = ServiceRuntime.create(settings, default_database="wagate_billing")
    catalogue = Catalogue(runtime)
    subscriptions = Subscriptions(runtime)
    sweeper = PeriodicTask(
        "expiry-sweeper", subscriptions.expire_lapsed, settings.expiry_sweep_interval_s
    )
    amqp.register(runtime, QuotaAuthority(runtime))
    auth = JwtAuthenticator(settings.auth_jwt_secret.get_secret_value())
    router = http.build_router(auth, catalogue, subscriptions, ApiKeys(runtime))
    return build_service_app(
        runtime,
        title="billing-svc",
        description=DESCRIPTION,
        routers=[router],
        indexes=[SUBSCRIPTION_INDEXES, API_KEY_INDEXES],
        on_start=[catalogue.seed, sweeper.start],
        on_stop=[sweeper.stop],
    )
