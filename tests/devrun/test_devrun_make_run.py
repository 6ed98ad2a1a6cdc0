"""Smoke: `make run`'s launcher brings up all six processes and stops them on Ctrl-C."""

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid

import httpx
import pytest
from billing_svc.app import create_app as create_billing
from billing_svc.settings import BillingSettings
from sender_svc.app import create_app as create_sender
from sender_svc.settings import SenderSettings
from session_svc.app import create_app as create_session
from session_svc.settings import SessionSettings
from stats_svc.app import create_app as create_stats
from stats_svc.settings import StatsSettings
from wagate_devstack.infra import port_open
from wagate_testing.apps import runtime_of
from wagate_testing.cleanup import Janitor
from webhook_svc.app import create_app as create_webhook
from webhook_svc.settings import WebhookSettings

SERVICES = (
    (create_session, SessionSettings),
    (create_billing, BillingSettings),
    (create_sender, SenderSettings),
    (create_webhook, WebhookSettings),
    (create_stats, StatsSettings),
)

PORTS = {8001: "/readyz", 8002: "/readyz", 8003: "/readyz", 8004: "/readyz", 8005: "/readyz"}
SANDBOX = (8090, "/healthz")


def _janitor_for(namespace: str, rabbitmq_url: str, mongodb_url: str) -> Janitor:
    """A janitor that knows every queue the launched services declare in ``namespace``:
    the same apps, built here (nothing connects), list their bindings. Its ledger lets the
    next test session delete them even if this one is killed. Databases are left alone:
    they are the launcher's own (``wagate_*``) on whatever MONGODB_URL points at."""
    janitor = Janitor(rabbitmq_url, mongodb_url)
    for create_app, settings_cls in SERVICES:
        settings = settings_cls(environment="development", amqp_namespace=namespace)
        janitor.track_runtime(runtime_of(create_app(settings)), database=False)  # type: ignore[operator]
    return janitor


def _all_ready() -> bool:
    try:
        for port, path in [*PORTS.items(), SANDBOX]:
            if httpx.get(f"http://127.0.0.1:{port}{path}", timeout=2).status_code != 200:
                return False
    except httpx.HTTPError:
        return False
    return True


@pytest.mark.integration
@pytest.mark.timeout(180)
def test_devrun_starts_every_service_ready_and_stops_cleanly(rabbitmq_url, mongodb_url):
    busy = [p for p in [*PORTS, SANDBOX[0]] if port_open("127.0.0.1", p)]
    if busy:
        pytest.skip(f"ports already in use (is `make run` running?): {busy}")
    # its own namespace keeps the production queue names of a developer's broker untouched
    namespace = f"devrun-test-{uuid.uuid4().hex[:8]}."
    janitor = _janitor_for(namespace, rabbitmq_url, mongodb_url)
    env = {
        **os.environ,
        "RABBITMQ_URL": rabbitmq_url,
        "MONGODB_URL": mongodb_url,
        "AMQP_NAMESPACE": namespace,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "wagate_devstack.devrun"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not _all_ready():
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "services not ready within 120 s"
            time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=90)
        asyncio.run(janitor.clean())
    assert proc.returncode == 0, output[-3000:]
    assert "wagate is running" in output
    assert "CUSTOMER_TOKEN=" in output
    assert not any(port_open("127.0.0.1", p) for p in PORTS)
