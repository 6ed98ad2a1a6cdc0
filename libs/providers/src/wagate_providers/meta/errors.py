"""Classification of Cloud API error codes (``{"error": {"code", "message", ...}}``).

See https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes.
"""

from typing import Final

import httpx

from wagate_providers.base import ErrorKind, ProviderError
from wagate_providers.errors import by_http_status, retry_after, short

# code -> (kind, our error code)
_CODES: Final[dict[int, tuple[ErrorKind, str]]] = {
    # throughput / rate limits: this number must slow down; another one may send
    4: ("session", "rate_limited"),
    80007: ("session", "rate_limited"),
    130429: ("session", "throughput_limited"),
    131048: ("session", "spam_rate_limited"),
    131056: ("session", "pair_rate_limited"),
    # the number (session) cannot send at all for now
    131031: ("session", "account_locked"),
    133010: ("session", "phone_not_registered"),
    368: ("session", "temporarily_blocked"),
    190: ("session", "access_token_expired"),
    # the message or recipient is wrong: failing again will not help
    131026: ("permanent", "invalid_recipient"),
    131047: ("permanent", "reengagement_required"),
    131051: ("permanent", "unsupported_message_type"),
    131052: ("permanent", "media_download_failed"),
    131053: ("permanent", "media_upload_failed"),
    131008: ("permanent", "bad_request"),
    131009: ("permanent", "bad_request"),
    100: ("permanent", "bad_request"),
    132000: ("permanent", "template_param_mismatch"),
    132001: ("permanent", "template_not_found"),
    # Meta's side is struggling: try again
    1: ("transient", "provider_error"),
    2: ("transient", "provider_error"),
    131000: ("transient", "provider_error"),
    131016: ("transient", "provider_error"),
}


def classify_meta_error(response: httpx.Response) -> ProviderError:
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return by_http_status(response, short(response.text))
    code = error.get("code")
    details = (
        error.get("error_data", {}).get("details")
        if isinstance(error.get("error_data"), dict)
        else None
    )
    message = short(details or error.get("message") or error.get("title"))
    known = _CODES.get(code) if isinstance(code, int) else None
    if known is None:
        return by_http_status(response, message)
    kind, our_code = known
    return ProviderError(
        kind,
        our_code,
        f"{message} (meta {code})",
        http_status=response.status_code,
        retry_after_s=retry_after(response),
    )
