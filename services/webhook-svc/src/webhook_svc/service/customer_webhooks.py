"""Customer webhook use cases: configure, list deliveries, retry by hand, list contacts."""

import secrets

from wagate_platform.mongo import Document
from wagate_platform.netguard import UnsafeTarget, check_url

from webhook_svc.adapters.configs import ConfigStore, WebhookConfig
from webhook_svc.adapters.contacts import ContactStore
from webhook_svc.adapters.deliveries import Delivery, DeliveryStore
from webhook_svc.domain.errors import FailedDeliveryNotFound, UnsafeUrl, WebhookConfigNotFound
from webhook_svc.service.directory import Directory
from webhook_svc.service.forwarding import Forwarder


class CustomerWebhooks:
    def __init__(
        self,
        configs: ConfigStore,
        deliveries: DeliveryStore,
        contacts_store: ContactStore,
        forwarder: Forwarder,
        directory: Directory,
        allow_private_targets: bool,
    ) -> None:
        self._configs = configs
        self._deliveries = deliveries
        self._contacts = contacts_store
        self._forwarder = forwarder
        self._directory = directory
        self._allow_private = allow_private_targets

    async def get(self, user_id: str) -> WebhookConfig:
        config = await self._configs.get(user_id)
        if config is None:
            raise WebhookConfigNotFound()
        return config

    async def put(
        self,
        user_id: str,
        url: str,
        events: tuple[str, ...],
        secret: str | None,
        window: int | None,
    ) -> WebhookConfig:
        """Store the config; raises ``UnsafeUrl`` for a URL that is not http(s), does not
        resolve, or resolves to any non-public address (``wagate_platform.netguard``)."""
        try:
            await check_url(url, allow_private=self._allow_private)
        except UnsafeTarget as exc:
            raise UnsafeUrl(str(exc), url) from exc
        secret = secret or "whsec_" + secrets.token_urlsafe(32)
        config = await self._configs.put(user_id, url, events, secret, window)
        self._directory.apply_window(user_id, window)
        return config

    async def delete(self, user_id: str) -> None:
        deleted = await self._configs.delete(user_id)
        self._directory.apply_window(user_id, None)
        if not deleted:
            raise WebhookConfigNotFound()

    async def deliveries(self, user_id: str, status: str | None, limit: int) -> list[Delivery]:
        return await self._deliveries.list(user_id, status, limit)

    async def retry(self, delivery_id: str, user_id: str) -> Delivery:
        """Send a failed delivery again from its first attempt."""
        delivery = await self._deliveries.restart(delivery_id, user_id)
        if delivery is None:
            raise FailedDeliveryNotFound()
        await self._forwarder.retry_now(delivery)
        return delivery

    async def contacts(self, user_id: str, limit: int) -> list[Document]:
        found = await self._contacts.list(user_id, limit)
        return [
            {
                "number": doc["number"],
                "chat_id": doc.get("chat_id"),
                "first_seen": doc.get("first_seen"),
                "last_seen": doc.get("last_seen"),
                "message_count": doc.get("message_count", 0),
            }
            for doc in found
        ]
