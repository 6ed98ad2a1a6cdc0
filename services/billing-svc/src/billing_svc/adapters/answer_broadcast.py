"""Broadcasting a quota answer through the outbox, once per request id."""

from pymongo.errors import BulkWriteError
from wagate_contracts.envelope import Event
from wagate_platform.outbox import Outbox, OutboxRelay

_DUPLICATE_KEY = 11000


class OutboxBroadcast:
    def __init__(self, outbox: Outbox, relay: OutboxRelay) -> None:
        self._outbox = outbox
        self._relay = relay

    async def publish(self, event: Event) -> None:
        """Store ``event`` in the outbox and publish it; an event id already stored (a
        redelivered request) is left to the first copy, still waiting in the outbox."""
        try:
            await self._outbox.add([event])
        except BulkWriteError as exc:
            if any(e.get("code") != _DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                raise
            return
        await self._relay.publish_now([event])
