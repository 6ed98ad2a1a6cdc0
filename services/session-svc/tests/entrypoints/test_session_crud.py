"""Integration: session CRUD, default invariant, daily limits, bad input, ownership, auth."""

import time

import jwt
import pytest

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def _sessions(stack, user: str) -> list[dict]:
    return (await stack.api.get("/v1/sessions", headers=stack.auth(user))).json()["sessions"]


async def test_names_defaults_and_summary(stack):
    await stack.subscribe("alice", "pro")
    first = (await stack.create("alice", name="Sales")).json()
    generated = (await stack.create("alice")).json()
    taken = await stack.create("alice", name="Sales")

    assert first["is_default"] is True
    assert generated["name"].startswith("session-")
    assert generated["is_default"] is False
    assert taken.status_code == 409
    assert taken.json()["error"] == "session_name_taken"

    third = (await stack.create("alice", name="Support", is_default=True)).json()
    listing = (await stack.api.get("/v1/sessions", headers=stack.auth("alice"))).json()
    assert [s["id"] for s in listing["sessions"] if s["is_default"]] == [third["id"]]
    assert listing["subscription"] == {
        "plan_name": "Pro",
        "status": "active",
        "max_sessions": 5,
        "sessions_used": 3,
        "sessions_remaining": 2,
        "can_create_more": True,
        "ends_at": listing["subscription"]["ends_at"],
    }

    made = await stack.api.post(f"/v1/sessions/{first['id']}/default", headers=stack.auth("alice"))
    assert made.json()["is_default"] is True
    await stack.api.delete(f"/v1/sessions/{first['id']}", headers=stack.auth("alice"))
    left = await _sessions(stack, "alice")
    assert [s["id"] for s in left if s["is_default"]] == [generated["id"]]  # the oldest left
    created = await stack.tap.next("session.created", lambda b: b["session_id"] == first["id"])
    assert created["provider_session"] == first["id"]
    await stack.tap.next("session.deleted", lambda b: b["session_id"] == first["id"])


