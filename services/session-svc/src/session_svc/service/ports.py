"""What the session use cases need from outside, beside the repositories and the unit of
work: billing's slot reservations (the provider's port is ``SessionManager``)."""

from typing import Protocol

from wagate_contracts import SubscriptionCheck, SubscriptionChecked


class SlotBilling(Protocol):
    async def reserve(self, user_id: str, session_id: str) -> SubscriptionChecked:
        """Billing's verdict on one more session; raises ``BillingUnreachable``."""
        ...

    def release_command(self, user_id: str, session_id: str) -> SubscriptionCheck:
        """The fire-and-forget release of a slot (sent through the outbox)."""
        ...
