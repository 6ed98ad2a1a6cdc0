"""Creating a session: rate limit, plan checks, a slot from billing, then the write.

No partial state: input is checked before billing is asked; a slot taken for a
creation that then fails (or whose answer came too late) is released again.
"""

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError
from wagate_contracts import DenialReason, SubscriptionChecked
from wagate_contracts.envelope import Event
from wagate_platform.identity import Principal
from wagate_platform.unit_of_work import UnitOfWork

from session_svc.adapters.audit_repository import AuditRepository, audit_entry
from session_svc.adapters.plan_projection import PlanProjection
from session_svc.adapters.rate_limiter import RateLimiter
from session_svc.adapters.session_repository import (
    DEFAULT_INDEX,
    SessionRepository,
    violated_index,
)
from session_svc.domain.clock import Clock, utc_now
from session_svc.domain.errors import (
    BillingUnreachable,
    CreationRateLimited,
    DailyLimitExceedsPlan,
    NoBillingAnswer,
    SessionLimitReached,
    SessionNameTaken,
    SubscriptionInactive,
)
from session_svc.domain.session_document import SessionDocument, changes
from session_svc.domain.sessions import exceeds_plan, generated_name, new_session_id
from session_svc.service.ports import SlotBilling
from session_svc.service.session_events import session_created, session_updated


class CreateSession:
    def __init__(
        self,
        sessions: SessionRepository,
        plans: PlanProjection,
        audit: AuditRepository,
        uow: UnitOfWork,
        billing: SlotBilling,
        limiter: RateLimiter,
        provider_name: str,
        clock: Clock = utc_now,
    ) -> None:
        self._sessions = sessions
        self._plans = plans
        self._audit = audit
        self._uow = uow
        self._billing = billing
        self._limiter = limiter
        self._provider_name = provider_name
        self._clock = clock

    async def __call__(
        self, actor: Principal, name: str | None, is_default: bool, daily_limit: int | None
    ) -> SessionDocument:
        user_id = actor.user_id
        verdict = await self._limiter.hit(f"create:{user_id}")
        if not verdict.allowed:
            raise CreationRateLimited(verdict.retry_after_s)
        plan = await self._plans.get(user_id)
        cap = plan.daily_limit_per_session if plan else None
        if exceeds_plan(daily_limit, cap):
            raise DailyLimitExceedsPlan(daily_limit, cap)
        if name is not None and await self._sessions.name_taken(user_id, name):
            raise SessionNameTaken(name)

        session_id = new_session_id()
        try:
            answer = await self._billing.reserve(user_id, session_id)
        except BillingUnreachable as exc:
            await self._release(user_id, session_id)
            await self._audit.add(
                [
                    audit_entry(
                        user_id, actor, "create", "error", session_id, error="billing_unavailable"
                    )
                ]
            )
            raise NoBillingAnswer() from exc
        if not answer.allowed:
            await self._audit.add(
                [audit_entry(user_id, actor, "create", "denied", None, reason=answer.reason)]
            )
            raise _denied(answer)
        try:
            created, events = await self._insert(actor, session_id, name, is_default, daily_limit)
        except BaseException:
            await self._release(user_id, session_id)  # nothing was committed: give the slot back
            raise
        await self._uow.relay.publish_now(events)
        return created

    async def _insert(
        self,
        actor: Principal,
        session_id: str,
        name: str | None,
        is_default: bool,
        daily_limit: int | None,
    ) -> tuple[SessionDocument, list[Event]]:
        now = self._clock()
        doc = SessionDocument(
            id=session_id,
            user_id=actor.user_id,
            name=name or generated_name(),
            status="created",
            provider=self._provider_name,
            provider_session=session_id,
            created_at=now,
            updated_at=now,
            daily_limit=daily_limit,
        )
        for first_try in (True, False):

            async def work(
                session: AsyncClientSession,
            ) -> tuple[SessionDocument, list[Event]]:
                events: list[Event] = []
                default = is_default or not await self._sessions.has_default(
                    actor.user_id, session=session
                )
                if is_default:
                    for old in await self._sessions.of_user(actor.user_id, session=session):
                        if old.is_default:
                            await self._sessions.update(old.id, changes(is_default=False), session)
                            events.append(session_updated(old.but(is_default=False)))
                created = doc.but(is_default=default)
                await self._sessions.insert(created, session=session)
                await self._audit.add(
                    [audit_entry(actor.user_id, actor, "create", "success", session_id)], session
                )
                return created, [session_created(created), *events]

            try:
                created, events = await self._uow.transact(work)
            except DuplicateKeyError as exc:
                if violated_index(exc) == DEFAULT_INDEX and first_try:
                    continue  # a concurrent first session became the default
                raise SessionNameTaken(doc.name) from exc
            return created, events
        raise AssertionError("unreachable")

    async def _release(self, user_id: str, session_id: str) -> None:
        release = self._billing.release_command(user_id, session_id)
        await self._uow.outbox.add([release])
        await self._uow.relay.publish_now([release])


def _denied(answer: SubscriptionChecked) -> SessionLimitReached | SubscriptionInactive:
    data = {
        "plan_name": answer.plan_name,
        "max_sessions": answer.max_sessions,
        "sessions_used": answer.sessions_used,
        "ends_at": answer.ends_at.isoformat() if answer.ends_at else None,
    }
    if answer.reason == DenialReason.SESSION_LIMIT_REACHED:
        return SessionLimitReached(answer.max_sessions, data)
    return SubscriptionInactive(data)
