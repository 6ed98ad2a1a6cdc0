"""Liveness endpoints (no API key)."""

from typing import Any

from fastapi import APIRouter

from provider_sandbox.deps import SandboxDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ping")
async def ping() -> dict[str, str]:
    return {"message": "pong"}


@router.get("/api/server/version")
async def version(sandbox: SandboxDep) -> dict[str, Any]:
    return sandbox.environment()
