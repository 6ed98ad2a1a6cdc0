"""SSRF guard for outbound HTTP to user-supplied URLs (customer webhooks).

Two layers, one rule:

- ``check_address(ip)`` is the rule (pure, no I/O): it raises ``UnsafeTarget`` unless the
  address is globally routable unicast. Loopback, private, shared (CGNAT), link-local,
  multicast, unspecified, documentation, benchmarking and reserved addresses are refused,
  and so is every IPv6 address that *embeds* such an IPv4 address (IPv4-mapped
  ``::ffff:a.b.c.d``, IPv4-translated ``::ffff:0:a.b.c.d``, IPv4-compatible ``::a.b.c.d``,
  NAT64 ``64:ff9b::/96`` and ``64:ff9b:1::/48``, 6to4 ``2002::/16``, Teredo ``2001::/32``).
  Of those forms only IPv4-mapped, well-known NAT64 and 6to4 can pass (when what they embed
  is public); the obsolete or local-use ones (compatible, translated, local-use NAT64,
  Teredo) are refused whatever they embed.
- ``GuardedTransport`` (an httpx transport) and its ``GuardedBackend`` (an httpcore network
  backend) apply the rule where the socket is opened: the host is resolved, *every* address
  it resolves to is checked, and the connection goes to one of those checked addresses
  (TLS still verifies the certificate against the host name). There is no window between
  check and connect for DNS rebinding, and redirects or pooled reconnects are guarded too.

``allow_private=True`` turns the guard off (development only: callers derive it from the
development mode, e.g. ``WEBHOOK_ALLOW_PRIVATE_TARGETS`` in webhook-svc).
"""

import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Final

import anyio
import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NetworkBackend = httpcore.AsyncNetworkBackend
"""Where the guarded backend opens the sockets it has checked (tests pass an in-memory one)."""
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""``await resolver(host, port)`` -> the host's addresses as strings (tests pass a stub)."""


class UnsafeTarget(ValueError):
    """The target is (or resolves to, or embeds) an address outbound calls may not reach."""


_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

# Explicit tables so the verdict does not depend on the Python patch release's idea of
# ``is_global`` (it changed in 3.11.10 / 3.12.4 / 3.13); Python's properties are checked too.
_V4_REFUSED: Final = (
    (_V4("0.0.0.0/8"), "unspecified ('this network')"),
    (_V4("10.0.0.0/8"), "private"),
    (_V4("100.64.0.0/10"), "shared (carrier-grade NAT)"),
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("169.254.0.0/16"), "link-local"),
    (_V4("172.16.0.0/12"), "private"),
    (_V4("192.0.0.0/24"), "IETF protocol assignment"),
    (_V4("192.0.2.0/24"), "documentation"),
    (_V4("192.88.99.0/24"), "6to4 relay anycast"),
    (_V4("192.168.0.0/16"), "private"),
    (_V4("198.18.0.0/15"), "benchmarking"),
    (_V4("198.51.100.0/24"), "documentation"),
    (_V4("203.0.113.0/24"), "documentation"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("240.0.0.0/4"), "reserved"),
)
_V6_REFUSED: Final = (
    (_V6("::/128"), "unspecified"),
    (_V6("::1/128"), "loopback"),
    (_V6("::/8"), "reserved"),
    (_V6("100::/64"), "discard-only"),
    (_V6("2001::/23"), "IETF protocol assignment"),
    (_V6("2001:db8::/32"), "documentation"),
    (_V6("3fff::/20"), "documentation"),
    (_V6("5f00::/16"), "SRv6 segment identifier"),
    (_V6("fc00::/7"), "unique local (private)"),
    (_V6("fe80::/10"), "link-local"),
    (_V6("fec0::/10"), "site-local"),
    (_V6("ff00::/8"), "multicast"),
)

_MAPPED: Final = _V6("::ffff:0:0/96")
_TRANSLATED: Final = _V6("::ffff:0:0:0/96")
_COMPATIBLE: Final = _V6("::/96")
_NAT64: Final = _V6("64:ff9b::/96")
_NAT64_LOCAL: Final = _V6("64:ff9b:1::/48")
_SIXTOFOUR: Final = _V6("2002::/16")
_TEREDO: Final = _V6("2001::/32")
_LOW32: Final = 0xFFFFFFFF


