"""A minimal HTTP/1.1 keep-alive client for the load generator.

httpx costs a few milliseconds of CPU per request; on 2 cores the load generator then
bounded the FastAPI floor (the bench process sat at 100% of a core) and took CPU from
the services under test. This client does only what the load needs: one request at a
time per pooled connection, ``Content-Length`` or chunked bodies, loopback targets only.
It is not a general HTTP client (no redirects, no TLS, no proxies).
"""

import asyncio
import ipaddress
import json as jsonlib
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlparse


def ensure_loopback(url: str) -> str:
    """``url`` unchanged if its host is a loopback address; ValueError otherwise."""
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return url
    try:
        if ipaddress.ip_address(host).is_loopback:
            return url
    except ValueError:
        pass
    raise ValueError(f"the load generator only targets loopback addresses, not {host!r}")


class HttpError(Exception):
    """The connection failed or the answer was not HTTP/1.1 as expected."""


class Response:
    __slots__ = ("content", "headers", "status_code")

    def __init__(self, status_code: int, headers: dict[str, str], content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode(errors="replace")

    def json(self) -> Any:
        return jsonlib.loads(self.content)


_Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class LoopbackClient:
    """``async with LoopbackClient(base_url, max_connections) as c: await c.post(...)``."""

    def __init__(self, base_url: str, max_connections: int, timeout_s: float = 30.0) -> None:
        parsed = urlparse(ensure_loopback(base_url))
        self._host = parsed.hostname or "127.0.0.1"
        self._port = parsed.port or 80
        self._host_header = f"{self._host}:{self._port}".encode()
        self._timeout_s = timeout_s
        self._idle: list[_Connection] = []
        self._slots = asyncio.Semaphore(max_connections)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        idle, self._idle = self._idle, []
        for _, writer in idle:
            writer.close()

    async def post(
        self,
        path: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        body = content if content is not None else b""
        extra = dict(headers or {})
        if json is not None:
            body = jsonlib.dumps(json, separators=(",", ":")).encode()
            extra.setdefault("Content-Type", "application/json")
        return await self.request("POST", path, body, extra)

    async def get(self, path: str, *, headers: Mapping[str, str] | None = None) -> Response:
        return await self.request("GET", path, b"", dict(headers or {}))

    async def request(
        self, method: str, path: str, body: bytes, headers: Mapping[str, str]
    ) -> Response:
        async with self._slots:
            connection = await self._connection()
            try:
                async with asyncio.timeout(self._timeout_s):
                    response, keep = await self._exchange(connection, method, path, body, headers)
            except BaseException:
                connection[1].close()
                raise
            if keep:
                self._idle.append(connection)
            else:
                connection[1].close()
            return response

    async def _connection(self) -> _Connection:
        while self._idle:
            reader, writer = self._idle.pop()
            if not reader.at_eof() and not writer.is_closing():
                return reader, writer
            writer.close()  # the server closed it while idle (keep-alive timeout)
        try:
            return await asyncio.open_connection(self._host, self._port)
        except OSError as exc:
            raise HttpError(f"connect: {exc}") from exc

    async def _exchange(
        self,
        connection: _Connection,
        method: str,
        path: str,
        body: bytes,
        headers: Mapping[str, str],
    ) -> tuple[Response, bool]:
        reader, writer = connection
        head = [f"{method} {path} HTTP/1.1".encode(), b"Host: " + self._host_header]
        head += [f"{k}: {v}".encode() for k, v in headers.items()]
        head.append(f"Content-Length: {len(body)}".encode())
        writer.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        try:
            raw = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError) as exc:
            raise HttpError(f"no answer: {type(exc).__name__}") from exc
        lines = raw.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
            raise HttpError(f"not an HTTP/1.x status line: {lines[0][:80]!r}")
        status = int(parts[1])
        found: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                found[name.strip().lower()] = value.strip()
        try:
            if found.get("transfer-encoding", "").lower() == "chunked":
                content = await _read_chunked(reader)
            else:
                content = await reader.readexactly(int(found.get("content-length", "0")))
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError) as exc:
            raise HttpError(f"body cut short: {type(exc).__name__}") from exc
        keep = found.get("connection", "").lower() != "close"
        return Response(status, found, content), keep


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        if size == 0:
            await reader.readuntil(b"\r\n")  # no trailers expected
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)
