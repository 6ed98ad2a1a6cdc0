"""Integration: a redelivered event inside a transaction is recognised, not a transaction
aborted by a duplicate key (which ``with_transaction`` would retry for two minutes)."""

import asyncio

import pytest
from wagate_contracts.envelope import Event
from wagate_platform.inbox import Inbox
from wagate_platform.settings import ServiceSettings
from wagate_platform.unit_of_work import UnitOfWork
from wagate_testing.apps import app_client, runtime_of
from wagate_testing.probe_service import make_service

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_a_redelivery_inside_a_unit_of_work_is_a_duplicate_and_still_commits(
    make_settings, janitor
):
    app = make_service(make_settings(ServiceSettings, service_name="inbox-svc"))
    async with app_client(app, janitor):
        runtime = runtime_of(app)
        inbox = Inbox(runtime.db, "inbox-svc.q")
        uow = UnitOfWork.of(runtime)

        async def apply(session) -> tuple[bool, list[Event]]:
            first = await inbox.first_time("evt-1", session=session)
            if first:
                await runtime.db["things"].update_one(
                    {"_id": "t"}, {"$inc": {"n": 1}}, upsert=True, session=session
                )
            return first, []

        results = [await asyncio.wait_for(uow.commit(apply), 10) for _ in range(3)]
        thing = await runtime.db["things"].find_one({"_id": "t"})

    assert results == [True, False, False]
    assert thing == {"_id": "t", "n": 1}
