"""A 30 s MongoDB outage under a steady send load loses nothing and miscounts nothing.

MongoDB is cut off from every service (the proxy drops every connection and refuses
new ones) while customers keep sending. Afterwards: every accepted message was sent
exactly once, every counter is exact, nothing is in any DLQ, and every answer during
the outage was a 202 or a 503 with ``Retry-After``, in time.
"""

import asyncio

import pytest
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio, pytest.mark.timeout(420)]

USER = "outage-customer"
OUTAGE_S = 30


async def _session_ids(platform) -> list[str]:
    got = await platform.http.get(
        platform.url("sessions", "/v1/sessions"), headers=platform.bearer(USER)
    )
    return [s["id"] for s in got.json()["sessions"]]


async def test_a_30s_mongodb_outage_loses_nothing_and_miscounts_nothing(platform):
    api = await platform.onboard(USER, sessions=3)
    load = platform.load(api, interval_s=0.2, clients=2)
    load.start()
    await eventually(lambda: asyncio.sleep(0, len(load.accepted) >= 20), timeout_s=60)

    platform.mongo.drop()
    outage_started = asyncio.get_running_loop().time()
    await eventually(
        lambda: asyncio.sleep(0, load.answers[503] >= 3), timeout_s=OUTAGE_S, what="503s"
    )
    during = [await platform.http.get(platform.url(s, "/readyz")) for s in ("sender", "stats")]
    await asyncio.sleep(max(0.0, OUTAGE_S - (asyncio.get_running_loop().time() - outage_started)))
    platform.mongo.restore()

    await eventually(platform.all_ready, timeout_s=60, what="every service ready again")
    await eventually(lambda: asyncio.sleep(0, len(load.accepted) >= 60), timeout_s=60)
    await load.stop()
    accepted = dict(load.accepted)
    n = len(accepted)

    expected = {"requested": n, "sent": n, "delivered": n, "read": n}

    async def exact() -> dict[str, int] | None:
        got = await platform.http.get(
            platform.url("stats", f"/v1/stats/users/{USER}"), headers=platform.bearer(USER)
        )
        body = got.json()
        return body if all(body.get(k) == v for k, v in expected.items()) else None

    stats = await eventually(exact, timeout_s=180, interval_s=0.5, what=f"stats {expected}")
    texts = await platform.sandbox_texts(await _session_ids(platform))

    assert all(r.status_code == 503 for r in during)
    assert set(load.answers) <= {202, 503}, load.answers
    assert load.answers[503] > 0
    assert not load.slow, f"answers slower than the request deadline: {load.slow}"
    assert stats["failed"] == 0
    assert sorted(texts.elements()) == sorted(accepted.values()), "each accepted text once"
    assert await platform.dead_lettered() == {}
