"""Running a service app under uvicorn (the ``python -m <service>`` entry points)."""

from collections.abc import Callable
from typing import TypeVar

import uvicorn
from fastapi import FastAPI

from wagate_platform.logging import configure_logging
from wagate_platform.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


def serve(settings: S, create_app: Callable[[S], FastAPI]) -> None:
    configure_logging(settings.service_name, settings.log_level, settings.log_format)
    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=15,
    )
