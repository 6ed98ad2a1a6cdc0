"""Composition root of session-svc: wires settings, plumbing, adapters and entrypoints."""

from fastapi import FastAPI
from wagate_platform.auth import JwtAuthenticator
from wagate_platform.runtime import ServiceRuntime, build_service_app

from session_svc.adapters.audit_repository import AUDIT_INDEXES
from session_svc.adapters.billing_client import BillingClient
from session_svc.adapters.group_repository import GROUP_INDEXES
from session_svc.adapters.provider import build_session_manager, webhook_url
from session_svc.adapters.rate_limiter import RATE_LIMIT_INDEXES, RateLimiter
from session_svc.adapters.send_counts import SEND_COUNT_INDEXES
from session_svc.adapters.session_repository import SESSION_INDEXES
from session_svc.domain.reconnect import Backoff
from session_svc.entrypoints import amqp, http, http_groups
from session_svc.service.audit import AuditLog
from session_svc.service.create_session import CreateSession
from session_svc.service.groups import Groups
from session_svc.service.lifecycle import Lifecycle
from session_svc.service.reconnect_timer import ReconnectTimers
from session_svc.service.send_counter import SendCounter
from session_svc.service.sessions import Sessions
from session_svc.service.status_tracker import StatusTracker
from session_svc.service.subscriptions import PlanLearner
from session_svc.settings import SessionSettings

DESCRIPTION = "Session lifecycle for frontends: sessions, groups, audit log."


def create_app(settings: SessionSettings | None = None) -> FastAPI:
    """Build the app; nothing connects until its lifespan starts."""
    settings = settings or SessionSettings()
    runtime = ServiceRuntime.create(settings, default_database="wagate_session")
    provider, provider_client = build_session_manager(settings)
    backoff = Backoff(
        settings.reconnect_base_delay_ms,
        settings.reconnect_max_delay_ms,
        settings.reconnect_max_attempts,
    )
    timers = ReconnectTimers(runtime, backoff)
    tracker = StatusTracker(runtime, provider, timers, settings.reconnect_stable_after_s)
    counter = SendCounter(runtime, settings.daily_timezone)
    amqp.register(runtime, tracker, PlanLearner(runtime), counter)

    limiter = RateLimiter(
        runtime.db, settings.session_create_rate_limit, settings.session_create_rate_window_s
    )
    create = CreateSession(runtime, BillingClient(runtime, settings.billing_timeout_s), limiter)
    lifecycle = Lifecycle(
        runtime,
        provider,
        webhook_url(settings),
        settings.provider_webhook_hmac_key.get_secret_value(),
    )
    auth = JwtAuthenticator(settings.auth_jwt_secret.get_secret_value())
    routers = [
        http.build_router(
            auth,
            create,
            Sessions(runtime, provider, settings.daily_timezone),
            lifecycle,
            AuditLog(runtime),
            settings.daily_limit_warning_ratio,
        ),
        http_groups.build_group_router(auth, Groups(runtime)),
    ]
    return build_service_app(
        runtime,
        title="session-svc",
        description=DESCRIPTION,
        routers=routers,
        indexes=[
            SESSION_INDEXES,
            GROUP_INDEXES,
            AUDIT_INDEXES,
            RATE_LIMIT_INDEXES,
            SEND_COUNT_INDEXES,
        ],
        on_stop=[provider_client.aclose],
    )
