"""Unit: API key rotation on fakes (shown once, stored hashed, announced)."""

import hashlib

import pytest
from wagate_contracts import ApiKeyRotated

pytestmark = pytest.mark.asyncio


async def test_rotation_stores_only_the_hash_and_announces_it(fakes):
    issued = await fakes.api_keys().rotate("wes")
    assert issued.api_key.startswith("wg_live_")
    assert issued.api_key.startswith(issued.prefix)
    assert issued.created_at == fakes.now
    stored, key_hash = fakes.keys.keys["wes"]
    assert key_hash == hashlib.sha256(issued.api_key.encode()).hexdigest()
    assert issued.api_key not in str(stored)
    (event,) = fakes.uow.published
    assert isinstance(event, ApiKeyRotated)
    assert (event.user_id, event.key_hash, event.prefix, event.rotated_at) == (
        "wes",
        key_hash,
        issued.prefix,
        fakes.now,
    )
    assert issued.api_key not in str(event)


async def test_a_new_key_replaces_the_old_one(fakes):
    keys = fakes.api_keys()
    first = await keys.rotate("wes")
    second = await keys.rotate("wes")
    assert first.api_key != second.api_key
    mine = await keys.of_user("wes")
    assert (mine.user_id, mine.prefix, mine.created_at, mine.last_used_at) == (
        "wes",
        second.prefix,
        fakes.now,
        None,
    )
    assert await keys.of_user("nobody") is None
