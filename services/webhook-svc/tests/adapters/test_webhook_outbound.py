"""Unit: the customer webhook poster refuses unsafe targets before any connection.

No socket is opened: names resolve through a stub, and connections go to a backend that
fails the test if it is ever asked to connect."""

from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from wagate_platform.netguard import NetworkBackend
from webhook_svc.adapters.outbound import WebhookPoster


class Nowhere(NetworkBackend):
    """Records every connection asked for, and opens none."""

    def __init__(self) -> None:
        self.connects: list[tuple[str, int]] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> Any:
        self.connects.append((host, port))
        raise AssertionError(f"the poster tried to connect to {host}:{port}")


async def post(poster: WebhookPoster, url: str) -> Any:
    try:
        return await poster.post(url, "secret", b"{}", "dlv_1", "message.status")
    finally:
        await poster.aclose()


@pytest.mark.asyncio
async def test_delivery_to_a_private_target_is_refused_without_a_request() -> None:
    backend = Nowhere()
    outcome = await post(
        WebhookPoster(1, allow_private=False, network_backend=backend), "http://127.0.0.1:1/hook"
    )
    assert not outcome.ok
    assert not outcome.retryable
    assert outcome.error.startswith("refused")
    assert backend.connects == []


@pytest.mark.asyncio
async def test_a_name_with_one_private_address_is_refused_without_a_request() -> None:
    async def resolver(host: str, port: int) -> Sequence[str]:
        return ["93.184.216.34", "64:ff9b::a00:9"]  # the second embeds 10.0.0.9

    backend = Nowhere()
    poster = WebhookPoster(1, allow_private=False, resolver=resolver, network_backend=backend)
    outcome = await post(poster, "https://hooks.customer.test/in")
    assert not outcome.ok
    assert not outcome.retryable
    assert "10.0.0.9" in outcome.error
    assert backend.connects == []


@pytest.mark.asyncio
async def test_a_name_that_does_not_resolve_is_retried() -> None:
    async def resolver(host: str, port: int) -> Sequence[str]:
        raise OSError("Temporary failure in name resolution")

    backend = Nowhere()
    poster = WebhookPoster(1, allow_private=False, resolver=resolver, network_backend=backend)
    outcome = await post(poster, "https://hooks.customer.test/in")
    assert not outcome.ok
    assert outcome.retryable
    assert backend.connects == []


@pytest.mark.asyncio
async def test_a_url_that_is_not_http_is_refused() -> None:
    backend = Nowhere()
    outcome = await post(
        WebhookPoster(1, allow_private=True, network_backend=backend), "ftp://127.0.0.1/hook"
    )
    assert not outcome.ok
    assert not outcome.retryable
    assert backend.connects == []