async def test_daily_limit_is_capped_by_the_plan(stack):
    await stack.subscribe("bob", "basic")  # 500 per session per day
    over = await stack.create("bob", daily_limit=501)
    assert over.status_code == 422
    assert over.json()["error"] == "daily_limit_exceeds_plan"
    assert over.json()["data"] == {"daily_limit": 501, "plan_daily_limit": 500}

    ok = (await stack.create("bob", daily_limit=200)).json()
    assert ok["daily_limit"] == 200
    patched = await stack.api.patch(
        f"/v1/sessions/{ok['id']}", json={"daily_limit": 900}, headers=stack.auth("bob")
    )
    assert patched.status_code == 422
    reset = await stack.api.patch(
        f"/v1/sessions/{ok['id']}",
        json={"daily_limit": None, "name": "Renamed"},
        headers=stack.auth("bob"),
    )
    assert (reset.json()["daily_limit"], reset.json()["name"]) == (500, "Renamed")
    updated = await stack.tap.next("session.updated", lambda b: b["session_id"] == ok["id"])
    assert updated["name"] == "Renamed"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x" * 65}, "name"),
        ({"name": "   "}, "name"),
        ({"daily_limit": -1}, "daily_limit"),
        ({"daily_limit": "lots"}, "daily_limit"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_bad_create_input_is_a_422_and_leaves_nothing_behind(stack, body, field):
    await stack.subscribe("carol", "basic")
    answer = await stack.create("carol", **body)

    assert answer.status_code == 422
    assert answer.json()["error"] == "validation_error"
    assert field in str(answer.json()["data"]["errors"])
    assert await _sessions(stack, "carol") == []
    usage = (await stack.billing.get("/v1/subscription", headers=stack.auth("carol"))).json()
    assert usage["sessions_used"] == 0


async def test_other_users_sessions_are_404_everywhere(stack):
    await stack.subscribe("owner", "basic")
    sid = (await stack.create("owner")).json()["id"]
    thief = stack.auth("thief")
    attempts = [
        await stack.api.get(f"/v1/sessions/{sid}", headers=thief),
        await stack.api.patch(f"/v1/sessions/{sid}", json={"name": "mine"}, headers=thief),
        await stack.api.delete(f"/v1/sessions/{sid}", headers=thief),
        await stack.api.post(f"/v1/sessions/{sid}/default", headers=thief),
        await stack.api.post(f"/v1/sessions/{sid}/connect", headers=thief),
        await stack.api.post(f"/v1/sessions/{sid}/disconnect", headers=thief),
        await stack.api.get(f"/v1/sessions/{sid}/qr", headers=thief),
        await stack.api.get("/v1/sessions/ses_doesnotexist", headers=stack.auth("owner")),
    ]
    assert [a.status_code for a in attempts] == [404] * len(attempts)
    assert {a.json()["error"] for a in attempts} == {"not_found"}
    bulk = await stack.api.post("/v1/sessions/bulk-delete", json={"ids": [sid]}, headers=thief)
    assert bulk.json() == {"deleted": [], "not_found": [sid]}
    assert len(await _sessions(stack, "owner")) == 1


OTHER_KEY = "another-key-that-is-long-enough-0123456789"


def _bad_headers(kind: str) -> dict[str, str]:
    """Built when the test runs, so that 'valid' expiries are really in the future."""
    now = int(time.time())
    secret = "test-secret-for-session-svc-0123456789"
    claims = {
        "expired": ({"sub": "u", "role": "customer", "exp": now - 10}, secret),
        "wrong-key": ({"sub": "u", "role": "customer", "exp": now + 600}, OTHER_KEY),
        "missing-role": ({"sub": "u", "exp": now + 600}, secret),
    }
    if kind == "malformed":
        return {"Authorization": "Bearer not.a.jwt"}
    if kind == "missing":
        return {}
    payload, key = claims[kind]
    return {"Authorization": "Bearer " + jwt.encode(payload, key, "HS256")}


@pytest.mark.parametrize("kind", ["malformed", "expired", "wrong-key", "missing-role", "missing"])
async def test_bad_tokens_are_401(stack, kind):
    headers = _bad_headers(kind)
    for answer in (
        await stack.api.get("/v1/sessions", headers=headers),
        await stack.api.post("/v1/sessions", json={}, headers=headers),
        await stack.billing.get("/v1/subscription", headers=headers),
    ):
        assert answer.status_code == 401
        assert answer.json()["error"] == "unauthorized"


async def test_bulk_delete_and_groups(stack):
    await stack.subscribe("dave", "pro")
    a, b, c = [(await stack.create("dave", name=n)).json()["id"] for n in ("a", "b", "c")]
    other = (await stack.subscribe("erin", "free"), (await stack.create("erin")).json()["id"])[1]
    me = stack.auth("dave")

    bad = await stack.api.post(
        "/v1/session-groups", json={"name": "g", "session_ids": [a, other]}, headers=me
    )
    assert bad.status_code == 422
    assert bad.json()["data"] == {"session_ids": [other]}
    group = (
        await stack.api.post(
            "/v1/session-groups", json={"name": "promo", "session_ids": [a, b]}, headers=me
        )
    ).json()
    dup = await stack.api.post("/v1/session-groups", json={"name": "promo"}, headers=me)
    assert dup.status_code == 409
    joined = await stack.tap.next(
        "session.updated", lambda e: e["session_id"] == a and group["id"] in e["group_ids"]
    )
    assert joined["user_id"] == "dave"
    assert (
        await stack.api.get(f"/v1/session-groups/{group['id']}", headers=stack.auth("erin"))
    ).status_code == 404

    bulk = await stack.api.post("/v1/sessions/bulk-delete", json={"ids": [a, c, other]}, headers=me)
    assert bulk.json() == {"deleted": [a, c], "not_found": [other]}
    after = (await stack.api.get(f"/v1/session-groups/{group['id']}", headers=me)).json()
    assert after["session_ids"] == [b]
    patched = await stack.api.patch(
        f"/v1/session-groups/{group['id']}", json={"session_ids": []}, headers=me
    )
    assert patched.json()["session_ids"] == []
    assert (
        await stack.api.delete(f"/v1/session-groups/{group['id']}", headers=me)
    ).status_code == 204
    assert (await stack.api.get("/v1/session-groups", headers=me)).json() == {"groups": []}
