"""Integration: plans as data, subscriptions, expiry and API keys over the real stack."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from billing_svc.app import create_app
from wagate_testing.apps import app_client, runtime_of

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


def _in(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


async def test_seeded_plans_survive_a_restart_without_overwriting_admin_changes(billing, janitor):
    plans = (await billing.api.get("/v1/plans", headers=billing.auth("u"))).json()["plans"]
    table = {p["id"]: (p["max_sessions"], p["daily_limit_per_session"]) for p in plans}
    assert table == {
        "free": (1, 100),
        "starter": (1, 100),
        "basic": (3, 500),
        "pro": (5, 1000),
        "enterprise": (10, None),
    }
    starter = next(p for p in plans if p["id"] == "starter")
    assert (starter["monthly_price"], starter["yearly_price"], starter["currency"]) == (
        150000,
        1500000,
        "IDR",
    )
    changed = {**{k: v for k, v in starter.items() if k != "id"}, "max_sessions": 2}
    put = await billing.api.put("/v1/plans/starter", json=changed, headers=billing.admin)
    assert put.status_code == 200

    async with app_client(create_app(runtime_of(billing.app).settings), janitor) as again:
        replans = (await again.get("/v1/plans", headers=billing.auth("u"))).json()["plans"]
    assert len(replans) == 5
    assert next(p for p in replans if p["id"] == "starter")["max_sessions"] == 2


async def test_admins_create_plans_and_subscribers_hear_of_changes(billing):
    body = {
        "name": "Mega",
        "max_sessions": 20,
        "daily_limit_per_session": None,
        "rate_limit_per_minute": 1000,
        "monthly_price": 900000,
        "yearly_price": 9000000,
        "currency": "IDR",
    }
    created = await billing.api.put("/v1/plans/mega", json=body, headers=billing.admin)
    assert created.status_code == 201
    assert (
        await billing.api.put("/v1/plans/mega", json=body, headers=billing.auth("c"))
    ).status_code == 403
    await billing.api.put(
        "/v1/users/mo/subscription",
        json={"plan_id": "mega", "ends_at": _in(3600)},
        headers=billing.admin,
    )
    await billing.api.put(
        "/v1/plans/mega", json={**body, "max_sessions": 25}, headers=billing.admin
    )
    updated = await billing.tap.next(
        "subscription.updated", lambda b: b["user_id"] == "mo" and b["max_sessions"] == 25
    )
    assert (updated["plan_id"], updated["daily_limit_per_session"]) == ("mega", None)


@pytest.mark.parametrize(
    ("plan_id", "patch"),
    [
        ("ok", {"max_sessions": -1}),
        ("ok", {"currency": "rupiah"}),
        ("ok", {"rate_limit_per_minute": 0}),
        ("ok", {"unknown_field": 1}),
        ("Bad Id!", {}),
    ],
)
async def test_bad_plan_input_is_422(billing, plan_id, patch):
    body = {
        "name": "X",
        "max_sessions": 1,
        "daily_limit_per_session": 1,
        "rate_limit_per_minute": 1,
        **patch,
    }
    answer = await billing.api.put(f"/v1/plans/{plan_id}", json=body, headers=billing.admin)
    assert answer.status_code == 422
    assert answer.json()["error"] == "validation_error"


async def test_assigning_a_subscription_publishes_it_and_customers_read_theirs(billing):
    none = (await billing.api.get("/v1/subscription", headers=billing.auth("sue"))).json()
    assert (none["status"], none["plan"], none["can_create_more"]) == ("none", None, False)
    ends = _in(86400)
    put = await billing.api.put(
        "/v1/users/sue/subscription",
        json={"plan_id": "pro", "ends_at": ends},
        headers=billing.admin,
    )
    assert put.status_code == 200
    mine = (await billing.api.get("/v1/subscription", headers=billing.auth("sue"))).json()
    assert (
        mine["status"],
        mine["plan"]["id"],
        mine["max_sessions"],
        mine["sessions_remaining"],
    ) == ("active", "pro", 5, 5)
    event = await billing.tap.next("subscription.updated", lambda b: b["user_id"] == "sue")
    assert (event["status"], event["max_sessions"], event["rate_limit_per_minute"]) == (
        "active",
        5,
        120,
    )
    admin_view = await billing.api.get("/v1/users/sue/subscription", headers=billing.admin)
    assert admin_view.json()["plan"]["id"] == "pro"
    assert (
        await billing.api.get("/v1/users/sue/subscription", headers=billing.auth("sue"))
    ).status_code == 403


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"plan_id": "nope", "ends_at": _in(3600)}, "unknown_plan"),
        ({"plan_id": "pro", "ends_at": _in(-3600)}, "validation_error"),
        ({"plan_id": "pro", "ends_at": "2999-01-01T00:00:00"}, "validation_error"),
        ({"plan_id": "pro", "ends_at": _in(3600), "status": "paused"}, "validation_error"),
        ({"plan_id": "pro", "ends_at": _in(3600), "starts_at": _in(7200)}, "validation_error"),
    ],
)
async def test_bad_subscription_input_is_422_and_changes_nothing(billing, body, error):
    answer = await billing.api.put("/v1/users/tom/subscription", json=body, headers=billing.admin)
    assert answer.status_code == 422
    assert answer.json()["error"] == error
    mine = (await billing.api.get("/v1/subscription", headers=billing.auth("tom"))).json()
    assert mine["status"] == "none"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"ends_at": "9999-12-31T23:59:59-12:00"}, "ends_at"),  # year 10000 in UTC
        ({"ends_at": "9999-12-31T23:59:59+00:00"}, "ends_at"),  # no day left after it
        ({"ends_at": "9999-12-31T23:59:59.999999+14:00"}, "ends_at"),
        ({"ends_at": _in(3600), "starts_at": "0001-01-01T00:00:00+00:00"}, "starts_at"),
        ({"ends_at": _in(3600), "starts_at": "0001-01-01T00:00:00+05:00"}, "starts_at"),
        ({"ends_at": _in(3600), "starts_at": "0001-01-01T23:59:59Z"}, "starts_at"),
    ],
)
async def test_dates_out_of_range_are_422_naming_the_field(billing, extra, field):
    body = {"plan_id": "pro", **extra}
    answer = await billing.api.put("/v1/users/ray/subscription", json=body, headers=billing.admin)
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["error"] == "validation_error"
    assert [e["loc"] for e in problem["data"]["errors"]] == [["body", field]]


async def test_dates_near_the_range_ends_are_accepted_in_utc(billing):
    body = {
        "plan_id": "pro",
        "starts_at": "0001-01-02T08:00:00+07:00",
        "ends_at": "9999-12-30T23:59:59+00:00",
    }
    answer = await billing.api.put("/v1/users/kim/subscription", json=body, headers=billing.admin)
    assert answer.status_code == 200, answer.text
    mine = (await billing.api.get("/v1/subscription", headers=billing.auth("kim"))).json()
    assert mine["status"] == "active"
    assert mine["starts_at"].startswith("0001-01-02T01:00:00")
    assert mine["ends_at"].startswith("9999-12-30T23:59:59")


async def test_expiry_takes_effect_by_itself_and_is_announced(billing):
    await billing.api.put(
        "/v1/users/val/subscription",
        json={"plan_id": "basic", "ends_at": _in(1)},
        headers=billing.admin,
    )
    announced = await billing.tap.next(
        "subscription.updated", lambda b: b["user_id"] == "val" and b["status"] == "expired"
    )
    assert announced["plan_id"] == "basic"
    mine = (await billing.api.get("/v1/subscription", headers=billing.auth("val"))).json()
    assert (mine["status"], mine["can_create_more"]) == ("expired", False)


async def test_api_keys_are_shown_once_stored_hashed_and_rotation_is_announced(billing):
    me = billing.auth("wes")
    first = (await billing.api.post("/v1/api-keys", headers=me)).json()
    second = await billing.api.post("/v1/api-keys", headers=me)
    assert second.status_code == 201
    key = second.json()["api_key"]
    assert key.startswith("wg_live_")
    assert len(key) >= 40
    assert key != first["api_key"]
    rotated = await billing.tap.next(
        "apikey.rotated", lambda b: b["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    )
    assert rotated["user_id"] == "wes"
    assert key not in str(rotated)
    listed = (await billing.api.get("/v1/api-keys", headers=me)).json()["api_keys"]
    assert [k["prefix"] for k in listed] == [second.json()["prefix"]]
    stored = await runtime_of(billing.app).db["api_keys"].find_one({"_id": "wes"})
    assert stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(stored)
    assert first["api_key"] not in str(stored)
