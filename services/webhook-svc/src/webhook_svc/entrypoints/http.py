"""webhook-svc's REST entry point: its routers and how its domain errors are answered."""

from fastapi import APIRouter
from wagate_platform.domain_errors import DomainError

from webhook_svc.domain.errors import InvalidPayload
from webhook_svc.entrypoints.http_callbacks import callbacks_router
from webhook_svc.entrypoints.http_customer import customer_router
from webhook_svc.service.container import Container

ERROR_STATUSES: dict[type[DomainError], int] = {InvalidPayload: 400}
"""A callback not in its provider's shape is a 400 (the other kinds keep their usual
status: unsafe URL 422, not found 404, broker or dedup store unavailable 503)."""


def build_routers(container: Container) -> list[APIRouter]:
    return [callbacks_router(container), customer_router(container)]
