"""Plans in MongoDB (``plans``), keyed by plan id."""

from collections.abc import Sequence
from datetime import UTC, datetime

from pymongo import UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from wagate_platform.mongo import Document

from billing_svc.domain.plans import Plan

PLANS = "plans"


def _to_plan(doc: Document) -> Plan:
    return Plan.from_dict({**doc, "plan_id": doc["_id"]})


class PlanRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._plans = db[PLANS]

    async def seed(self, plans: Sequence[Plan]) -> None:
        """Insert the plans that do not exist yet; an admin's changes are never overwritten."""
        now = datetime.now(UTC)
        await self._plans.bulk_write(
            [
                UpdateOne(
                    {"_id": plan.plan_id},
                    {"$setOnInsert": {**_fields(plan), "updated_at": now}},
                    upsert=True,
                )
                for plan in plans
            ],
            ordered=False,
        )

    async def list(self) -> list[Plan]:
        return [_to_plan(doc) async for doc in self._plans.find().sort("max_sessions", 1)]

    async def get(self, plan_id: str, session: AsyncClientSession | None = None) -> Plan | None:
        doc = await self._plans.find_one({"_id": plan_id}, session=session)
        return _to_plan(doc) if doc else None

    async def put(self, plan: Plan, session: AsyncClientSession) -> bool:
        """Create or replace a plan; True when it was created."""
        result = await self._plans.replace_one(
            {"_id": plan.plan_id},
            {**_fields(plan), "updated_at": datetime.now(UTC)},
            upsert=True,
            session=session,
        )
        return result.upserted_id is not None


def _fields(plan: Plan) -> Document:
    fields = plan.as_dict()
    del fields["plan_id"]
    return fields
