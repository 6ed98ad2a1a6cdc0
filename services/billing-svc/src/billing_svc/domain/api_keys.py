"""An API key as stored: one per user; only the SHA-256 of the key is kept."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ApiKey:
    """What a user may see of their key (never the key, nor its hash)."""

    user_id: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None = None


class ApiKeyField:
    """The stored names of an API key document's fields beside the ``ApiKey`` ones."""

    KEY_HASH = "key_hash"
