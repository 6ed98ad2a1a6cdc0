"""The composition root of session-svc: every repository, port and use case, built once.

The only module under ``service/`` that touches ``ServiceRuntime``: it takes the plumbing
apart into the collaborators the use cases need (repositories on the database, a unit
of work, the publisher and topology, billing's and the provider's clients).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from wagate_platform.inbox import Inbox
from wagate_platform.mongo import CollectionIndexes
from wagate_platform.runtime import Hook, ServiceRuntime
from wagate_platform.unit_of_work import UnitOfWork

from session_svc.adapters.audit_repository import AUDIT_INDEXES, AuditRepository
from session_svc.adapters.billing_client import BillingClient
from session_svc.adapters.group_repository import GROUP_INDEXES, GroupRepository
from session_svc.adapters.plan_projection import PlanProjection
from session_svc.adapters.provider import build_session_manager, webhook_url
from session_svc.adapters.rate_limiter import RATE_LIMIT_INDEXES, RateLimiter
from session_svc.adapters.send_counts import SEND_COUNT_INDEXES, SendCounts
from session_svc.adapters.session_repository import SESSION_INDEXES, SessionRepository
from session_svc.domain.clock import utc_now
from session_svc.domain.reconnect import Backoff
from session_svc.service.audit import AuditLog
from session_svc.service.create_session import CreateSession
from session_svc.service.groups import Groups
from session_svc.service.lifecycle import Lifecycle
from session_svc.service.reconnect_timer import ReconnectTimers
from session_svc.service.send_counter import MESSAGE_COUNTS_QUEUE, SendCounter
from session_svc.service.sessions import Sessions
from session_svc.service.status_tracker import INBOX_NAME, StatusTracker
from session_svc.service.subscriptions import PlanLearner
from session_svc.settings import SessionSettings


@dataclass(frozen=True)
class Container:
    settings: SessionSettings
    sessions_repo: SessionRepository
    audit_repo: AuditRepository
    groups_repo: GroupRepository
    plans: PlanProjection
    counts: SendCounts
    uow: UnitOfWork
    create_session: CreateSession
    sessions: Sessions
    lifecycle: Lifecycle
    groups: Groups
    audit: AuditLog
    timers: ReconnectTimers
    tracker: StatusTracker
    learner: PlanLearner
    counter: SendCounter
    indexes: Sequence[CollectionIndexes]
    on_start: Sequence[Hook]
    on_stop: Sequence[Hook]


def build_container(runtime: ServiceRuntime, settings: SessionSettings) -> Container:
    db = runtime.db
    sessions, audit, groups = SessionRepository(db), AuditRepository(db), GroupRepository(db)
    plans, counts = PlanProjection(db), SendCounts(db)
    uow = UnitOfWork.of(runtime)
    provider, provider_client = build_session_manager(settings)
    backoff = Backoff(
        settings.reconnect_base_delay_ms,
        settings.reconnect_max_delay_ms,
        settings.reconnect_max_attempts,
    )
    timers = ReconnectTimers(runtime.publisher, runtime.topology, backoff)
    billing = BillingClient(
        runtime.broker, runtime.topology.events_exchange, settings.billing_timeout_s
    )
    limiter = RateLimiter(
        db, settings.session_create_rate_limit, settings.session_create_rate_window_s
    )
    return Container(
        settings=settings,
        sessions_repo=sessions,
        audit_repo=audit,
        groups_repo=groups,
        plans=plans,
        counts=counts,
        uow=uow,
        create_session=CreateSession(
            sessions, plans, audit, uow, billing, limiter, settings.provider, utc_now
        ),
        sessions=Sessions(
            sessions, groups, plans, counts, audit, uow, provider, settings.daily_timezone
        ),
        lifecycle=Lifecycle(
            sessions,
            audit,
            uow,
            provider,
            webhook_url(settings),
            settings.provider_webhook_hmac_key.get_secret_value(),
        ),
        groups=Groups(groups, sessions, audit, uow),
        audit=AuditLog(audit),
        timers=timers,
        tracker=StatusTracker(
            sessions,
            audit,
            Inbox(db, INBOX_NAME),
            uow,
            provider,
            timers,
            settings.reconnect_stable_after_s,
        ),
        learner=PlanLearner(plans),
        counter=SendCounter(
            runtime.mongo,
            sessions,
            counts,
            Inbox(db, MESSAGE_COUNTS_QUEUE),
            settings.daily_timezone,
        ),
        indexes=[
            SESSION_INDEXES,
            GROUP_INDEXES,
            AUDIT_INDEXES,
            RATE_LIMIT_INDEXES,
            SEND_COUNT_INDEXES,
        ],
        on_start=[],
        on_stop=[provider_client.aclose],
    )
