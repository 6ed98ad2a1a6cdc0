"""Shared fixtures of stats-svc's tests: settings, tokens, event builders, a publisher."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
import pytest_asyncio
from pymongo import AsyncMongoClient
from stats_svc.settings import StatsSettings
from wagate_contracts import (
    MessageFailed,
    MessageReceived,
    MessageRequested,
    MessageSent,
    MessageStatus,
    SessionCreated,
    SessionDeleted,
    SessionStatusChanged,
)
from wagate_contracts.envelope import Event
from wagate_platform.auth import issue_jwt
from wagate_platform.broker import build_broker, build_topology
from wagate_platform.publisher import EventPublisher

TEXT = {"type": "text", "text": "hi"}
NOON = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


class Events:
    """Builders of the contract events the projector consumes (valid by construction)."""

    producer = "test"
    noon = NOON

    @staticmethod
    def unique(prefix: str) -> str:
        return f"{prefix}-{uuid4().hex[:8]}"

    @staticmethod
    def later(minutes: int) -> datetime:
        return NOON + timedelta(minutes=minutes)

    def requested(self, user: str, message_id: str, session: str | None = None, **kw: Any) -> Event:
        return MessageRequested(
            producer=self.producer,
            user_id=user,
            message_id=message_id,
            to="6281234567890",
            content=TEXT,
            session_id=session,
            occurred_at=kw.pop("at", NOON),
            **kw,
        )

    def sent(self, user: str, message_id: str, session: str, at: datetime = NOON) -> Event:
        return MessageSent(
            producer=self.producer,
            user_id=user,
            message_id=message_id,
            session_id=session,
            provider="sandbox",
            provider_message_id=f"p-{message_id}",
            to="6281234567890",
            sent_at=at,
            occurred_at=at,
        )

    def failed(self, user: str, message_id: str, session: str | None, at: datetime = NOON) -> Event:
        return MessageFailed(
            producer=self.producer,
            user_id=user,
            message_id=message_id,
            session_id=session,
            error_code="provider_error",
            error_message="boom",
            retryable=False,
            to="6281234567890",
            occurred_at=at,
        )

    def status(
        self, user: str, message_id: str, session: str, status: str, at: datetime = NOON
    ) -> Event:
        return MessageStatus(
            producer=self.producer,
            user_id=user,
            message_id=message_id,
            provider="sandbox",
            provider_message_id=f"p-{message_id}",
            session_id=session,
            status=status,
            at=at,
        )

    def received(
        self,
        user: str,
        provider_message_id: str,
        session: str,
        *,
        deduplicated: bool = False,
        at: datetime = NOON,
    ) -> Event:
        return MessageReceived.model_validate(
            {
                "producer": self.producer,
                "user_id": user,
                "provider": "sandbox",
                "session_id": session,
                "provider_session": session,
                "provider_message_id": provider_message_id,
                "from": "6281234567891",
                "type": "text",
                "text": "hello",
                "received_at": at.isoformat(),
                "deduplicated": deduplicated,
            },
            strict=False,
        )

    def session_created(self, user: str, session: str, name: str, at: datetime = NOON) -> Event:
        return SessionCreated(
            producer=self.producer,
            user_id=user,
            session_id=session,
            name=name,
            status="created",
            provider="sandbox",
            provider_session=session,
            occurred_at=at,
        )

    def session_status(
        self, user: str, session: str, status: str, previous: str, at: datetime
    ) -> Event:
        return SessionStatusChanged(
            producer=self.producer,
            user_id=user,
            session_id=session,
            status=status,
            previous_status=previous,
            occurred_at=at,
        )

    def session_deleted(self, user: str, session: str, at: datetime) -> Event:
        return SessionDeleted(
            producer=self.producer, user_id=user, session_id=session, occurred_at=at
        )


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def stats_settings(make_settings: Callable[..., StatsSettings]) -> Callable[..., StatsSettings]:
    """Settings of one stats-svc instance under test (no outbox sweeps to skew counts)."""

    def build(**overrides: Any) -> StatsSettings:
        return make_settings(StatsSettings, outbox_poll_interval_s=60.0, **overrides)

    return build


@pytest.fixture
def token() -> Callable[..., dict[str, str]]:
    def headers(user: str, role: str = "customer", secret: str | None = None) -> dict[str, str]:
        jwt = issue_jwt(
            user,
            role,
            secret or StatsSettings(environment="test").auth_jwt_secret.get_secret_value(),
        )
        return {"Authorization": f"Bearer {jwt}"}

    return headers


class Publisher:
    def __init__(self, publisher: EventPublisher) -> None:
        self._publisher = publisher

    async def publish(self, events: Sequence[Event], concurrency: int = 100) -> None:
        """Publish (confirmed) with bounded concurrency, in the given order of starts."""
        for start in range(0, len(events), concurrency):
            chunk = events[start : start + concurrency]
            await asyncio.gather(*(self._publisher.publish(e) for e in chunk))


@pytest_asyncio.fixture(loop_scope="session")
async def publisher_for() -> AsyncIterator[Callable[[StatsSettings], Any]]:
    """A standalone publisher on a settings' namespace (independent of any app)."""
    brokers = []

    async def connect(settings: StatsSettings) -> Publisher:
        broker = build_broker(settings)
        await broker.connect()
        brokers.append(broker)
        return Publisher(EventPublisher(broker, build_topology(settings), "test"))

    yield connect
    for broker in brokers:
        with contextlib.suppress(Exception):
            await broker.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def mongo_client(mongodb_url: str) -> AsyncIterator[AsyncMongoClient[dict[str, Any]]]:
    """A client of its own, so probes do not count towards the app's round trips."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url, tz_aware=True)
    yield client
    await client.close()
