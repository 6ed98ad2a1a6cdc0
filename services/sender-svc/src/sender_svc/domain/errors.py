"""What sender-svc's use cases raise when a rule says no (mapped to HTTP at the edge).

Each class is one of the platform's kinds (``wagate_platform.domain_errors``) with the
contract's error ``code``; ``entrypoints/http.py`` maps kinds to statuses.
"""

from wagate_platform.domain_errors import (
    Conflict,
    Invalid,
    NotFound,
    Refused,
    TooMany,
    Unauthorized,
    Unavailable,
    UpstreamFailed,
)


class NotAuthenticated(Unauthorized):
    """No credentials, or an API key nobody holds."""

    code = "unauthorized"


class SubscriptionInactive(Refused):
    code = "subscription_inactive"


class RateLimited(TooMany):
    code = "rate_limited"


class InvalidPhoneNumber(Invalid):
    code = "invalid_phone_number"


class UnknownSession(Invalid):
    code = "unknown_session"


class UnknownGroup(Invalid):
    code = "unknown_group"


class InvalidRenderedMessage(Invalid):
    """A campaign message with one recipient's variables filled in breaks a limit."""

    code = "validation_error"


class TooManyRecipients(Invalid):
    code = "too_many_recipients"


class MessageNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("message not found")


class CampaignNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("campaign not found")


class InvalidCampaignState(Conflict):
    code = "invalid_campaign_state"


class NoSessionAvailable(Unavailable):
    code = "no_session_available"


class ProviderRefused(UpstreamFailed):
    code = "provider_error"
