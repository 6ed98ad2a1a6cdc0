"""Fakes of billing-svc's collaborators (repositories, unit of work, broadcast, clock):
the use cases run on them with no broker and no database."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from billing_svc.domain.api_keys import ApiKey
from billing_svc.domain.plans import SEEDED_PLANS, Plan
from billing_svc.domain.subscriptions import Subscription
from billing_svc.domain.usage import Usage
from billing_svc.service.api_keys import ApiKeys
from billing_svc.service.catalogue import Catalogue
from billing_svc.service.quota import QuotaAuthority
from billing_svc.service.subscriptions import Subscriptions
from wagate_contracts.envelope import Event

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


class FakePlans:
    def __init__(self) -> None:
        self.plans: dict[str, Plan] = {}

    async def seed(self, plans: Sequence[Plan]) -> None:
        for plan in plans:
            self.plans.setdefault(plan.plan_id, plan)

    async def list(self) -> list[Plan]:
        return sorted(self.plans.values(), key=lambda p: p.max_sessions)

    async def get(self, plan_id: str, session: Any = None) -> Plan | None:
        return self.plans.get(plan_id)

    async def put(self, plan: Plan, session: Any) -> bool:
        created = plan.plan_id not in self.plans
        self.plans[plan.plan_id] = plan
        return created


class FakeSubscriptions:
    def __init__(self) -> None:
        self.subscriptions: dict[str, Subscription] = {}

    async def get(self, user_id: str) -> Subscription | None:
        return self.subscriptions.get(user_id)

    async def put(self, subscription: Subscription, session: Any) -> None:
        self.subscriptions[subscription.user_id] = subscription

    async def on_plan(self, plan_id: str, session: Any) -> list[Subscription]:
        return [s for s in self.subscriptions.values() if s.plan_id == plan_id]

    async def lapsed(self, now: datetime, limit: int = 100) -> list[Subscription]:
        lapsed = [
            s for s in self.subscriptions.values() if s.status == "active" and s.ends_at <= now
        ]
        return lapsed[:limit]

    async def mark_expired(self, user_id: str, now: datetime, session: Any) -> bool:
        current = self.subscriptions.get(user_id)
        if current is None or current.status != "active" or current.ends_at > now:
            return False
        self.subscriptions[user_id] = Subscription(
            user_id, current.plan_id, "expired", current.starts_at, current.ends_at
        )
        return True


class FakeUsage:
    def __init__(self) -> None:
        self.usage: dict[str, Usage] = {}

    async def get(self, user_id: str) -> Usage:
        return self.usage.get(user_id, Usage(user_id))

    async def reserve(self, user_id: str, session_id: str, max_sessions: int) -> tuple[bool, Usage]:
        current = await self.get(user_id)
        if current.holds(session_id):
            return True, current
        if current.sessions_used >= max_sessions:
            return False, current
        after = Usage(user_id, current.sessions_used + 1, (*current.reserved, session_id))
        self.usage[user_id] = after
        return True, after

    async def release(self, user_id: str, session_id: str) -> Usage:
        current = await self.get(user_id)
        if not current.holds(session_id):
            return current
        reserved = tuple(s for s in current.reserved if s != session_id)
        self.usage[user_id] = Usage(user_id, current.sessions_used - 1, reserved)
        return self.usage[user_id]


class FakeApiKeys:
    def __init__(self) -> None:
        self.keys: dict[str, tuple[ApiKey, str]] = {}

    async def replace(self, key: ApiKey, key_hash: str, session: Any) -> None:
        self.keys[key.user_id] = (key, key_hash)

    async def of_user(self, user_id: str) -> ApiKey | None:
        stored = self.keys.get(user_id)
        return stored[0] if stored else None


@dataclass
class FakeUnitOfWork:
    """Runs the work (with no session) and records the events it would publish."""

    published: list[Event] = field(default_factory=list)

    async def transact(self, work: Any) -> tuple[Any, list[Event]]:
        return await work(None)

    async def commit(self, work: Any) -> Any:
        result, events = await work(None)
        self.published.extend(events)
        return result


@dataclass
class FakeBroadcast:
    """Like the outbox: an event id already stored is not published again."""

    published: list[Event] = field(default_factory=list)

    async def publish(self, event: Event) -> None:
        if all(e.event_id != event.event_id for e in self.published):
            self.published.append(event)


@dataclass
class Fakes:
    plans: FakePlans = field(default_factory=FakePlans)
    subscriptions: FakeSubscriptions = field(default_factory=FakeSubscriptions)
    usage: FakeUsage = field(default_factory=FakeUsage)
    keys: FakeApiKeys = field(default_factory=FakeApiKeys)
    uow: FakeUnitOfWork = field(default_factory=FakeUnitOfWork)
    broadcast: FakeBroadcast = field(default_factory=FakeBroadcast)
    now: datetime = NOW

    def clock(self) -> datetime:
        return self.now

    def catalogue(self) -> Catalogue:
        return Catalogue(self.plans, self.subscriptions, self.uow, self.clock)

    def subscription_service(self) -> Subscriptions:
        return Subscriptions(self.plans, self.subscriptions, self.usage, self.uow, self.clock)

    def quota(self) -> QuotaAuthority:
        return QuotaAuthority(
            self.plans, self.subscriptions, self.usage, self.broadcast, self.clock
        )

    def api_keys(self) -> ApiKeys:
        return ApiKeys(self.keys, self.uow, self.clock)

    def subscribe(
        self, user_id: str, plan_id: str, *, days: float = 30, status: str = "active"
    ) -> Subscription:
        subscription = Subscription(
            user_id,
            plan_id,
            status,
            self.now - timedelta(days=1),
            self.now + timedelta(days=days),
        )
        self.subscriptions.subscriptions[user_id] = subscription
        return subscription


@pytest.fixture
def fakes() -> Fakes:
    """The fakes, with the seeded plans in the catalogue."""
    made = Fakes()
    made.plans.plans = {plan.plan_id: plan for plan in SEEDED_PLANS}
    return made
