"""HMAC signatures and token checks, all compared in constant time (no I/O)."""

import hashlib
import hmac


def hmac_hex(key: str, body: bytes, algorithm: str) -> str:
    return hmac.new(key.encode(), body, algorithm).hexdigest()


def matches(expected: str, given: str | None) -> bool:
    """Constant-time equality; a missing value never matches."""
    if not given:
        return False
    return hmac.compare_digest(expected.encode(), given.strip().encode())


def valid_meta_signature(app_secret: str, body: bytes, header: str | None) -> bool:
    """``X-Hub-Signature-256: sha256=<hex>``: HMAC-SHA256 of the raw body."""
    if not header or not header.startswith("sha256="):
        return False
    return matches(hmac_hex(app_secret, body, "sha256"), header.removeprefix("sha256=").lower())


def valid_waha_signature(key: str, body: bytes, header: str | None) -> bool:
    """``X-Webhook-Hmac: <hex>``: HMAC-SHA512 of the raw body (WAHA and the sandbox)."""
    return matches(hmac_hex(key, body, "sha512"), (header or "").lower())


def outbound_signature(secret: str, timestamp: int, body: bytes) -> str:
    """``X-Wagate-Signature`` value: ``sha256=`` HMAC-SHA256 over ``<timestamp>.<body>``."""
    signed = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac_hex(secret, signed, "sha256")


def digest(*parts: str) -> str:
    """A short stable digest of some text parts (dedup keys, event identities)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
