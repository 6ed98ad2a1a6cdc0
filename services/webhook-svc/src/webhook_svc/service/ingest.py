"""Ingest use case: normalised callback items → deduplicated, published contract events.

Budget per callback request, batches included: one MongoDB round trip (all
marks claimed in one bulk write) and one confirmation wait (every event
published concurrently). Lookups come from the in-memory directory. If the
broker does not confirm, the marks this request won are released and
``BrokerUnavailable`` is raised (a 503) so that the provider's retry is processed;
if the marks cannot be written, ``StorageUnavailable``.

Event ids are derived from the mark keys (UUIDv5), so an event republished
after a partial failure carries the same id and consumers drop the repeat.
"""

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import ValidationError
from pymongo.errors import PyMongoError
from wagate_contracts import MessageReceived
from wagate_contracts.envelope import Event
from wagate_contracts.values import ProviderName
from wagate_platform.logging import get_logger
from wagate_platform.publisher import EventPublisher

from webhook_svc.adapters.marks import Claim, MarkStore, StorageError
from webhook_svc.domain.errors import BrokerUnavailable, InvalidPayload, StorageUnavailable
from webhook_svc.domain.inbound import CallbackItem, Unsupported
from webhook_svc.service.directory import Directory
from webhook_svc.service.events import EventFactory
from webhook_svc.service.metrics import count_item

log = get_logger(__name__)
EVENT_NAMESPACE = uuid5(NAMESPACE_URL, "https://wagate/webhook-svc/events")


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    ignored: int = 0

    @property
    def deduplicated(self) -> bool:
        return self.accepted == 0 and self.duplicates > 0

    def as_dict(self) -> dict[str, object]:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "ignored": self.ignored,
            "deduplicated": self.deduplicated,
        }


@dataclass
class _Plan:
    kind: str
    claims: list[Claim]
    build: Callable[[list[bool]], Event | None]
    won: list[bool] = field(default_factory=list)


def event_id_for(key: str) -> UUID:
    return uuid5(EVENT_NAMESPACE, key)


class Ingestor:
    def __init__(
        self,
        directory: Directory,
        marks: MarkStore,
        publisher: EventPublisher,
        publish_timeout_s: float,
        clock: Callable[[], datetime],
    ) -> None:
        self._factory = EventFactory(directory, publisher.producer, event_id_for)
        self._marks = marks
        self._publisher = publisher
        self._timeout = publish_timeout_s
        self._clock = clock

    async def ingest(self, provider: ProviderName, items: Sequence[CallbackItem]) -> IngestResult:
        now = _to_ms(self._clock())
        result = IngestResult()
        plans: list[_Plan] = []
        for item in items:
            plan = self._plan(provider, item)
            if plan is None:
                result.ignored += 1
                kind = item.kind if isinstance(item, Unsupported) else type(item).__name__
                count_item(
                    provider, kind, "unsupported" if isinstance(item, Unsupported) else "unmatched"
                )
            else:
                plans.append(plan)
        claims = [claim for plan in plans for claim in plan.claims]
        try:
            won = await self._marks.claim(claims, now)
        except (StorageError, PyMongoError) as exc:
            raise StorageUnavailable() from exc
        events: list[Event] = []
        position = 0
        for plan in plans:
            plan.won = won[position : position + len(plan.claims)]
            position += len(plan.claims)
            event = plan.build(plan.won)
            if event is None:
                result.duplicates += 1
                count_item(provider, plan.kind, "duplicate")
                continue
            result.accepted += 1
            dedup = isinstance(event, MessageReceived) and event.deduplicated
            count_item(provider, plan.kind, "content_duplicate" if dedup else "accepted")
            events.append(event)
        await self._publish(events, claims, won, now)
        return result

    def _plan(self, provider: ProviderName, item: CallbackItem) -> _Plan | None:
        try:
            planned = self._factory.plan(provider, item)
        except ValidationError as exc:
            raise InvalidPayload(_first_error(exc)) from exc
        except ValueError as exc:
            raise InvalidPayload(str(exc)) from exc
        if planned is None:
            return None
        kind, claims, build = planned
        return _Plan(kind, claims, build)

    async def _publish(
        self, events: list[Event], claims: list[Claim], won: list[bool], now: datetime
    ) -> None:
        if not events:
            return
        outcomes = await asyncio.gather(
            *(self._publisher.publish(event, timeout=self._timeout) for event in events),
            return_exceptions=True,
        )
        failures = [o for o in outcomes if isinstance(o, BaseException)]
        if not failures:
            return
        log.warning(
            "ingest_publish_failed",
            events=len(events),
            failed=len(failures),
            error_type=type(failures[0]).__name__,
            error=str(failures[0])[:300],
        )
        try:
            await self._marks.release(claims, won, now)
        except PyMongoError as exc:
            raise StorageUnavailable() from exc
        raise BrokerUnavailable()


def _to_ms(now: datetime) -> datetime:
    """Truncated to what MongoDB stores (milliseconds), so releases match exactly."""
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error.get("loc", ()))
    return f"{where}: {error.get('msg', 'invalid value')}" if where else str(error.get("msg"))
