"""Reconnect policy: how a provider's status report moves a session, and the backoff.

A connected session that drops (the provider reports starting, disconnected or
failed) without the user asking becomes ``reconnecting``; attempts follow at
1 s, 2 s, 4 s … (capped) and after the last one the session is ``failed``.
A session that drops again soon after reconnecting continues the same streak,
so one that keeps dropping gives up too.
"""

from dataclasses import dataclass

from wagate_contracts import SessionStatus

DROP_REPORTS: frozenset[SessionStatus] = frozenset({"starting", "disconnected", "failed"})


@dataclass(frozen=True)
class Decision:
    status: SessionStatus | None
    """The new status, or None to keep the current one."""
    start_reconnect: bool = False


def on_report(current: SessionStatus, reported: SessionStatus, user_disconnected: bool) -> Decision:
    if user_disconnected:
        if reported in DROP_REPORTS:
            return Decision(None if current == "disconnected" else "disconnected")
        return Decision(None if reported == current else reported)
    if current == "connected" and reported in DROP_REPORTS:
        return Decision("reconnecting", start_reconnect=True)
    if current == "reconnecting" and reported in DROP_REPORTS:
        return Decision(None)
    return Decision(None if reported == current else reported)


@dataclass(frozen=True)
class Backoff:
    base_ms: int
    max_ms: int
    max_attempts: int

    def delay_before(self, attempt: int) -> int:
        """Wait before ``attempt`` (1-based); attempt ``max_attempts + 1`` is the give-up check."""
        return int(min(self.base_ms * 2 ** (attempt - 1), self.max_ms))

    def all_delays(self) -> list[int]:
        return sorted({self.delay_before(n) for n in range(1, self.max_attempts + 2)})

    def gives_up(self, attempt: int) -> bool:
        return attempt > self.max_attempts
