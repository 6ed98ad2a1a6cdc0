"""Contract: on every service, a JWT whose ``exp``, ``nbf`` or ``iat`` is not a NumericDate
(RFC 7519: a JSON number) is 401, even when it is a string of digits in the future.

Authentication runs before any database or broker access, so the apps answer here
without their lifespan (nothing connects).
"""

import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from billing_svc.app import create_app as create_billing
from billing_svc.settings import BillingSettings
from sender_svc.app import create_app as create_sender
from sender_svc.settings import SenderSettings
from session_svc.app import create_app as create_session
from session_svc.settings import SessionSettings
from stats_svc.app import create_app as create_stats
from stats_svc.settings import StatsSettings
from webhook_svc.app import create_app as create_webhook
from webhook_svc.settings import WebhookSettings

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(60)]

SECRET = "contract-jwt-claims-secret-0123456789abcdef"
USER = "claims-user"
LATER = int(time.time()) + 3600
SERVICES: dict[str, tuple[Callable[[Any], Any], type, str]] = {
    "billing-svc": (create_billing, BillingSettings, "/v1/subscription"),
    "session-svc": (create_session, SessionSettings, "/v1/sessions"),
    "sender-svc": (create_sender, SenderSettings, "/v1/rate-limit"),
    "webhook-svc": (create_webhook, WebhookSettings, "/v1/webhook-config"),
    "stats-svc": (create_stats, StatsSettings, f"/v1/stats/users/{USER}"),
}
BAD_CLAIMS = {
    "exp-digits": {"exp": str(LATER)},
    "exp-text": {"exp": "in an hour"},
    "nbf-text": {"exp": LATER, "nbf": "now"},
    "nbf-digits": {"exp": LATER, "nbf": "0"},
    "iat-text": {"exp": LATER, "iat": "now"},
    "iat-digits": {"exp": LATER, "iat": str(LATER - 3600)},
}


@pytest.mark.parametrize("claims", list(BAD_CLAIMS.values()), ids=list(BAD_CLAIMS))
@pytest.mark.parametrize("service", list(SERVICES))
async def test_time_claims_that_are_not_numbers_are_401(service, claims):
    create_app, settings_cls, path = SERVICES[service]
    app = create_app(settings_cls(environment="test", auth_jwt_secret=SECRET))
    token = jwt.encode({"sub": USER, "role": "customer", **claims}, SECRET, "HS256")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.get(path, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401, answer.text
    assert answer.json()["error"] == "unauthorized"
    assert answer.headers["WWW-Authenticate"] == "Bearer"
