"""The SSRF guard: which addresses are refused, and that the transport connects only to
addresses it checked. Nothing here opens a socket: resolution is a stub and connections go
to an in-memory httpcore backend that records where it was asked to connect."""

import ipaddress
import re
import ssl
from collections.abc import Iterable, Sequence
from typing import Any

import anyio
import httpcore
import httpx
import pytest
from wagate_platform.netguard import (
    GuardedTransport,
    UnsafeTarget,
    check_address,
    check_url,
    guarded_client,
    resolve_checked,
)


def teredo(server: str, client: str) -> str:
    """A Teredo address (RFC 4380): 2001:0:<server>:<flags>:<port>:<client XOR 1s>."""
    value = (
        (0x2001_0000 << 96)
        | (int(ipaddress.IPv4Address(server)) << 64)
        | (0x8000 << 48)
        | (0x63BF << 32)
        | (~int(ipaddress.IPv4Address(client)) & 0xFFFF_FFFF)
    )
    return str(ipaddress.IPv6Address(value))


REFUSED = [
    # --- plain IPv4
    pytest.param("127.0.0.1", id="v4-loopback"),
    pytest.param("127.255.255.254", id="v4-loopback-range"),
    pytest.param("10.1.2.3", id="v4-private-10"),
    pytest.param("172.16.5.4", id="v4-private-172.16"),
    pytest.param("172.31.255.255", id="v4-private-172.31"),
    pytest.param("192.168.1.1", id="v4-private-192.168"),
    pytest.param("100.64.0.1", id="v4-shared-cgnat"),
    pytest.param("169.254.169.254", id="v4-link-local-metadata"),
    pytest.param("0.0.0.0", id="v4-unspecified"),
    pytest.param("0.1.2.3", id="v4-this-network"),
    pytest.param("224.0.0.1", id="v4-multicast"),
    pytest.param("239.255.255.250", id="v4-multicast-ssdp"),
    pytest.param("240.0.0.1", id="v4-reserved"),
    pytest.param("255.255.255.255", id="v4-broadcast"),
    pytest.param("192.0.0.9", id="v4-ietf-assignment"),
    pytest.param("192.0.2.1", id="v4-documentation"),
    pytest.param("198.51.100.7", id="v4-documentation-2"),
    pytest.param("203.0.113.9", id="v4-documentation-3"),
    pytest.param("198.18.0.1", id="v4-benchmarking"),
    pytest.param("192.88.99.1", id="v4-6to4-relay"),
    # --- plain IPv6
    pytest.param("::", id="v6-unspecified"),
    pytest.param("::1", id="v6-loopback"),
    pytest.param("[::1]", id="v6-loopback-bracketed"),
    pytest.param("fe80::1", id="v6-link-local"),
    pytest.param("fe80::1%eth0", id="v6-link-local-zoned"),
    pytest.param("fc00::1", id="v6-unique-local"),
    pytest.param("fd12:3456:789a::1", id="v6-unique-local-fd"),
    pytest.param("fec0::1", id="v6-site-local"),
    pytest.param("ff02::1", id="v6-multicast-link"),
    pytest.param("ff0e::1", id="v6-multicast-global"),
    pytest.param("2001:db8::1", id="v6-documentation"),
    pytest.param("3fff::1", id="v6-documentation-3fff"),
    pytest.param("100::1", id="v6-discard"),
    pytest.param("5f00::1", id="v6-srv6-sid"),
    pytest.param("4000::1", id="v6-reserved"),
    # --- NAT64, well-known prefix 64:ff9b::/96 (RFC 6052)
    pytest.param("64:ff9b::7f00:1", id="nat64-loopback"),
    pytest.param("64:ff9b::10.0.0.1", id="nat64-private"),
    pytest.param("64:ff9b::a9fe:a9fe", id="nat64-link-local"),
    pytest.param("64:ff9b::", id="nat64-unspecified"),
    # --- NAT64, local-use prefix 64:ff9b:1::/48 (RFC 8215): refused whatever it embeds
    pytest.param("64:ff9b:1::a00:1", id="nat64-local-private"),
    pytest.param("64:ff9b:1::808:808", id="nat64-local-public"),
    # --- 6to4 2002::/16 (RFC 3056)
    pytest.param("2002:7f00:1::1", id="6to4-loopback"),
    pytest.param("2002:c0a8:101::1", id="6to4-private"),
    pytest.param("2002:a9fe:a9fe::1", id="6to4-link-local"),
    pytest.param("2002::1", id="6to4-unspecified"),
    # --- IPv4-mapped ::ffff:0:0/96
    pytest.param("::ffff:127.0.0.1", id="mapped-loopback"),
    pytest.param("::ffff:10.0.0.1", id="mapped-private"),
    pytest.param("::ffff:169.254.169.254", id="mapped-link-local"),
    pytest.param("::ffff:0.0.0.0", id="mapped-unspecified"),
    pytest.param("[::ffff:7f00:1]", id="mapped-loopback-hex"),
    # --- IPv4-translated ::ffff:0:0:0/96 (RFC 2765): refused whatever it embeds
    pytest.param("::ffff:0:7f00:1", id="translated-loopback"),
    pytest.param("::ffff:0:10.0.0.1", id="translated-private"),
    pytest.param("::ffff:0:808:808", id="translated-public"),
    # --- IPv4-compatible ::/96 (deprecated, RFC 4291): refused whatever it embeds
    pytest.param("::127.0.0.1", id="compatible-loopback"),
    pytest.param("::10.0.0.1", id="compatible-private"),
    pytest.param("::8.8.8.8", id="compatible-public"),
    # --- Teredo 2001::/32 (RFC 4380; client obfuscated): refused whatever it embeds
    pytest.param(teredo("65.54.227.120", "10.0.0.1"), id="teredo-private-client"),
    pytest.param(teredo("65.54.227.120", "127.0.0.1"), id="teredo-loopback-client"),
    pytest.param(teredo("10.0.0.1", "8.8.8.8"), id="teredo-private-server"),
    pytest.param(teredo("65.54.227.120", "8.8.8.8"), id="teredo-public"),
    # --- not an address at all
    pytest.param("not-an-ip", id="not-an-ip"),
    pytest.param("", id="empty"),
]

