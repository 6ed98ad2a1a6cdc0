"""In-memory stand-ins for session-svc's collaborators: no broker, no database.

The repositories are in ``fake_repositories.py``; here are the unit of work (it runs the
work at once and records the events it would have published), the ports (billing, the
provider, the rate limiter, the publisher) and :class:`World`, which holds one of each.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from session_svc.adapters.rate_limiter import Verdict
from session_svc.domain.errors import BillingUnreachable
from session_svc.domain.subscription import KnownPlan
from session_svc_fake_repositories import (
    Doc,
    FakeAudit,
    FakeCounts,
    FakeGroups,
    FakePlans,
    FakeSessions,
)
from wagate_contracts import SubscriptionCheck, SubscriptionChecked
from wagate_contracts.envelope import Event
from wagate_providers.base import ProviderError, ProviderSession, QrCode

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


class FakeInbox:
    def __init__(self) -> None:
        self.seen: set[str] = set()

    async def first_time(self, event_id: object, session: Any = None) -> bool:
        key = str(event_id)
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    async def already_seen(self, event_ids: Sequence[str], session: Any = None) -> set[str]:
        return {e for e in event_ids if e in self.seen}

    async def mark(self, event_ids: Sequence[str], session: Any = None) -> None:
        self.seen.update(event_ids)


class FakeTransaction:
    aborted = False

    async def with_transaction(self, work: Any) -> Any:
        return await work(self)

    async def abort_transaction(self) -> None:
        self.aborted = True


class FakeMongo:
    """Enough of ``AsyncMongoClient`` for a use case that runs its own transaction."""

    def __init__(self) -> None:
        self.transactions: list[FakeTransaction] = []

    def start_session(self) -> "FakeMongo":
        self.transactions.append(FakeTransaction())
        return self

    async def __aenter__(self) -> FakeTransaction:
        return self.transactions[-1]

    async def __aexit__(self, *exc: object) -> None:
        return None


@dataclass
class FakeUnitOfWork:
    """Runs the work at once (no rollback); ``published`` is what reached the broker."""

    stored: list[Event] = field(default_factory=list)
    published: list[Event] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.outbox = SimpleNamespace(add=self._store)
        self.relay = SimpleNamespace(publish_now=self._publish)

    async def _store(self, events: list[Event], session: Any = None) -> None:
        self.stored.extend(events)

    async def _publish(self, events: list[Event]) -> None:
        self.published.extend(events)

    async def transact(self, work: Any) -> tuple[Any, list[Event]]:
        result, events = await work(FakeTransaction())
        self.stored.extend(events)
        return result, list(events)

    async def commit(self, work: Any) -> Any:
        result, events = await self.transact(work)
        self.published.extend(events)
        return result

    def types(self) -> list[str]:
        return [type(e).__name__ for e in self.published]


class FakeBilling:
    def __init__(self) -> None:
        self.answer: SubscriptionChecked | None = None
        self.reserved: list[tuple[str, str]] = []

    async def reserve(self, user_id: str, session_id: str) -> SubscriptionChecked:
        self.reserved.append((user_id, session_id))
        if self.answer is None:
            raise BillingUnreachable("no answer")
        return self.answer.model_copy(update={"user_id": user_id, "session_id": session_id})

    def release_command(self, user_id: str, session_id: str) -> SubscriptionCheck:
        return SubscriptionCheck(
            producer="session-svc",
            user_id=user_id,
            request_id="rel_1",
            action="release",
            session_id=session_id,
        )


class FakeLimiter:
    def __init__(self) -> None:
        self.verdict = Verdict(True, 0)
        self.keys: list[str] = []

    async def hit(self, key: str) -> Verdict:
        self.keys.append(key)
        return self.verdict


class FakeProvider:
    """A provider's session manager; ``failures[method]`` makes that method raise."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.failures: dict[str, ProviderError] = {}
        self.start_status = "scan_qr"

    def _call(self, method: str, session: str) -> None:
        self.calls.append((method, session))
        if method in self.failures:
            raise self.failures[method]

    async def create(self, session: str, webhook_url: str, hmac_key: str) -> ProviderSession:
        self._call("create", session)
        return ProviderSession(session, "created", "STOPPED")

    async def start(self, session: str) -> ProviderSession:
        self._call("start", session)
        return ProviderSession(session, self.start_status, "SCAN_QR_CODE")  # type: ignore[arg-type]

    async def stop(self, session: str) -> ProviderSession:
        self._call("stop", session)
        return ProviderSession(session, "disconnected", "STOPPED")

    async def delete(self, session: str) -> None:
        self._call("delete", session)

    async def qr(self, session: str) -> QrCode:
        self._call("qr", session)
        return QrCode("qr-value", b"png")


class FakePublisher:
    def __init__(self) -> None:
        self.raw: list[tuple[str, Doc, str]] = []

    async def publish_raw(self, body: Doc, *, routing_key: str, message_id: str, **_: Any) -> None:
        self.raw.append((routing_key, body, message_id))


class FakeTopology:
    def delay_queue(self, target: str, delay_ms: int) -> SimpleNamespace:
        return SimpleNamespace(name=f"{target}.delay.{delay_ms}ms")


def session_doc(user_id: str, session_id: str, **fields: Any) -> Doc:
    """A stored session as ``CreateSession`` writes it (MongoDB's dict)."""
    return {
        "_id": session_id,
        "user_id": user_id,
        "name": session_id,
        "status": "created",
        "is_default": False,
        "phone_number": None,
        "daily_limit": None,
        "group_ids": [],
        "provider": "sandbox",
        "provider_session": session_id,
        "user_disconnected": False,
        "reconnect": {"epoch": None, "attempt": 0},
        "created_at": NOW,
        "updated_at": NOW,
        "last_active_at": None,
        **fields,
    }


class World:
    """Every fake, and the use cases built on them the way the container builds them."""

    def __init__(self) -> None:
        self.sessions = FakeSessions()
        self.audit = FakeAudit()
        self.groups = FakeGroups()
        self.plans = FakePlans()
        self.counts = FakeCounts()
        self.inbox = FakeInbox()
        self.mongo = FakeMongo()
        self.uow = FakeUnitOfWork()
        self.billing = FakeBilling()
        self.limiter = FakeLimiter()
        self.provider = FakeProvider()
        self.publisher = FakePublisher()
        self.topology = FakeTopology()
        self.now = NOW

    def clock(self) -> datetime:
        return self.now

    def plan(self, user_id: str, max_sessions: int = 3, daily_cap: int | None = None) -> None:
        self.plans.plans[user_id] = KnownPlan("Basic", "active", max_sessions, daily_cap, None)

    def store(self, user_id: str, session_id: str, **fields: Any) -> Doc:
        doc = session_doc(user_id, session_id, **fields)
        self.sessions.docs[session_id] = doc
        return doc
