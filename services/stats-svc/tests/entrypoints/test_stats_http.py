"""Integration: the stats REST API's authorization, date ranges and admin reset."""

import pytest
from stats_svc.adapters.documents import RESETS
from stats_svc.app import create_app
from wagate_testing.apps import app_client, runtime_of
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


@pytest.fixture
def app(stats_settings):
    return create_app(stats_settings())


async def test_customers_see_their_own_stats_admins_any_and_others_get_404(app, janitor, token):
    async with app_client(app, janitor) as client:
        own = await client.get("/v1/stats/users/alice", headers=token("alice"))
        admin = await client.get("/v1/stats/users/alice", headers=token("root", "admin"))
        other = [
            await client.get(path, headers=token("mallory"))
            for path in (
                "/v1/stats/users/alice",
                "/v1/stats/users/alice/sessions/ses_1",
                "/v1/stats/users/alice/daily",
            )
        ]
        anonymous = await client.get("/v1/stats/users/alice")
        forged = await client.get("/v1/stats/users/alice", headers=token("alice", secret="x" * 32))

    assert own.status_code == 200, own.text
    assert own.json()["user_id"] == "alice"
    assert own.json()["sent"] == 0
    assert own.json()["success_rate"] == 0.0  # no division by zero without data
    assert own.json()["sessions"] == []
    assert admin.status_code == 200
    for response in other:
        assert response.status_code == 404
        assert response.json() == {
            "status": 404,
            "error": "not_found",
            "message": "user not found",
            "data": {},
        }
    assert anonymous.status_code == 401
    assert forged.status_code == 401
    assert anonymous.json()["error"] == "unauthorized"


async def test_unknown_session_is_404_and_the_routes_are_documented(app, janitor, token):
    async with app_client(app, janitor) as client:
        response = await client.get("/v1/stats/users/alice/sessions/nope", headers=token("alice"))
        openapi = (await client.get("/openapi.json")).json()
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert {
        "/v1/stats/users/{user_id}",
        "/v1/stats/users/{user_id}/sessions/{session_id}",
        "/v1/stats/users/{user_id}/daily",
        "/v1/admin/stats/users/{user_id}",
    } <= set(openapi["paths"])


@pytest.mark.parametrize(
    "query",
    [
        "from=2025-13-01&to=2025-12-31",
        "from=20250101&to=2025-01-31",
        "from=2025-01-01T00:00:00&to=2025-01-31",
        "from=yesterday",
        "from=2025-02-01&to=2025-01-31",
        "from=2024-01-01&to=2025-01-01",  # 367 days
        "from=2025-02-30",
        "from=2025-3-1",
        "to=tomorrow",
        "to=1741564800",
        "to=0001-01-15",  # 30 days before it do not exist
        "to=0001-01-01",
        "from=9999-12-31&to=9999-12-31",
        "from=0000-12-31",
        "to=10000-01-01",
    ],
)
async def test_bad_date_ranges_are_422(app, janitor, token, query):
    async with app_client(app, janitor) as client:
        response = await client.get(f"/v1/stats/users/alice/daily?{query}", headers=token("alice"))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "validation_error"
    assert body["data"]["errors"][0]["loc"][0] == "query"
    assert body["data"]["errors"][0]["loc"][1] in ("from", "to")


async def test_a_range_of_366_days_is_accepted(app, janitor, token):
    async with app_client(app, janitor) as client:
        response = await client.get(
            "/v1/stats/users/alice/daily?from=2024-01-01&to=2024-12-31", headers=token("alice")
        )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "user_id": "alice",
        "from": "2024-01-01",
        "to": "2024-12-31",
        "timezone": "UTC",
        "days": [],
    }


async def test_admin_reset_wipes_counters_records_who_and_when_and_keeps_idempotency(
    app, janitor, token, events, publisher_for, mongo_client
):
    user = events.unique("u")
    before = [events.requested(user, "m1"), events.sent(user, "m1", "ses_1")]
    async with app_client(app, janitor) as client:
        publisher = await publisher_for(runtime_of(app).settings)
        await publisher.publish(before, concurrency=1)

        async def stats() -> dict:
            return (await client.get(f"/v1/stats/users/{user}", headers=token(user))).json()

        await eventually(lambda: _when(stats, lambda b: b["sent"] == 1), what="first counts")
        refused = await client.delete(f"/v1/admin/stats/users/{user}", headers=token(user))
        reset = await client.delete(f"/v1/admin/stats/users/{user}", headers=token("ops", "admin"))
        after_reset = await stats()

        # an old event redelivered after the reset is not counted again; a new one is
        await publisher.publish([before[1], events.requested(user, "m2")], concurrency=1)
        final = await eventually(lambda: _when(stats, lambda b: b["requested"] == 1), what="m2")
        days = await client.get(
            f"/v1/stats/users/{user}/daily?from=2025-03-10&to=2025-03-10", headers=token(user)
        )
        records = await mongo_client[runtime_of(app).db.name][RESETS].find({}).to_list()

    assert refused.status_code == 403
    assert reset.status_code == 200, reset.text
    assert reset.json()["reset_by"] == "ops"
    assert after_reset["requested"] == after_reset["sent"] == 0
    assert after_reset["sessions"][0]["sent"] == 0
    assert after_reset["last_reset"]["by"] == "ops"
    assert after_reset["last_reset"]["at"] == reset.json()["reset_at"]
    assert (final["requested"], final["sent"]) == (1, 0)
    assert [d["requested"] for d in days.json()["days"]] == [1]
    assert [(r["user_id"], r["by"]) for r in records] == [(user, "ops")]


async def _when(probe, condition):
    body = await probe()
    return body if condition(body) else None
