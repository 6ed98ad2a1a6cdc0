"""The campaign document's field names that several modules read or write, in one place.

``prepare_pending`` while its recipients are still becoming messages (the preparer's
work), ``cancel_pending`` while a cancel's queued messages are still being failed (the
streamer's settle step); ``lease_until`` / ``lease_owner`` while a replica works on it.
"""

from typing import Final


class CampaignField:
    PREPARE_PENDING: Final = "prepare_pending"
    CANCEL_PENDING: Final = "cancel_pending"
    LEASE_UNTIL: Final = "lease_until"
    LEASE_OWNER: Final = "lease_owner"


C = CampaignField
