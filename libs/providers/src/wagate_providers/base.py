"""What every provider adapter offers, and how its errors are classified.

The sender decides what to do with a failure by its ``kind``:
- ``transient``: timeouts, connection errors, 5xx; retry on the same or the next session;
- ``session``: the session cannot send for now (WhatsApp 463 reach-out timelock,
  Meta 130429 throughput, 131056 pair rate, logged out, rate limited); cool the
  session down or mark it, and fall back to another session;
- ``permanent``: the message itself is bad (invalid recipient, 4xx bad request);
  fail it at once.
"""

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from wagate_contracts.message_content import MessageContent

ErrorKind = Literal["transient", "session", "permanent"]
ProviderSessionStatus = Literal[
    "created", "starting", "scan_qr", "connected", "disconnected", "failed", "logged_out"
]


class ProviderError(Exception):
    """A classified provider failure; never carries credentials."""

    def __init__(
        self,
        kind: ErrorKind,
        code: str,
        message: str,
        *,
        http_status: int | None = None,
        retry_after_s: float | None = None,
        logged_out: bool = False,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.kind = kind
        self.code = code
        self.message = message
        self.http_status = http_status
        self.retry_after_s = retry_after_s
        self.logged_out = logged_out


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderSession:
    name: str
    status: ProviderSessionStatus
    raw_status: str
    phone_number: str | None = None


@dataclass(frozen=True)
class QrCode:
    value: str
    """The raw QR payload (what the phone scans)."""
    png: bytes | None = None


class MessageSender(Protocol):
    """Sends one message on one provider session."""

    async def send(self, session: str, to: str, content: MessageContent) -> SendResult: ...


class SessionManager(Protocol):
    """Manages a provider's sessions (numbers): lifecycle and pairing."""

    async def create(self, session: str, webhook_url: str, hmac_key: str) -> ProviderSession: ...

    async def start(self, session: str) -> ProviderSession: ...

    async def stop(self, session: str) -> ProviderSession: ...

    async def logout(self, session: str) -> ProviderSession: ...

    async def delete(self, session: str) -> None: ...

    async def status(self, session: str) -> ProviderSession: ...

    async def qr(self, session: str) -> QrCode: ...
