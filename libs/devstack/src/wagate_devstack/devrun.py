"""``make run``: the whole platform locally, without Docker, in the foreground.

Finds (or starts) RabbitMQ, uses ``MONGODB_URL`` or starts the embedded
SecantusDB with its data under ``./.data/``, then runs the five services and the
provider sandbox as child processes with colored, prefixed logs. Ctrl-C stops
everything cleanly.
"""

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import httpx
from wagate_platform.auth import issue_jwt
from wagate_platform.settings import DEV_JWT_SECRET, DEV_SHARED_SECRET

from wagate_devstack.infra import InfrastructureUnavailable, port_open, secantus, wait_until

SERVICES = [
    ("session-svc", "session_svc", 8001, "36"),
    ("billing-svc", "billing_svc", 8002, "35"),
    ("sender-svc", "sender_svc", 8003, "32"),
    ("webhook-svc", "webhook_svc", 8004, "33"),
    ("stats-svc", "stats_svc", 8005, "34"),
    ("sandbox", "provider_sandbox", 8090, "37"),
]
DATA_DIR = Path(".data")


def ensure_rabbitmq(url: str) -> None:
    parsed = urlparse(url)
    host, port = parsed.hostname or "localhost", parsed.port or 5672
    if port_open(host, port):
        return
    if host in ("localhost", "127.0.0.1") and shutil.which("rabbitmq-server"):
        print("RabbitMQ is not running: starting it (rabbitmq-server -detached)")
        subprocess.run(["rabbitmq-server", "-detached"], check=False)
        wait_until(lambda: port_open(host, port), 60, "RabbitMQ")
        return
    raise InfrastructureUnavailable(
        f"RabbitMQ is not reachable at {host}:{port}: install and start it "
        "(apt-get install rabbitmq-server && rabbitmq-server -detached) or set RABBITMQ_URL"
    )


def child_env(rabbitmq_url: str, mongodb_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("ENVIRONMENT", "development")
    env.setdefault("LOG_FORMAT", "console")
    env.setdefault("AUTH_JWT_SECRET", DEV_JWT_SECRET)
    env.setdefault("PROVIDER", "sandbox")
    env.setdefault("PROVIDER_URL", "http://127.0.0.1:8090")
    env.setdefault("PUBLIC_WEBHOOK_BASE_URL", "http://127.0.0.1:8004")
    env.setdefault("PROVIDER_WEBHOOK_HMAC_KEY", DEV_SHARED_SECRET)
    env.setdefault("SANDBOX_WEBHOOK_HMAC_KEY", env["PROVIDER_WEBHOOK_HMAC_KEY"])
    env.setdefault("SANDBOX_AUTO_CONNECT", "false")
    env.setdefault("WEBHOOK_ALLOW_PRIVATE_TARGETS", "true")
    env.update(RABBITMQ_URL=rabbitmq_url, MONGODB_URL=mongodb_url, PYTHONUNBUFFERED="1")
    return env


async def pump(name: str, color: str, stream: asyncio.StreamReader) -> None:
    prefix = f"\033[{color}m{name:>12}\033[0m | " if sys.stdout.isatty() else f"{name:>12} | "
    while line := await stream.readline():
        sys.stdout.write(prefix + line.decode(errors="replace"))
        sys.stdout.flush()


async def wait_ready(port: int, path: str, deadline_s: float = 90) -> bool:
    async with httpx.AsyncClient(timeout=2) as client:
        loop = asyncio.get_running_loop()
        end = loop.time() + deadline_s
        while loop.time() < end:
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"http://127.0.0.1:{port}{path}")).status_code == 200:
                    return True
            await asyncio.sleep(0.5)
    return False


def banner(rabbitmq_url: str, mongodb_url: str, secret: str) -> str:
    admin = issue_jwt("admin", "admin", secret, ttl_s=7 * 24 * 3600)
    customer = issue_jwt("demo-customer", "customer", secret, ttl_s=7 * 24 * 3600)
    host = urlparse(rabbitmq_url).hostname or "localhost"
    lines = ["", "wagate is running:"]
    lines += [f"  {name:<12} http://127.0.0.1:{port}/docs" for name, _, port, _ in SERVICES]
    lines += [
        f"  RabbitMQ     {rabbitmq_url.split('@')[-1]}  (management UI: http://{host}:15672, "
        "enable with `rabbitmq-plugins enable rabbitmq_management`)",
        f"  MongoDB      {mongodb_url}",
        "",
        f"  export ADMIN_TOKEN={admin}",
        f"  export CUSTOMER_TOKEN={customer}",
        "",
        "Ctrl-C stops everything.",
        "",
    ]
    return "\n".join(lines)


async def run_platform(rabbitmq_url: str, mongodb_url: str) -> int:
    env = child_env(rabbitmq_url, mongodb_url)
    procs: list[asyncio.subprocess.Process] = []
    pumps: list[asyncio.Task[None]] = []
    for name, module, _, color in SERVICES:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        assert proc.stdout is not None
        procs.append(proc)
        pumps.append(asyncio.create_task(pump(name, color, proc.stdout)))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    checks = [
        wait_ready(port, "/readyz" if port != 8090 else "/healthz") for *_, port, _ in SERVICES
    ]
    ready = await asyncio.gather(*checks)
    if all(ready):
        print(banner(rabbitmq_url, mongodb_url, env["AUTH_JWT_SECRET"]), flush=True)
    else:
        failed = [s[0] for s, ok in zip(SERVICES, ready, strict=True) if not ok]
        print(f"not ready after 90s: {', '.join(failed)} (see the logs above)", flush=True)
    exited = [asyncio.create_task(p.wait()) for p in procs]
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait([stopper, *exited], return_when=asyncio.FIRST_COMPLETED)
    print("\nstopping wagate...", flush=True)
    for proc in procs:
        if proc.returncode is None:
            proc.terminate()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(30):
            await asyncio.gather(*exited)
    for proc in procs:
        if proc.returncode is None:
            proc.kill()
    await asyncio.gather(*pumps, return_exceptions=True)
    stopper.cancel()
    return 0 if stop.is_set() else 1


def main() -> int:
    rabbitmq_url = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@localhost:5672/")
    try:
        ensure_rabbitmq(rabbitmq_url)
    except InfrastructureUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    mongodb_url = os.environ.get("MONGODB_URL")
    if mongodb_url:
        return asyncio.run(run_platform(rabbitmq_url, mongodb_url))
    storage = DATA_DIR / "secantus"
    storage.mkdir(parents=True, exist_ok=True)
    port = 27017 if not port_open("127.0.0.1", 27017) else 27018
    print(f"starting the embedded MongoDB-compatible server (SecantusDB) on :{port} ({storage})")
    with secantus(str(storage), port) as url:
        return asyncio.run(run_platform(rabbitmq_url, url))


if __name__ == "__main__":
    sys.exit(main())
