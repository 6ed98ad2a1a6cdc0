"""pytest plugin: real broker and database fixtures shared by every package's tests.

Each test gets its own AMQP namespace (prefix of exchange and queue names) and
its own MongoDB database names, so tests never see each other's messages or
documents; both are removed when the test ends.
"""

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any, TypeVar
from uuid import uuid4

import pytest
import pytest_asyncio
from wagate_contracts.names import retry_queue
from wagate_platform.settings import ServiceSettings

from wagate_testing.cleanup import Janitor, sweep_dead_owners
from wagate_testing.infra import InfrastructureUnavailable, mongodb, rabbitmq

S = TypeVar("S", bound=ServiceSettings)


@pytest.fixture(scope="session")
def rabbitmq_url() -> Iterator[str]:
    try:
        with rabbitmq() as url:
            asyncio.run(sweep_dead_owners(url))  # what killed test runs left behind
            yield url
    except InfrastructureUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def mongodb_url() -> Iterator[str]:
    try:
        with mongodb() as url:
            yield url
    except InfrastructureUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
def amqp_namespace() -> str:
    return f"test-{uuid4().hex[:10]}."


@pytest_asyncio.fixture(loop_scope="session")
async def janitor(rabbitmq_url: str, mongodb_url: str) -> AsyncIterator[Janitor]:
    janitor = Janitor(rabbitmq_url, mongodb_url)
    try:
        yield janitor
    finally:
        await janitor.clean()


class SettingsFactory:
    """Builds a service's settings pointed at the test infrastructure."""

    def __init__(self, rabbitmq_url: str, mongodb_url: str, namespace: str, janitor: Janitor):
        self.rabbitmq_url = rabbitmq_url
        self.mongodb_url = mongodb_url
        self.namespace = namespace
        self._janitor = janitor
        self._suffix = uuid4().hex[:8]

    def __call__(self, settings_cls: type[S], **overrides: Any) -> S:
        # only for the class's default names; explicit test mode, since the default
        # (production) refuses the placeholder secrets a bare construction has
        defaults = settings_cls(environment="test")
        database = f"{defaults.mongodb_database or defaults.service_name}_{self._suffix}"
        values: dict[str, Any] = {
            "environment": "test",
            "rabbitmq_url": self.rabbitmq_url,
            "mongodb_url": self.mongodb_url,
            "mongodb_database": database.replace("-", "_"),
            "amqp_namespace": self.namespace,
            "outbox_poll_interval_s": 0.2,
            "log_format": "console" if os.environ.get("WAGATE_TEST_LOG") else "json",
            **overrides,
        }
        settings = settings_cls(**values)
        self._janitor.track_database(settings.mongodb_database)
        self._janitor.track_namespace(self.namespace)
        for delay in settings.amqp_retry_delays_ms:  # declared by any app these settings start
            self._janitor.track_queue(f"{self.namespace}{retry_queue(delay)}")
        return settings


@pytest.fixture
def make_settings(
    rabbitmq_url: str, mongodb_url: str, amqp_namespace: str, janitor: Janitor
) -> SettingsFactory:
    return SettingsFactory(rabbitmq_url, mongodb_url, amqp_namespace, janitor)