ALLOWED = [
    pytest.param("8.8.8.8", id="v4-google-dns"),
    pytest.param("1.1.1.1", id="v4-cloudflare-dns"),
    pytest.param("93.184.216.34", id="v4-public"),
    pytest.param("2606:4700::1111", id="v6-cloudflare-dns"),
    pytest.param("2001:4860:4860::8888", id="v6-google-dns"),
    pytest.param("::ffff:8.8.8.8", id="mapped-public"),
    pytest.param("64:ff9b::8.8.8.8", id="nat64-public"),
    pytest.param("2002:808:808::1", id="6to4-public"),
    pytest.param(ipaddress.ip_address("1.1.1.1"), id="v4-object"),
]


@pytest.mark.parametrize("address", REFUSED)
def test_unsafe_addresses_are_refused(address: str) -> None:
    with pytest.raises(UnsafeTarget):
        check_address(address)


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_pass(address: str) -> None:
    check_address(address)  # only checked: nothing connects to them


@pytest.mark.parametrize(
    ("address", "embedded"),
    [
        ("64:ff9b::a00:1", "10.0.0.1"),
        ("2002:c0a8:101::1", "192.168.1.1"),
        ("::ffff:0:7f00:1", "127.0.0.1"),
        (teredo("65.54.227.120", "10.0.0.1"), "10.0.0.1"),
    ],
)
def test_the_refusal_names_the_embedded_ipv4_address(address: str, embedded: str) -> None:
    with pytest.raises(UnsafeTarget, match=re.escape(f"embeds {embedded}")):
        check_address(address)


# ------------------------------------------------------------------------ resolution


