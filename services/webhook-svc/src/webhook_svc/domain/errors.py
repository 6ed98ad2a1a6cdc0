"""What webhook-svc's use cases refuse with; the HTTP entry point maps each kind to a status.

A provider retries a callback answered 503 (``Retry-After``), so the two outages are
``Unavailable``; a malformed callback is ``Invalid`` but answered 400 (the entry
point's table), a provider's payload not being the caller's input to correct.
"""

from wagate_platform.domain_errors import Invalid, NotFound, Unavailable

RETRY_AFTER_S = 5
MAX_MESSAGE = 500


class InvalidPayload(Invalid, ValueError):
    """The callback is JSON but not in the provider's documented shape."""

    code = "invalid_payload"

    def __init__(self, message: str) -> None:
        super().__init__(message[:MAX_MESSAGE])


class BrokerUnavailable(Unavailable):
    """The events could not be handed to the broker; nothing was acknowledged."""

    code = "broker_unavailable"

    def __init__(self) -> None:
        super().__init__("events could not be published; retry later", retry_after_s=RETRY_AFTER_S)


class StorageUnavailable(Unavailable):
    """The dedup marks could not be claimed or released: nothing can be decided."""

    code = "storage_unavailable"

    def __init__(self) -> None:
        super().__init__(
            "deduplication store unavailable; retry later", retry_after_s=RETRY_AFTER_S
        )


class UnsafeUrl(Invalid):
    """A webhook URL that is not http(s), does not resolve, or resolves to a private address."""

    code = "unsafe_url"

    def __init__(self, reason: str, url: str) -> None:
        super().__init__(reason, {"url": url})


class WebhookConfigNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("webhook config not found")


class FailedDeliveryNotFound(NotFound):
    """Unknown, another user's, or not failed: none of them can be retried by hand."""

    def __init__(self) -> None:
        super().__init__("failed delivery not found")
