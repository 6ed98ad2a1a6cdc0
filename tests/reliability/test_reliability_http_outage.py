"""Integration: while MongoDB is unreachable or hung, every service answers 503 in the
common format with ``Retry-After`` within the request deadline, and recovers.

Each service reaches the real MongoDB-wire server through a fault proxy: the service
starts normally (indexes, seeds), then the proxy drops every connection and refuses new
ones (``database_unavailable``), or freezes them (a hung server: the driver's timeout or
the request deadline answers, whichever comes first); then it forwards again.
"""

import time
from collections.abc import Callable
from typing import Any

import pytest
from billing_svc.app import create_app as create_billing
from billing_svc.settings import BillingSettings
from fastapi import FastAPI
from sender_svc.app import create_app as create_sender
from sender_svc.settings import SenderSettings
from stats_svc.app import create_app as create_stats
from stats_svc.settings import StatsSettings
from wagate_platform.auth import generate_api_key, issue_jwt
from wagate_platform.errors import RETRY_AFTER_S
from wagate_platform.settings import ServiceSettings
from wagate_testing.apps import app_client
from wagate_testing.fault_proxy import fault_proxy
from wagate_testing.waiting import eventually
from webhook_svc.app import create_app as create_webhook
from webhook_svc.settings import WebhookSettings

pytestmark = [pytest.mark.integration, pytest.mark.asyncio, pytest.mark.timeout(90)]

SECRET = "outage-test-jwt-secret-0123456789abcdef"
DEADLINE_S = 2.0
EXPECTED = {
    "drop": {"database_unavailable"},
    "freeze": {"database_unavailable", "service_unavailable"},
}
USER = "outage-user"
Call = tuple[str, str, dict[str, Any] | None]


def bearer(user: str = USER, role: str = "customer") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_jwt(user, role, SECRET)}"}  # type: ignore[arg-type]


SERVICES: dict[str, tuple[type[ServiceSettings], Callable[[Any], FastAPI], list[Call]]] = {
    "billing-svc": (
        BillingSettings,
        create_billing,
        [("GET", "/v1/subscription", None), ("GET", f"/v1/users/{USER}/subscription", None)],
    ),
    "stats-svc": (
        StatsSettings,
        create_stats,
        [("GET", f"/v1/stats/users/{USER}", None), ("GET", f"/v1/stats/users/{USER}/daily", None)],
    ),
    "webhook-svc": (WebhookSettings, create_webhook, [("GET", "/v1/webhook-config", None)]),
    "sender-svc": (
        SenderSettings,
        create_sender,
        [
            ("GET", "/v1/rate-limit", None),
            ("POST", "/v1/messages", {"to": "6281234567890", "type": "text", "text": "hi"}),
        ],
    ),
}


def _headers(service: str, path: str) -> dict[str, str]:
    if service == "sender-svc" and path == "/v1/messages":
        return {"X-Api-Key": generate_api_key()}
    return bearer("root", "admin") if "/users/" in path and service == "billing-svc" else bearer()


@pytest.mark.parametrize("fault", list(EXPECTED))
@pytest.mark.parametrize("service", list(SERVICES))
async def test_routes_answer_503_while_mongodb_is_down(
    service, fault, make_settings, janitor, mongodb_url
):
    settings_cls, create_app, calls = SERVICES[service]
    async with fault_proxy(mongodb_url) as (proxy, url):
        settings = make_settings(
            settings_cls,
            auth_jwt_secret=SECRET,
            mongodb_url=url,
            mongodb_timeout_ms=300,
            http_request_timeout_s=DEADLINE_S,
        )
        async with app_client(create_app(settings), janitor) as client:
            healthy = await client.get(calls[0][1], headers=_headers(service, calls[0][1]))
            assert healthy.status_code < 500, healthy.text  # webhook-config: 404, none set

            if fault == "drop":
                proxy.drop()
            else:
                proxy.freeze()
            for method, path, body in calls:
                started = time.monotonic()
                resp = await client.request(
                    method, path, json=body, headers=_headers(service, path)
                )
                elapsed = time.monotonic() - started
                assert resp.status_code == 503, f"{method} {path}: {resp.text}"
                problem = resp.json()
                assert problem["error"] in EXPECTED[fault], problem
                assert problem["status"] == 503
                assert problem["data"] == {"retry_after": RETRY_AFTER_S}
                assert resp.headers["Retry-After"] == str(RETRY_AFTER_S)
                assert elapsed < DEADLINE_S + 0.5, f"{method} {path} took {elapsed:.1f}s"

            proxy.restore()

            async def recovered() -> bool:
                path = calls[0][1]
                resp = await client.get(path, headers=_headers(service, path))
                return resp.status_code == healthy.status_code

            await eventually(recovered, timeout_s=30, what=f"{service} to recover")
