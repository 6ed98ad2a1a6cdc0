"""WAHA webhook signatures: hex HMAC-SHA512 of the raw request body.

WAHA sends it in ``X-Webhook-Hmac`` together with ``X-Webhook-Hmac-Algorithm: sha512``.
"""

import hashlib
import hmac

ALGORITHM = "sha512"
SIGNATURE_HEADER = "X-Webhook-Hmac"
ALGORITHM_HEADER = "X-Webhook-Hmac-Algorithm"


def sign(body: bytes, key: str) -> str:
    """The lowercase hex HMAC-SHA512 of ``body`` keyed with ``key``."""
    return hmac.new(key.encode(), body, hashlib.sha512).hexdigest()


def verify(body: bytes, key: str, signature: str) -> bool:
    """Whether ``signature`` is the HMAC-SHA512 of ``body`` with ``key`` (constant time)."""
    expected = sign(body, key).encode()
    return hmac.compare_digest(expected, signature.strip().lower().encode())
