"""The platform under test: the services and the provider sandbox as child processes.

Each scenario gets its own platform: free ports, a bench-only ``AMQP_NAMESPACE``
and fresh databases, so scenarios never see each other's backlog; everything it
declared is removed when it stops.
"""

import asyncio
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from wagate_platform.auth import issue_jwt
from wagate_testing.cleanup import Janitor
from wagate_testing.infra import free_port

from bench.harness import metrics
from bench.harness.infra import SERVICE_MODULES, Infra, track_service
from bench.harness.procs import Child, base_env

SANDBOX = "sandbox"
ALL_SERVICES = ("session-svc", "billing-svc", "sender-svc", "webhook-svc", "stats-svc")

# Settings a benchmark needs that differ from the defaults (documented in bench/README.md).
SERVICE_OVERRIDES: dict[str, dict[str, str]] = {
    # pacing protects real numbers from bans; against the sandbox it would only measure sleep
    "sender-svc": {"PACING_INTERVAL_MS": "0", "PACING_JITTER_RATIO": "0"},
    "session-svc": {"SESSION_CREATE_RATE_LIMIT": "1000"},
    "webhook-svc": {"WEBHOOK_ALLOW_PRIVATE_TARGETS": "true"},
}


class Platform:
    def __init__(
        self,
        infra: Infra,
        purpose: str,
        services: Sequence[str],
        *,
        log_dir: Path,
        sandbox: bool = True,
        sandbox_latency_ms: int = 20,
        overrides: dict[str, dict[str, str]] | None = None,
    ) -> None:
        unknown = set(services) - set(ALL_SERVICES)
        if unknown:
            raise ValueError(f"unknown services: {sorted(unknown)}")
        self.infra = infra
        self.namespace = infra.namespace(purpose)
        self.jwt_secret = secrets.token_hex(24)
        self.hmac_key = secrets.token_hex(24)
        self.ports = {name: free_port() for name in services}
        self.sandbox_port = free_port() if sandbox else None
        self.databases = {
            name: infra.database(f"{purpose}_{name.split('-')[0]}") for name in services
        }
        self.children: dict[str, Child] = {}
        common = base_env() | {
            "ENVIRONMENT": "development",
            "LOG_LEVEL": "WARNING",
            "LOG_FORMAT": "json",
            "RABBITMQ_URL": infra.rabbitmq_url,
            "MONGODB_URL": infra.mongodb_url,
            "AMQP_NAMESPACE": self.namespace,
            "AUTH_JWT_SECRET": self.jwt_secret,
            "PROVIDER": "sandbox",
            "PROVIDER_URL": f"http://127.0.0.1:{self.sandbox_port or 9}",
            "PUBLIC_WEBHOOK_BASE_URL": f"http://127.0.0.1:{self.ports.get('webhook-svc', 9)}",
            "PROVIDER_WEBHOOK_HMAC_KEY": self.hmac_key,
            "HTTP_HOST": "127.0.0.1",
        }
        for name in services:
            env = (
                common
                | SERVICE_OVERRIDES.get(name, {})
                | (overrides or {}).get(name, {})
                | {
                    "HTTP_PORT": str(self.ports[name]),
                    "MONGODB_DATABASE": self.databases[name],
                }
            )
            module, _ = SERVICE_MODULES[name]
            self.children[name] = Child(
                name, module, self.ports[name], env, log_dir / f"{purpose}-{name}.log"
            )
        if self.sandbox_port is not None:
            env = base_env() | {
                "SANDBOX_HOST": "127.0.0.1",
                "SANDBOX_PORT": str(self.sandbox_port),
                "SANDBOX_LATENCY_MS": str(sandbox_latency_ms),
                "SANDBOX_AUTO_CONNECT": "true",
                "SANDBOX_WEBHOOK_HMAC_KEY": self.hmac_key,
                "SANDBOX_LOG_LEVEL": "warning",
                "SANDBOX_LOG_FORMAT": "json",
            }
            self.children[SANDBOX] = Child(
                SANDBOX,
                "provider_sandbox",
                self.sandbox_port,
                env,
                log_dir / f"{purpose}-sandbox.log",
                ready_path="/healthz",
            )

    # ---------------------------------------------------------------- lifecycle
    async def start(self, timeout_s: float = 90.0) -> str | None:
        """Start every child; None when all are ready, else why not (the first failure)."""
        for child in self.children.values():
            child.start()
        reasons = await asyncio.gather(*(c.wait_ready(timeout_s) for c in self.children.values()))
        failed = [r for r in reasons if r]
        return "; ".join(failed) if failed else None

    async def stop(self) -> dict[str, str]:
        """Stop the children, then remove the queues, exchanges and databases."""
        await asyncio.gather(*(asyncio.to_thread(c.stop) for c in self.children.values()))
        janitor = Janitor(self.infra.rabbitmq_url, self.infra.mongodb_url)
        how: dict[str, str] = {}
        for name, child in self.children.items():
            if name == SANDBOX:
                continue
            values: dict[str, Any] = {
                "environment": "development",
                "rabbitmq_url": self.infra.rabbitmq_url,
                "mongodb_url": self.infra.mongodb_url,
                "amqp_namespace": self.namespace,
                "mongodb_database": self.databases[name],
                "http_port": child.port,
            }
            how[name] = await track_service(janitor, name, values)
        await janitor.clean()
        return how

    async def restart(self, name: str, env: dict[str, str] | None = None) -> None:
        """Stop one service and start a fresh process of it, on the same port and database,
        with ``env`` changed (a value of ``""`` removes the variable). Returns right after
        the spawn; ``wait_ready`` waits until it serves."""
        child = self.children[name]
        await asyncio.to_thread(child.stop)
        merged = {k: v for k, v in (dict(child.env) | (env or {})).items() if v != ""}
        child.env = merged
        child.log_path = child.log_path.with_name(child.log_path.stem + "-2.log")
        child.start()

    async def wait_ready(self, name: str, timeout_s: float = 90.0) -> str | None:
        return await self.children[name].wait_ready(timeout_s)

    # ---------------------------------------------------------------- access
    def url(self, name: str) -> str:
        return self.children[name].base_url

    @property
    def service_urls(self) -> dict[str, str]:
        return {n: c.base_url for n, c in self.children.items() if n != SANDBOX}

    def admin_token(self) -> str:
        return issue_jwt("bench-admin", "admin", self.jwt_secret, ttl_s=3600)

    def customer_token(self, user_id: str) -> str:
        return issue_jwt(user_id, "customer", self.jwt_secret, ttl_s=3600)

    def reset_peak_rss(self) -> None:
        for child in self.children.values():
            child.reset_peak_rss()

    def peak_rss_mb(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for name, child in self.children.items():
            value = child.peak_rss_mb()
            if value is not None:
                out[name] = value
        return out

    async def scrape(self) -> dict[str, metrics.Samples | None]:
        return await metrics.scrape(self.service_urls)
