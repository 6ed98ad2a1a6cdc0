"""Integration: the usage document is the quota authority, race-safe on the real database."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from billing_svc.domain.subscriptions import Subscription

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_concurrent_reserves_never_exceed_the_limit_and_one_sweep_wins(billing):
    container = billing.app.state.container
    usage = container.usage_repository
    reserves = [usage.reserve("race", f"ses_{n}", 3) for n in range(12)]
    held = [ok for ok, _ in await asyncio.gather(*reserves)]
    assert held.count(True) == 3
    after = await usage.get("race")
    assert (after.sessions_used, len(after.reserved)) == (3, 3)
    assert (await usage.reserve("race", after.reserved[0], 3))[0] is True
    assert (await usage.release("race", after.reserved[0])).sessions_used == 2
    assert (await usage.release("race", "ses_not_held")).sessions_used == 2

    now = datetime.now(UTC)
    # lapsing a day from now, so the app's own sweep (on the real clock) leaves it alone
    lapsed = Subscription("gone", "pro", "active", now, now + timedelta(days=1))
    later = now + timedelta(days=2)
    repository = container.subscription_repository
    runtime = billing.app.state.runtime
    async with runtime.mongo.start_session() as session:
        await repository.put(lapsed, session)
    marks = [repository.mark_expired("gone", later, None) for _ in range(4)]
    assert sorted(await asyncio.gather(*marks)) == [False, False, False, True]
    assert (await repository.get("gone")).status == "expired"
