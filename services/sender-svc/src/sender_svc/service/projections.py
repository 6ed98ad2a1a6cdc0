"""Local projections of other services' events: API keys, subscriptions, sessions.

Each write is guarded by the event's ``occurred_at`` so a late or repeated event
never overwrites newer state (idempotent on redelivery without an inbox).
"""

from dataclasses import dataclass

from wagate_contracts.events import (
    ApiKeyRotated,
    SessionCreated,
    SessionDeleted,
    SessionStatusChanged,
    SessionUpdated,
    SubscriptionUpdated,
)

from sender_svc.adapters.accounts import AccountRepository
from sender_svc.adapters.sessions import SessionRepository
from sender_svc.domain.sessions import S

ProjectedEvent = (
    ApiKeyRotated
    | SubscriptionUpdated
    | SessionCreated
    | SessionUpdated
    | SessionDeleted
    | SessionStatusChanged
)
"""The other services' events sender-svc keeps a projection of."""


@dataclass
class Projections:
    accounts: AccountRepository
    sessions: SessionRepository

    async def apply(self, event: ProjectedEvent) -> None:
        at = event.occurred_at
        if isinstance(event, ApiKeyRotated):
            await self.accounts.set_api_key(event.user_id, event.key_hash, event.prefix, at)
        elif isinstance(event, SubscriptionUpdated):
            sub = event.model_dump(
                include={
                    "plan_id",
                    "plan_name",
                    "status",
                    "starts_at",
                    "ends_at",
                    "daily_limit_per_session",
                    "rate_limit_per_minute",
                }
            )
            if await self.accounts.set_subscription(event.user_id, at, sub):
                await self.sessions.set_plan_limit(event.user_id, event.daily_limit_per_session)
        elif isinstance(event, SessionCreated | SessionUpdated):
            fields = event.model_dump(
                include={
                    "session_id",
                    "name",
                    "is_default",
                    S.DAILY_LIMIT,
                    "status",
                    "group_ids",
                    "provider",
                    S.PROVIDER_SESSION,
                    "phone_number",
                }
            )
            fields["user_id"] = event.user_id
            fields["group_ids"] = list(event.group_ids)
            plan_limit = await self.accounts.plan_daily_limit(event.user_id)
            await self.sessions.apply_snapshot(fields, at, plan_limit)
        elif isinstance(event, SessionStatusChanged):
            await self.sessions.apply_status(
                event.session_id, event.user_id, event.status, at, event.phone_number
            )
        elif isinstance(event, SessionDeleted):
            await self.sessions.mark_deleted(event.session_id, event.user_id, at)
