"""Session usage: how many slots a user holds, and for which sessions."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Usage:
    user_id: str
    sessions_used: int = 0
    reserved: tuple[str, ...] = ()

    def holds(self, session_id: str) -> bool:
        return session_id in self.reserved


class UsageField:
    """The stored names of a usage document's fields (used in the repository's queries)."""

    SESSIONS_USED = "sessions_used"
    RESERVED = "reserved"
