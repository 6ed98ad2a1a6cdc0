"""Who is calling, without HTTP: the principal and the API key rules.

Use cases and adapters import these; the HTTP side (reading headers, verifying JWTs,
answering 401) is ``wagate_platform.auth``. API keys are random, prefixed ``wg_live_``,
and stored only as their SHA-256.
"""

import hashlib
import secrets
from dataclasses import dataclass
from typing import Literal

Role = Literal["customer", "admin"]
API_KEY_PREFIX = "wg_live_"


@dataclass(frozen=True)
class Principal:
    user_id: str
    role: Role
    via: Literal["jwt", "api_key"] = "jwt"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can_access(self, user_id: str) -> bool:
        return self.is_admin or self.user_id == user_id


def looks_like_api_key(token: str) -> bool:
    return token.startswith(API_KEY_PREFIX)


def generate_api_key() -> str:
    """A new key: the prefix and 256 bits of randomness."""
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_display_prefix(key: str) -> str:
    """What may be shown and logged of a key: the prefix and four characters."""
    return key[: len(API_KEY_PREFIX) + 4]
