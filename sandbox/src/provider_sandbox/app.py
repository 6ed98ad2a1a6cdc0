"""Composition root: ``create_app()`` builds a fresh sandbox; nothing happens at import."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from provider_sandbox import api_control, api_health, api_messages, api_sessions
from provider_sandbox.errors import install_error_handlers
from provider_sandbox.runtime import Sandbox
from provider_sandbox.settings import SandboxSettings
from provider_sandbox.version import __version__

DESCRIPTION = (
    "A WAHA-compatible WhatsApp HTTP API emulator for development and tests: sessions, "
    "send endpoints, signed webhooks, and a `/control` API to simulate QR scans, "
    "disconnects, inbound messages, latency and failures."
)


def create_app(settings: SandboxSettings | None = None) -> FastAPI:
    """A new sandbox app with its own in-memory state.

    ``app.state.sandbox`` is the ``Sandbox``; when the app is not run through its lifespan
    (``httpx.ASGITransport``), close it with ``await app.state.sandbox.aclose()``.
    """
    sandbox = Sandbox(settings or SandboxSettings())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await sandbox.aclose()

    app = FastAPI(
        title="wagate provider sandbox",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.sandbox = sandbox
    install_error_handlers(app)
    app.include_router(api_health.router)
    app.include_router(api_sessions.router)
    app.include_router(api_messages.router)
    app.include_router(api_control.router)
    return app
