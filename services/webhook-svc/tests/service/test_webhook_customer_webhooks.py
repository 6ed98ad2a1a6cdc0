"""Unit: the customer webhook use cases against fake stores (no MongoDB, no broker)."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from webhook_svc.adapters.configs import WebhookConfig
from webhook_svc.domain.errors import FailedDeliveryNotFound, UnsafeUrl, WebhookConfigNotFound
from webhook_svc.service.customer_webhooks import CustomerWebhooks
from webhook_svc.service.directory import Directory

pytestmark = pytest.mark.asyncio
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


class FakeConfigs:
    def __init__(self) -> None:
        self.stored: dict[str, WebhookConfig] = {}

    async def get(self, user_id):
        return self.stored.get(user_id)

    async def put(self, user_id, url, events, secret, window):
        config = WebhookConfig(user_id, url, events, secret, window, NOW, NOW)
        self.stored[user_id] = config
        return config

    async def delete(self, user_id):
        return self.stored.pop(user_id, None) is not None


@dataclass
class FakeDelivery:
    id: str
    user_id: str


class FakeDeliveries:
    def __init__(self, failed: list[FakeDelivery]) -> None:
        self.failed = {d.id: d for d in failed}

    async def restart(self, delivery_id, user_id):
        found = self.failed.get(delivery_id)
        return found if found is not None and found.user_id == user_id else None


class FakeForwarder:
    def __init__(self) -> None:
        self.retried: list[str] = []

    async def retry_now(self, delivery):
        self.retried.append(delivery.id)


class FakeContacts:
    async def list(self, user_id, limit):
        return [{"number": "6281234567890", "last_seen": NOW, "_id": "x", "user_id": user_id}]


def _webhooks(configs=None, deliveries=None, forwarder=None, directory=None) -> CustomerWebhooks:
    return CustomerWebhooks(
        configs or FakeConfigs(),
        deliveries or FakeDeliveries([]),
        FakeContacts(),
        forwarder or FakeForwarder(),
        directory or Directory(300, 1000),
        allow_private_targets=False,
    )


async def test_a_private_target_is_an_unsafe_url_and_nothing_is_stored():
    configs = FakeConfigs()
    with pytest.raises(UnsafeUrl) as raised:
        await _webhooks(configs).put("u1", "http://127.0.0.1:9/hook", ("message.status",), None, 0)
    assert raised.value.error == "unsafe_url"
    assert raised.value.data == {"url": "http://127.0.0.1:9/hook"}
    assert configs.stored == {}


async def test_no_config_is_not_found_for_get_and_delete():
    webhooks = _webhooks()
    with pytest.raises(WebhookConfigNotFound, match="webhook config not found"):
        await webhooks.get("u1")
    with pytest.raises(WebhookConfigNotFound):
        await webhooks.delete("u1")


async def test_deleting_a_config_forgets_its_content_window():
    configs, directory = FakeConfigs(), Directory(300, 1000)
    await configs.put("u1", "https://example.com/hook", (), "s" * 16, 60)
    directory.apply_window("u1", 60)
    await _webhooks(configs, directory=directory).delete("u1")
    assert directory.content_window("u1") == 300


async def test_only_a_failed_delivery_of_the_caller_is_retried():
    forwarder = FakeForwarder()
    webhooks = _webhooks(deliveries=FakeDeliveries([FakeDelivery("d1", "u1")]), forwarder=forwarder)
    with pytest.raises(FailedDeliveryNotFound, match="failed delivery not found"):
        await webhooks.retry("d1", "u2")
    assert (await webhooks.retry("d1", "u1")).id == "d1"
    assert forwarder.retried == ["d1"]


async def test_contacts_show_only_their_public_fields():
    [contact] = await _webhooks().contacts("u1", 10)
    assert contact == {
        "number": "6281234567890",
        "chat_id": None,
        "first_seen": None,
        "last_seen": NOW,
        "message_count": 0,
    }
