"""Monotonic delivery status: which stored statuses a new one may replace."""

from wagate_contracts.values import DELIVERY_STATUSES, DeliveryStatus, is_forward

DELIVERED_OR_BETTER: tuple[DeliveryStatus, ...] = ("sent", "delivered", "read", "played")


def replaceable_by(new: DeliveryStatus) -> list[DeliveryStatus]:
    """The statuses a message may be in for ``new`` to be applied."""
    return [old for old in DELIVERY_STATUSES if is_forward(old, new)]
