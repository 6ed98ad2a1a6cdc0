"""The session document's field names that several modules read or write, in one place.

A session's daily ``cap`` is the smaller of its own ``daily_limit`` and the plan's
``plan_limit`` (either may be unset); ``provider_session`` is its name at the provider.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Final


class SessionField:
    PROVIDER_SESSION: Final = "provider_session"
    DAILY_LIMIT: Final = "daily_limit"
    PLAN_LIMIT: Final = "plan_limit"
    CAP: Final = "cap"


S = SessionField


@dataclass(frozen=True)
class ClaimedSession:
    """One send slot taken on a session (``claimed_at`` is when)."""

    session_id: str
    provider: str
    provider_session: str
    claimed_at: datetime