def parse_address(address: str | IPAddress) -> IPAddress:
    """An IP address from text (``[v6]`` brackets, ``%zone`` allowed); UnsafeTarget if not one."""
    if isinstance(address, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return address
    text = address.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        return ipaddress.ip_address(text)
    except ValueError as exc:
        raise UnsafeTarget(f"{address!r} is not an IP address") from exc


def check_address(address: str | IPAddress) -> None:
    """Return if ``address`` is a public unicast address; raise ``UnsafeTarget`` otherwise."""
    ip = parse_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            raise UnsafeTarget(f"{ip} carries a zone index (a link-local scope)")
        embedding = _embedded_ipv4(ip)
        if embedding is not None:
            form, embedded, passable = embedding
            for v4 in embedded:
                problem = _problem(v4)
                if problem is not None:
                    raise UnsafeTarget(
                        f"{ip} ({form}) embeds {v4}, not a public address ({problem})"
                    )
            if not passable:
                raise UnsafeTarget(f"{ip} uses the {form} form, which is not globally routable")
            # mapped, NAT64 and 6to4 reach the embedded IPv4 address (through a translator or
            # relay): it is the destination that counts. Python's own verdict on these prefixes
            # (is_reserved, is_private) varies between releases, so it is not asked.
            return
    problem = _problem(ip)
    if problem is not None:
        raise UnsafeTarget(f"{ip} is not a public address ({problem})")


def _embedded_ipv4(
    ip: ipaddress.IPv6Address,
) -> tuple[str, list[ipaddress.IPv4Address], bool] | None:
    """(form, the IPv4 addresses it embeds, whether the form may pass at all), or None."""
    low = ipaddress.IPv4Address(int(ip) & _LOW32)
    if ip in _MAPPED:
        return "IPv4-mapped", [low], True
    if ip in _TRANSLATED:
        return "IPv4-translated", [low], False
    if ip in _COMPATIBLE and int(ip) > 1:  # not :: nor ::1 (the tables name those)
        return "IPv4-compatible", [low], False
    if ip in _NAT64:
        return "NAT64", [low], True
    if ip in _NAT64_LOCAL:  # the operator picks where the IPv4 sits: check the /96 spot
        return "local-use NAT64", [low], False
    if ip in _SIXTOFOUR and ip.sixtofour is not None:
        return "6to4", [ip.sixtofour], True
    if ip in _TEREDO and ip.teredo is not None:
        server, client = ip.teredo
        return "Teredo", [server, client], False
    return None


def _problem(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public unicast address, or None when it is one."""
    table = _V4_REFUSED if isinstance(ip, ipaddress.IPv4Address) else _V6_REFUSED
    for network, label in table:
        if ip in network:
            return label
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private or not ip.is_global:
        return "private or special-purpose"
    return None


async def system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses from the operating system's resolver (getaddrinfo)."""
    infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def resolve_checked(
    host: str, port: int, resolver: Resolver | None = None
) -> list[IPAddress]:
    """Every address of ``host`` (an IP literal or a name), each one checked, in order.

    Raises ``UnsafeTarget`` when any address is unsafe (one bad answer refuses them all),
    and ``OSError`` when the name does not resolve.
    """
    try:
        literal: IPAddress | None = parse_address(host)
    except UnsafeTarget:
        literal = None
    if literal is not None:
        check_address(literal)
        return [literal]
    answers = await (resolver or system_resolver)(host, port)
    addresses = list(dict.fromkeys(parse_address(a) for a in answers))
    if not addresses:
        raise OSError(f"{host!r} resolved to no address")
    for ip in addresses:
        try:
            check_address(ip)
        except UnsafeTarget as exc:
            raise UnsafeTarget(f"{host!r} resolves to an unsafe address: {exc}") from None
    return addresses


def target_of(url: str) -> tuple[str, int]:
    """(host, port) of an absolute http(s) URL, parsed as httpx will; UnsafeTarget if not one."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise UnsafeTarget("the URL must be an absolute http(s) URL") from exc
    host = parsed.raw_host.decode("ascii")
    if parsed.scheme not in ("http", "https") or not host:
        raise UnsafeTarget("the URL must be an absolute http(s) URL")
    return host, parsed.port or (443 if parsed.scheme == "https" else 80)


async def check_url(
    url: str, *, allow_private: bool = False, resolver: Resolver | None = None
) -> None:
    """Refuse (``UnsafeTarget``) a URL that is not http(s), does not resolve, or resolves to
    any unsafe address. Meant for validating a URL when it is configured; the transport
    checks again when it connects."""
    host, port = target_of(url)
    if allow_private:
        return
    try:
        await resolve_checked(host, port, resolver)
    except (OSError, UnicodeError) as exc:
        raise UnsafeTarget(f"the host {host!r} cannot be resolved") from exc


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that only opens TCP connections to checked addresses."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        resolver: Resolver | None = None,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._allow_private = allow_private
        self._resolver = resolver
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if self._allow_private:
            return await self._inner.connect_tcp(
                host, port, timeout, local_address=local_address, socket_options=socket_options
            )
        try:
            with anyio.fail_after(timeout):
                addresses = await resolve_checked(host, port, self._resolver)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host!r} timed out") from exc
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"{host!r} cannot be resolved: {exc}") from exc
        failure: Exception | None = None
        for ip in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(ip),
                    port,
                    timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise UnsafeTarget("Unix sockets are not an outbound target")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` whose connections go through ``GuardedBackend``.

    No proxy and no environment (a proxy would connect on our behalf, unchecked). A refused
    target raises ``UnsafeTarget`` from the request (not an ``httpx.HTTPError``: it is final,
    not a network failure to retry); a name that does not resolve is ``httpx.ConnectError``.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        resolver: Resolver | None = None,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits | None = None,
        retries: int = 0,
    ) -> None:
        limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        ssl_context = httpx.create_ssl_context(verify=verify, trust_env=False)
        super().__init__(verify=ssl_context, trust_env=False, limits=limits, retries=retries)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            retries=retries,
            network_backend=GuardedBackend(
                allow_private=allow_private, resolver=resolver, inner=network_backend
            ),
        )


def guarded_client(
    *,
    allow_private: bool = False,
    timeout_s: float = 5.0,
    resolver: Resolver | None = None,
    network_backend: httpcore.AsyncNetworkBackend | None = None,
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` for user-supplied URLs: guarded, no redirects, no env proxies."""
    return httpx.AsyncClient(
        transport=GuardedTransport(
            allow_private=allow_private, resolver=resolver, network_backend=network_backend
        ),
        timeout=httpx.Timeout(timeout_s),
        follow_redirects=False,
        trust_env=False,
    )
