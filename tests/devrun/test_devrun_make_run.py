"""Smoke: `make run`'s launcher brings up all six processes and stops them on Ctrl-C."""

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest
from wagate_testing.infra import port_open

PORTS = {8001: "/readyz", 8002: "/readyz", 8003: "/readyz", 8004: "/readyz", 8005: "/readyz"}
SANDBOX = (8090, "/healthz")


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
    env = {
        **os.environ,
        "RABBITMQ_URL": rabbitmq_url,
        "MONGODB_URL": mongodb_url,
        # a fixed namespace keeps the production queue names of a developer's broker untouched
        "AMQP_NAMESPACE": "devrun-test.",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "wagate_testing.devrun"],
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
    assert proc.returncode == 0, output[-3000:]
    assert "wagate is running" in output
    assert "CUSTOMER_TOKEN=" in output
    assert not any(port_open("127.0.0.1", p) for p in PORTS)
