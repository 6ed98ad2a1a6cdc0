"""How each callback source is authenticated and parsed.

- Meta: ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw body, app secret);
- WAHA and the sandbox: ``X-Webhook-Hmac`` (hex HMAC-SHA512, ``PROVIDER_WEBHOOK_HMAC_KEY``);
- Whapi: the configured token as ``Authorization: Bearer`` or ``X-Webhook-Token``;
- generic callbacks: ``WEBHOOK_SHARED_SECRET`` the same way (or ``X-Webhook-Secret``).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from wagate_contracts.values import ProviderName

from webhook_svc.adapters.meta import parse_meta
from webhook_svc.adapters.waha import parse_waha
from webhook_svc.adapters.whapi import parse_whapi
from webhook_svc.domain.inbound import CallbackItem
from webhook_svc.domain.signatures import matches, valid_meta_signature, valid_waha_signature
from webhook_svc.settings import WebhookSettings

Headers = Mapping[str, str]
Verifier = Callable[[bytes, Headers], bool]


@dataclass(frozen=True)
class CallbackSource:
    provider: ProviderName
    verify: Verifier
    parse: Callable[[object], list[CallbackItem]]


def token_of(headers: Headers, *names: str) -> str | None:
    """A shared token from ``Authorization: Bearer`` or one of the named headers."""
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    for name in names:
        if headers.get(name):
            return headers[name]
    return None


def token_verifier(secret: str, *names: str) -> Verifier:
    return lambda _body, headers: matches(secret, token_of(headers, *names))


def callback_sources(settings: WebhookSettings) -> dict[str, CallbackSource]:
    hmac_key = settings.provider_webhook_hmac_key.get_secret_value()
    app_secret = settings.meta_app_secret.get_secret_value()

    def waha(body: bytes, headers: Headers) -> bool:
        return valid_waha_signature(hmac_key, body, headers.get("x-webhook-hmac"))

    def meta(body: bytes, headers: Headers) -> bool:
        return valid_meta_signature(app_secret, body, headers.get("x-hub-signature-256"))

    whapi = token_verifier(settings.whapi_token.get_secret_value(), "x-webhook-token")
    return {
        "waha": CallbackSource("waha", waha, parse_waha),
        "sandbox": CallbackSource("sandbox", waha, parse_waha),
        "meta": CallbackSource("meta", meta, parse_meta),
        "whapi": CallbackSource("whapi", whapi, parse_whapi),
    }


def generic_verifier(settings: WebhookSettings) -> Verifier:
    return token_verifier(settings.webhook_shared_secret.get_secret_value(), "x-webhook-secret")
