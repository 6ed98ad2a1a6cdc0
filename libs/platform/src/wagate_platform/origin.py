"""Which path the current work belongs to: the ``origin`` label of the round-trip counters.

``wagate_mongo_commands_total`` and ``wagate_events_published_total`` carry an
``origin`` label so a round trip can be attributed to the path that made it:

- ``http:<METHOD> <route template>`` — set by the HTTP middleware, e.g.
  ``http:POST /v1/messages`` (``http:unmatched`` when no route matched);
- ``amqp:<queue>`` — set by the consumer wrapper, the queue without the namespace,
  e.g. ``amqp:sender-svc.dispatch``;
- ``task:<name>`` — set by a background loop, e.g. ``task:outbox-relay``;
- ``other`` — anything else (start-up, index creation, unlabelled tasks).

Tasks inherit the context they are created in: work a request or a message spawns is
attributed to it. The values are bounded (route templates, queue and task names),
never raw paths or ids.
"""

import contextlib
from collections.abc import Iterator, MutableMapping
from contextvars import ContextVar, Token
from typing import Any

DEFAULT_ORIGIN = "other"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class HttpOrigin:
    """``http:<METHOD> <route template>``, resolved lazily: the middleware sets it before
    routing, and the router stores the matched route in the same ASGI scope."""

    __slots__ = ("_label", "_scope")

    def __init__(self, scope: MutableMapping[str, Any]) -> None:
        self._scope = scope
        self._label: str | None = None

    def label(self) -> str:
        if self._label is not None:
            return self._label
        path = getattr(self._scope.get("route"), "path", None)
        if not isinstance(path, str):
            return "http:unmatched"  # not cached: routing may not have happened yet
        method = str(self._scope.get("method", ""))
        self._label = f"http:{method if method in _METHODS else 'OTHER'} {path}"
        return self._label


origin_var: ContextVar[str | HttpOrigin] = ContextVar("wagate_origin", default=DEFAULT_ORIGIN)


def current_origin() -> str:
    value = origin_var.get()
    return value if isinstance(value, str) else value.label()


def set_origin(value: str | HttpOrigin) -> Token[str | HttpOrigin]:
    return origin_var.set(value)


def reset_origin(token: Token[str | HttpOrigin]) -> None:
    origin_var.reset(token)


@contextlib.contextmanager
def origin(value: str) -> Iterator[None]:
    """Attribute the round trips made inside the block (and tasks it creates) to ``value``."""
    token = origin_var.set(value)
    try:
        yield
    finally:
        origin_var.reset(token)


def task_origin(name: str) -> None:
    """Label the rest of the current task ``task:<name>`` (call first thing in a loop task;
    a task has its own copy of the context, so nothing leaks to its creator)."""
    origin_var.set(f"task:{name}")
