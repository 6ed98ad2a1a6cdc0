"""Who owns a provider session or a sent message, answered from memory.

The ingest path must not spend MongoDB round trips on lookups, so every replica
keeps the session and sent-message projections (and per-user content windows)
in memory: loaded at start, refreshed by polling MongoDB every few seconds
(which also picks up what other replicas' consumers wrote), and updated at once
by this replica's own projection consumer.
"""

import asyncio
import contextlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from wagate_contracts.envelope import utc_now
from wagate_platform.logging import get_logger
from wagate_platform.mongo import Document
from wagate_platform.origin import task_origin

from webhook_svc.adapters.configs import ConfigStore
from webhook_svc.adapters.projection_store import ProjectionStore, overlap, sent_key

log = get_logger(__name__)


@dataclass(frozen=True)
class SessionRef:
    user_id: str
    session_id: str
    provider_session: str
    phone_number: str | None = None


@dataclass(frozen=True)
class MessageRef:
    user_id: str
    message_id: str
    session_id: str


class Directory:
    def __init__(self, default_window_s: int, message_capacity: int) -> None:
        self.default_window_s = default_window_s
        self._capacity = message_capacity
        self._sessions: dict[str, SessionRef] = {}
        self._names: dict[str, str] = {}
        self._by_phone: dict[str, SessionRef] = {}
        self._messages: OrderedDict[str, MessageRef] = OrderedDict()
        self._windows: dict[str, int] = {}

    def session(self, provider_session: str | None, phone: str | None = None) -> SessionRef | None:
        found = self._sessions.get(provider_session) if provider_session else None
        if found is None and phone:
            found = self._by_phone.get("".join(c for c in phone if c.isdigit()))
        return found

    def message(self, provider: str, provider_message_id: str) -> MessageRef | None:
        return self._messages.get(sent_key(provider, provider_message_id))

    def content_window(self, user_id: str) -> int:
        return self._windows.get(user_id, self.default_window_s)

    def apply_session(self, doc: Document) -> None:
        name = doc.get("provider_session") or self._names.get(doc["_id"])
        if not name:
            return
        self._names[doc["_id"]] = name
        old = self._sessions.pop(name, None)
        if old and old.phone_number:
            self._by_phone.pop(old.phone_number, None)
        if doc.get("deleted"):
            return
        ref = SessionRef(doc["user_id"], doc["_id"], name, doc.get("phone_number"))
        self._sessions[name] = ref
        if ref.phone_number:
            self._by_phone[ref.phone_number] = ref

    def apply_sent(self, doc: Document) -> None:
        key = doc["_id"]
        self._messages[key] = MessageRef(doc["user_id"], doc["message_id"], doc["session_id"])
        self._messages.move_to_end(key)
        while len(self._messages) > self._capacity:
            self._messages.popitem(last=False)

    def apply_window(self, user_id: str, window_s: int | None) -> None:
        if window_s is None:
            self._windows.pop(user_id, None)
        else:
            self._windows[user_id] = window_s

    def replace_windows(self, windows: dict[str, int]) -> None:
        self._windows = dict(windows)


class DirectorySync:
    """Keeps a ``Directory`` in step with MongoDB (start: full load; then polling)."""

    def __init__(
        self,
        directory: Directory,
        projections: ProjectionStore,
        configs: ConfigStore,
        interval_s: float,
    ) -> None:
        self._directory = directory
        self._projections = projections
        self._configs = configs
        self._interval_s = interval_s
        self._since: datetime | None = None
        self._task: asyncio.Task[None] | None = None

    async def refresh(self) -> None:
        started = utc_now()
        since = overlap(self._since) if self._since else None
        for doc in sorted(
            await self._projections.sessions_since(since), key=lambda d: d["updated_at"]
        ):
            self._directory.apply_session(doc)
        sent_since = since or started - timedelta(days=3)
        for doc in reversed(await self._projections.sent_since(sent_since, 50_000)):
            self._directory.apply_sent(doc)
        self._directory.replace_windows(await self._configs.content_windows())
        self._since = started

    async def start(self) -> None:
        await self.refresh()
        self._task = asyncio.create_task(self._run(), name="directory-sync")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        task_origin("directory-sync")
        while True:
            await asyncio.sleep(self._interval_s)
            try:
                await self.refresh()
            except Exception as exc:
                log.warning("directory_refresh_failed", error=str(exc)[:300])