@pytest.fixture(autouse=True)
def no_real_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Belt and braces: a real lookup or socket from this module fails the test loudly."""

    async def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a test tried the real network: {args!r}")

    monkeypatch.setattr(anyio, "getaddrinfo", refuse)
    monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", refuse)


class StubResolver:
    """Answers from a script (one answer per call, the last one repeated); records calls."""

    def __init__(self, *answers: Sequence[str]) -> None:
        self._answers = list(answers)
        self.calls: list[tuple[str, int]] = []

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        self.calls.append((host, port))
        return self._answers.pop(0) if len(self._answers) > 1 else self._answers[0]


class RecordingBackend(httpcore.AsyncNetworkBackend):
    """Connects nowhere: records (host, port) and serves a canned HTTP/1.1 200 answer.
    Addresses in ``failing`` raise ConnectError instead."""

    def __init__(self, failing: Iterable[str] = ()) -> None:
        self.connects: list[tuple[str, int]] = []
        self.tls_names: list[str | None] = []
        self._failing = set(failing)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        if host in self._failing:
            raise httpcore.ConnectError(f"{host} refused the connection")
        return _Stream(self)

    async def sleep(self, seconds: float) -> None:
        return None


class _Stream(httpcore.AsyncMockStream):
    def __init__(self, backend: RecordingBackend) -> None:
        super().__init__([b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"])
        self._backend = backend

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self._backend.tls_names.append(server_hostname)
        return self


@pytest.mark.asyncio
async def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    resolver = StubResolver(["10.0.0.7"])
    with pytest.raises(UnsafeTarget, match=re.escape("10.0.0.7")):
        await check_url("https://hooks.customer.test/in", resolver=resolver)
    assert resolver.calls == [("hooks.customer.test", 443)]


@pytest.mark.asyncio
async def test_one_private_answer_among_public_ones_refuses_the_name() -> None:
    resolver = StubResolver(["93.184.216.34", "2606:4700::1111", "::ffff:192.168.0.4"])
    with pytest.raises(UnsafeTarget, match=re.escape("192.168.0.4")):
        await resolve_checked("hooks.customer.test", 80, resolver)


@pytest.mark.asyncio
async def test_a_name_resolving_to_public_addresses_passes_every_one_checked() -> None:
    resolver = StubResolver(["93.184.216.34", "2606:4700::1111", "93.184.216.34"])
    found = await resolve_checked("hooks.customer.test", 8080, resolver)
    assert [str(ip) for ip in found] == ["93.184.216.34", "2606:4700::1111"]
    assert resolver.calls == [("hooks.customer.test", 8080)]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "url",
    ["ftp://hooks.customer.test/", "file:///etc/passwd", "/relative", "http://", "not a url"],
)
async def test_only_absolute_http_urls_are_accepted(url: str) -> None:
    with pytest.raises(UnsafeTarget, match="absolute http"):
        await check_url(url, resolver=StubResolver(["93.184.216.34"]))


@pytest.mark.asyncio
async def test_a_name_that_does_not_resolve_is_refused_at_configuration() -> None:
    async def nxdomain(host: str, port: int) -> Sequence[str]:
        raise OSError("Name or service not known")

    with pytest.raises(UnsafeTarget, match="cannot be resolved"):
        await check_url("http://nowhere.customer.test/", resolver=nxdomain)


@pytest.mark.asyncio
async def test_development_allows_private_targets_without_resolving() -> None:
    resolver = StubResolver(["127.0.0.1"])
    await check_url("http://localhost:8080/hook", allow_private=True, resolver=resolver)
    assert resolver.calls == []


# ------------------------------------------------------------------------ transport


@pytest.mark.asyncio
async def test_the_transport_connects_to_the_checked_address_and_keeps_the_host_name() -> None:
    backend = RecordingBackend()
    resolver = StubResolver(["2606:4700::1111", "93.184.216.34"])
    async with guarded_client(resolver=resolver, network_backend=backend) as client:
        response = await client.post("https://hooks.customer.test/in", content=b"{}")
    assert response.status_code == 200
    assert response.request.headers["host"] == "hooks.customer.test"
    assert backend.connects == [("2606:4700::1111", 443)]  # an address, never the name
    assert backend.tls_names == ["hooks.customer.test"]  # the certificate is checked by name


@pytest.mark.asyncio
async def test_the_transport_tries_the_next_checked_address_when_one_fails() -> None:
    backend = RecordingBackend(failing=["2606:4700::1111"])
    resolver = StubResolver(["2606:4700::1111", "93.184.216.34"])
    async with guarded_client(resolver=resolver, network_backend=backend) as client:
        response = await client.get("http://hooks.customer.test/")
    assert response.status_code == 200
    assert backend.connects == [("2606:4700::1111", 80), ("93.184.216.34", 80)]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",
        "http://169.254.169.254/latest/meta-data",
        "http://0.0.0.0:8004/",
    ],
)
async def test_the_transport_refuses_an_unsafe_literal_before_any_connection(url: str) -> None:
    backend = RecordingBackend()
    async with guarded_client(network_backend=backend) as client:
        with pytest.raises(UnsafeTarget):
            await client.get(url)
    assert backend.connects == []


@pytest.mark.asyncio
async def test_dns_rebinding_is_refused_at_connection_time() -> None:
    """The name was public when the URL was checked, and private when the socket opens."""
    backend = RecordingBackend()
    resolver = StubResolver(["93.184.216.34"], ["127.0.0.1"])
    await check_url("http://rebind.customer.test/hook", resolver=resolver)
    async with guarded_client(resolver=resolver, network_backend=backend) as client:
        with pytest.raises(UnsafeTarget, match=re.escape("127.0.0.1")):
            await client.post("http://rebind.customer.test/hook", content=b"{}")
    assert len(resolver.calls) == 2
    assert backend.connects == []


@pytest.mark.asyncio
async def test_a_name_that_does_not_resolve_is_a_connect_error_to_retry() -> None:
    async def nxdomain(host: str, port: int) -> Sequence[str]:
        raise OSError("Temporary failure in name resolution")

    backend = RecordingBackend()
    async with guarded_client(resolver=nxdomain, network_backend=backend) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get("http://flaky.customer.test/")
    assert backend.connects == []


@pytest.mark.asyncio
async def test_allow_private_connects_by_name_without_checking() -> None:
    backend = RecordingBackend()
    transport = GuardedTransport(allow_private=True, network_backend=backend)
    async with httpx.AsyncClient(transport=transport) as client:
        response = await client.get("http://localhost:8004/healthz")
    assert response.status_code == 200
    assert backend.connects == [("localhost", 8004)]
