"""Running service apps inside tests: in-process over ASGI, or served on a real port."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
import uvicorn
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from wagate_platform.runtime import ServiceRuntime

from wagate_testing.cleanup import Janitor
from wagate_testing.infra import free_port


def runtime_of(app: FastAPI) -> ServiceRuntime:
    runtime: ServiceRuntime = app.state.runtime
    return runtime


@contextlib.asynccontextmanager
async def app_client(
    app: FastAPI, janitor: Janitor | None = None, base_url: str = "http://testserver"
) -> AsyncIterator[httpx.AsyncClient]:
    """Start the app's lifespan (broker, MongoDB, subscribers) and yield a client to it."""
    if janitor is not None and hasattr(app.state, "runtime"):
        janitor.track_runtime(runtime_of(app))
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client


@contextlib.asynccontextmanager
async def served(app: FastAPI, port: int | None = None) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1 and yield its base URL."""
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(60):
            while not server.started:
                if task.done():
                    task.result()
                    raise RuntimeError("server stopped during start-up")
                await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
