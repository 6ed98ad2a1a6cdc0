"""Unit: what dispatch knows without reading the message (pool, attempt, sessions tried)."""

import json
from typing import Any

import pytest
from faststream.rabbit import RabbitMessage
from sender_svc.adapters.sessions import Pool
from sender_svc.entrypoints.amqp import attempt_of, tried_of
from sender_svc.service.pools import PoolResolver
from wagate_contracts.events import MessageRequested

pytestmark = pytest.mark.asyncio


class CampaignPools:
    """Counts reads of the campaign repository's ``pool``."""

    def __init__(self, pools: dict[str, dict[str, Any]]) -> None:
        self.pools = pools
        self.reads: list[str] = []

    async def pool(self, campaign_id: str) -> dict[str, Any] | None:
        self.reads.append(campaign_id)
        return self.pools.get(campaign_id)


def requested(**fields: Any) -> MessageRequested:
    return MessageRequested(
        producer="sender-svc",
        user_id="usr_1",
        message_id="msg_1",
        to="6281234500001",
        content={"type": "text", "text": "hi"},
        **fields,
    )


def resolver(pools: CampaignPools, kept: int = 1024) -> PoolResolver:
    return PoolResolver(pools, kept)  # type: ignore[arg-type]


async def test_a_single_message_pool_comes_from_its_event_alone():
    pools = CampaignPools({})
    resolve = resolver(pools)
    assert await resolve.pool_for(requested(session_id="ses_a")) == Pool("usr_1", ("ses_a",))
    assert await resolve.pool_for(requested(group_id="grp_1")) == Pool("usr_1", (), "grp_1")
    assert await resolve.pool_for(requested(campaign_id="cmp_1", session_id="ses_a")) == Pool(
        "usr_1", ("ses_a",)
    )
    assert pools.reads == []


async def test_a_campaign_pool_is_read_once_per_campaign():
    pools = CampaignPools({"cmp_1": {"session_ids": ["ses_a", "ses_b"], "group_id": None}})
    resolve = resolver(pools)
    for _ in range(5):
        assert await resolve.pool_for(requested(campaign_id="cmp_1")) == Pool(
            "usr_1", ("ses_a", "ses_b")
        )
    assert pools.reads == ["cmp_1"]


async def test_the_least_recently_used_campaign_pool_is_forgotten_first():
    pools = CampaignPools({c: {"session_ids": [], "group_id": c} for c in ("c1", "c2", "c3")})
    resolve = resolver(pools, kept=2)
    for campaign in ("c1", "c2", "c1", "c3", "c1", "c2"):
        await resolve.pool_for(requested(campaign_id=campaign))
    assert pools.reads == ["c1", "c2", "c3", "c2"]


async def test_an_unknown_campaign_raises_rather_than_use_every_session():
    resolve = resolver(CampaignPools({}))
    with pytest.raises(LookupError):
        await resolve.pool_for(requested(campaign_id="cmp_gone"))


def message(headers: dict[str, Any]) -> RabbitMessage:
    return RabbitMessage(raw_message=None, body=b"", headers=headers)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("headers", "attempt", "tried"),
    [
        ({}, 0, []),
        ({"x-attempt": 2, "x-tried": json.dumps(["ses_a", "ses_b"])}, 2, ["ses_a", "ses_b"]),
        ({"x-attempt": "3", "x-tried": json.dumps(["ses_a"]).encode()}, 3, ["ses_a"]),
        ({"x-attempt": "x", "x-tried": "not json"}, 0, []),
        ({"x-tried": json.dumps({"ses_a": 1})}, 0, []),
    ],
)
async def test_retry_headers_are_read_leniently(headers, attempt, tried):
    assert attempt_of(message(headers)) == attempt
    assert tried_of(message(headers)) == tried
