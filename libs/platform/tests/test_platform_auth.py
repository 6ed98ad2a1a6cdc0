"""Unit: JWT and API-key authentication rules."""

import time

import jwt
import pytest
from wagate_platform.auth import (
    API_KEY_PREFIX,
    api_key_display_prefix,
    decode_jwt,
    generate_api_key,
    hash_api_key,
    issue_jwt,
)
from wagate_platform.errors import ApiError

SECRET = "a-test-secret-that-is-long-enough-for-hs256"
OTHER_SECRET = "another-secret-that-is-long-enough-for-hs256"
FUTURE = int(time.time()) + 24 * 3600  # tokens are built at collection time


def test_valid_token_gives_principal():
    principal = decode_jwt(issue_jwt("u1", "customer", SECRET), SECRET)
    assert (principal.user_id, principal.role, principal.is_admin) == ("u1", "customer", False)
    assert principal.can_access("u1")
    assert not principal.can_access("u2")


def test_admin_can_access_anyone():
    assert decode_jwt(issue_jwt("root", "admin", SECRET), SECRET).can_access("u2")


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("not-a-jwt", "invalid token"),
        (
            issue_jwt("u1", "customer", OTHER_SECRET),
            "invalid token",
        ),
        (jwt.encode({"sub": "u1", "role": "customer", "exp": 1}, SECRET), "token expired"),
        (jwt.encode({"sub": "u1", "exp": FUTURE}, SECRET), "no valid role"),
        (jwt.encode({"sub": "u1", "role": "root", "exp": FUTURE}, SECRET), "role"),
        (jwt.encode({"sub": "u1", "role": "customer"}, SECRET), "invalid token"),
        (
            jwt.encode(
                {"sub": "u1", "role": "customer", "exp": FUTURE},
                SECRET * 2,
                algorithm="HS512",
            ),
            "invalid token",
        ),
    ],
)
def test_bad_tokens_are_401(token, message):
    with pytest.raises(ApiError) as err:
        decode_jwt(token, SECRET)
    assert err.value.status == 401
    assert err.value.error == "unauthorized"
    assert message in err.value.message


def test_api_keys_are_random_prefixed_and_hashed():
    first, second = generate_api_key(), generate_api_key()
    assert first != second
    assert first.startswith(API_KEY_PREFIX)
    assert len(first) >= len(API_KEY_PREFIX) + 40
    assert hash_api_key(first) != first
    assert len(hash_api_key(first)) == 64
    assert api_key_display_prefix(first) == first[: len(API_KEY_PREFIX) + 4]


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": str(FUTURE)},
        {"exp": "tomorrow"},
        {"exp": True},
        {"exp": FUTURE, "nbf": "0"},
        {"exp": FUTURE, "nbf": "yesterday"},
        {"exp": FUTURE, "iat": str(FUTURE - 60)},
        {"exp": FUTURE, "iat": "now"},
        {"exp": FUTURE, "iat": False},
    ],
    ids=[
        "exp-digits",
        "exp-text",
        "exp-bool",
        "nbf-digits",
        "nbf-text",
        "iat-digits",
        "iat-text",
        "iat-bool",
    ],
)
def test_time_claims_must_be_numeric_dates(claims):
    token = jwt.encode({"sub": "u1", "role": "customer", **claims}, SECRET)
    with pytest.raises(ApiError) as err:
        decode_jwt(token, SECRET)
    assert err.value.status == 401
    assert err.value.error == "unauthorized"


def test_numeric_time_claims_are_accepted():
    now = int(time.time())
    token = jwt.encode(
        {"sub": "u1", "role": "customer", "exp": FUTURE + 0.5, "nbf": now - 1, "iat": now}, SECRET
    )
    assert decode_jwt(token, SECRET).user_id == "u1"
