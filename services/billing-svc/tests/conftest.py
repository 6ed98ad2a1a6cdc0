"""billing-svc running for real (broker + database), with an admin and customer tokens."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest_asyncio
from billing_svc.app import create_app
from billing_svc.settings import BillingSettings
from fastapi import FastAPI
from wagate_platform.auth import issue_jwt
from wagate_testing.apps import app_client
from wagate_testing.event_tap import EventTap

SECRET = "test-secret-for-billing-svc-0123456789"


@dataclass
class Billing:
    api: httpx.AsyncClient
    app: FastAPI
    tap: EventTap
    admin: dict[str, str]

    @staticmethod
    def auth(user_id: str, role: str = "customer") -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_jwt(user_id, role, SECRET)}"}  # type: ignore[arg-type]


@pytest_asyncio.fixture(loop_scope="session")
async def billing(make_settings, janitor, rabbitmq_url, amqp_namespace) -> AsyncIterator[Billing]:
    settings = make_settings(BillingSettings, auth_jwt_secret=SECRET, expiry_sweep_interval_s=0.3)
    app = create_app(settings)
    async with EventTap(rabbitmq_url, amqp_namespace) as tap, app_client(app, janitor) as api:
        yield Billing(api, app, tap, Billing.auth("root", "admin"))
