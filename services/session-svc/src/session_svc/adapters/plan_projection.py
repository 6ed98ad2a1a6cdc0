"""What session-svc knows of each user's plan (``known_plans``), from billing's events.

``subscription.updated`` carries everything; ``subscription.checked`` refreshes the
plan name, session limit and end. Each kind only overwrites an older one of its kind.
"""

from datetime import datetime

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError
from wagate_contracts import SubscriptionChecked, SubscriptionUpdated
from wagate_platform.mongo import Document

from session_svc.domain.subscription import KnownPlan

KNOWN_PLANS = "known_plans"


class PlanProjection:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._plans = db[KNOWN_PLANS]

    async def get(self, user_id: str) -> KnownPlan | None:
        doc = await self._plans.find_one({"_id": user_id})
        if doc is None:
            return None
        return KnownPlan(
            plan_name=doc.get("plan_name"),
            status=doc.get("status", "active"),
            max_sessions=int(doc.get("max_sessions", 0)),
            daily_limit_per_session=doc.get("daily_limit_per_session"),
            ends_at=doc.get("ends_at"),
        )

    async def apply_updated(self, event: SubscriptionUpdated) -> None:
        await self._set_if_newer(
            event.user_id,
            "updated_as_of",
            event.occurred_at,
            {
                "plan_id": event.plan_id,
                "plan_name": event.plan_name,
                "status": event.status,
                "ends_at": event.ends_at,
                "max_sessions": event.max_sessions,
                "daily_limit_per_session": event.daily_limit_per_session,
            },
        )

    async def apply_checked(self, event: SubscriptionChecked) -> None:
        if event.plan_id is None:
            return
        await self._set_if_newer(
            event.user_id,
            "checked_as_of",
            event.occurred_at,
            {
                "plan_id": event.plan_id,
                "plan_name": event.plan_name,
                "max_sessions": event.max_sessions,
                "ends_at": event.ends_at,
            },
        )

    async def _set_if_newer(self, user_id: str, clock: str, at: datetime, fields: Document) -> None:
        try:
            await self._plans.update_one(
                {"_id": user_id, "$or": [{clock: {"$lt": at}}, {clock: {"$exists": False}}]},
                {"$set": {**fields, clock: at}},
                upsert=True,
            )
        except DuplicateKeyError:
            return  # the stored one is newer: keep it
