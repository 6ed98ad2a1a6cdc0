"""The sandbox's in-memory state: sessions, sent messages, injected failures, run-time knobs.

An emulator keeps its state in memory; one process is one WhatsApp "server".
"""

import random
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from provider_sandbox.errors import session_not_found
from provider_sandbox.failures import FailureKind, FailureRule
from provider_sandbox.ids import now_ms
from provider_sandbox.settings import SandboxSettings
from provider_sandbox.waha_models import SessionConfig

_HISTORY = 20


class SessionStatus(StrEnum):
    STOPPED = "STOPPED"
    STARTING = "STARTING"
    SCAN_QR_CODE = "SCAN_QR_CODE"
    WORKING = "WORKING"
    FAILED = "FAILED"


class Ack(IntEnum):
    ERROR = -1
    PENDING = 0
    SERVER = 1
    DEVICE = 2
    READ = 3
    PLAYED = 4


@dataclass
class Me:
    id: str
    pushName: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "pushName": self.pushName}


@dataclass
class SentMessage:
    id: str
    session: str
    chat_id: str
    endpoint: str
    request: dict[str, Any]
    message: dict[str, Any]
    timestamp: int
    ack: int = Ack.PENDING
    acks: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "session": self.session,
            "chatId": self.chat_id,
            "endpoint": self.endpoint,
            "timestamp": self.timestamp,
            "ack": self.ack,
            "ackName": Ack(self.ack).name,
            "acks": list(self.acks),
            "request": self.request,
        }


@dataclass
class SessionState:
    name: str
    config: SessionConfig
    status: SessionStatus = SessionStatus.STOPPED
    me: Me | None = None
    qr_value: str | None = None
    statuses: list[dict[str, Any]] = field(default_factory=list)
    failure: FailureRule | None = None
    sent: list[SentMessage] = field(default_factory=list)

    def record_status(self, status: SessionStatus) -> None:
        self.status = status
        self.statuses.append({"status": status.value, "timestamp": now_ms()})
        del self.statuses[:-_HISTORY]


@dataclass
class RuntimeConfig:
    """Knobs ``PUT /control/config`` changes; start from the settings."""

    latency_ms: int
    failure_rate: float
    random_failure_kind: FailureKind
    auto_ack: bool
    ack_delays_ms: tuple[int, int, int]

    @classmethod
    def from_settings(cls, settings: SandboxSettings) -> "RuntimeConfig":
        server, device, read = settings.ack_delays_ms
        return cls(
            latency_ms=settings.latency_ms,
            failure_rate=settings.failure_rate,
            random_failure_kind=FailureKind.SERVER_ERROR,
            auto_ack=settings.auto_ack,
            ack_delays_ms=(server, device, read),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "latency_ms": self.latency_ms,
            "failure_rate": self.failure_rate,
            "random_failure_kind": self.random_failure_kind.value,
            "auto_ack": self.auto_ack,
            "ack_delays_ms": list(self.ack_delays_ms),
        }


class SandboxStore:
    """All mutable state; ``reset()`` brings it back to how the process started."""

    def __init__(self, settings: SandboxSettings) -> None:
        self._settings = settings
        self.sessions: dict[str, SessionState] = {}
        self.failing_numbers: set[str] = set()
        self.messages: dict[str, SentMessage] = {}
        self.config = RuntimeConfig.from_settings(settings)
        self.rng = random.Random(settings.random_seed)
        self._phones = 0
        self.reset()

    def reset(self) -> None:
        self.sessions.clear()
        self.failing_numbers.clear()
        self.messages.clear()
        self.config = RuntimeConfig.from_settings(self._settings)
        self.rng = random.Random(self._settings.random_seed)
        self._phones = 0

    def get(self, name: str) -> SessionState:
        session = self.sessions.get(name)
        if session is None:
            raise session_not_found(name)
        return session

    def list_sessions(self, include_stopped: bool) -> list[SessionState]:
        return [
            session
            for session in self.sessions.values()
            if include_stopped or session.status is not SessionStatus.STOPPED
        ]

    def next_phone(self) -> str:
        """A made-up Indonesian mobile number, unique within this store."""
        self._phones += 1
        return f"62811{self._phones:08d}"

    def record_sent(self, message: SentMessage) -> None:
        self.sessions[message.session].sent.append(message)
        self.messages[message.id] = message

    def forget_session(self, name: str) -> None:
        session = self.sessions.pop(name, None)
        if session is not None:
            for message in session.sent:
                self.messages.pop(message.id, None)

    def roll_random_failure(self) -> bool:
        """Whether this send fails at random; draws from the seeded RNG only when enabled."""
        rate = self.config.failure_rate
        return rate > 0 and self.rng.random() < rate
