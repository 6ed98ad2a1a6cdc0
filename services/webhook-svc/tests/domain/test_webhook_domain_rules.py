"""Unit: signatures (WAHA's documented vector), monotonic statuses, retries.

Safe targets (SSRF) are tested with the guard itself: libs/platform/tests/test_platform_netguard.py.
"""

from webhook_svc.domain.dedup import statuses_that_may_precede
from webhook_svc.domain.delivery import next_delay_ms, outcome_of_status
from webhook_svc.domain.signatures import (
    hmac_hex,
    outbound_signature,
    valid_meta_signature,
    valid_waha_signature,
)

WAHA_DOC_BODY = b'{"event":"message","session":"default","engine":"WEBJS"}'
WAHA_DOC_HMAC = (
    "208f8a55dde9e05519e898b10b89bf0d0b3b0fdf11fdbf09b6b90476301b98d8"
    "097c462b2b17a6ce93b6b47a136cf2e78a33a63f6752c2c1631777076153fa89"
)


def test_waha_signature_matches_the_documented_example() -> None:
    assert valid_waha_signature("my-secret-key", WAHA_DOC_BODY, WAHA_DOC_HMAC)
    assert valid_waha_signature("my-secret-key", WAHA_DOC_BODY, WAHA_DOC_HMAC.upper())
    assert not valid_waha_signature("other-key", WAHA_DOC_BODY, WAHA_DOC_HMAC)
    assert not valid_waha_signature("my-secret-key", WAHA_DOC_BODY, None)


def test_meta_signature_needs_the_sha256_prefix_and_the_exact_body() -> None:
    body = b'{"object":"whatsapp_business_account"}'
    good = "sha256=" + hmac_hex("app-secret", body, "sha256")
    assert valid_meta_signature("app-secret", body, good)
    assert not valid_meta_signature("app-secret", body + b" ", good)
    assert not valid_meta_signature("app-secret", body, good.removeprefix("sha256="))


def test_outbound_signature_covers_timestamp_and_body() -> None:
    signature = outbound_signature("s3cret", 1700000000, b"{}")
    assert signature == "sha256=" + hmac_hex("s3cret", b"1700000000.{}", "sha256")


def test_a_status_only_replaces_earlier_ones_and_nothing_replaces_failed() -> None:
    assert statuses_that_may_precede("read") == ["queued", "sent", "delivered"]
    assert statuses_that_may_precede("delivered") == ["queued", "sent"]
    assert statuses_that_may_precede("failed") == ["queued", "sent"]
    assert "failed" not in statuses_that_may_precede("played")


def test_retry_policy() -> None:
    assert outcome_of_status(204).ok
    assert outcome_of_status(500).retryable
    assert outcome_of_status(429).retryable
    assert outcome_of_status(408).retryable
    assert not outcome_of_status(404).retryable
    assert not outcome_of_status(301).retryable
    assert next_delay_ms((50, 100), 1) == 50
    assert next_delay_ms((50, 100), 2) == 100
    assert next_delay_ms((50, 100), 3) is None
