"""Unit (fakes): who may send now — credentials, subscription, per-minute limit."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sender_svc.adapters.accounts import Account
from sender_svc.domain.errors import NotAuthenticated, RateLimited, SubscriptionInactive
from sender_svc.domain.subscription import Subscription
from sender_svc.service.auth import Authenticator
from wagate_contracts.envelope import utc_now

pytestmark = pytest.mark.asyncio


@dataclass
class FakeAccounts:
    account: Account | None
    selectors: list[dict[str, str]] = field(default_factory=list)

    async def count_request(self, selector: dict[str, str], window: int) -> Account | None:
        self.selectors.append(selector)
        return self.account

    async def find(self, selector: dict[str, str]) -> Account | None:
        self.selectors.append(selector)
        return self.account


def _account(status: str = "active", limit: int = 0, count: int = 1, **sub: Any) -> Account:
    subscription = Subscription(status, "pro", sub.get("ends_at"), None, limit)
    return Account("usr_1", subscription, window=0, count=count)


def _auth(account: Account | None) -> tuple[Authenticator, FakeAccounts]:
    accounts = FakeAccounts(account)
    return Authenticator(accounts), accounts  # type: ignore[arg-type]


async def test_no_credentials_is_not_authenticated_without_a_read():
    auth, accounts = _auth(_account())
    with pytest.raises(NotAuthenticated, match="missing API key or token"):
        await auth.sender(api_key=None, user_id=None)
    assert accounts.selectors == []


async def test_an_unknown_api_key_is_not_authenticated():
    auth, accounts = _auth(None)
    with pytest.raises(NotAuthenticated, match="invalid API key"):
        await auth.sender(api_key="wg_live_x", user_id=None)
    assert list(accounts.selectors[0]) == ["key_hash"]


async def test_a_token_user_without_an_account_has_no_active_subscription():
    auth, _ = _auth(None)
    with pytest.raises(SubscriptionInactive):
        await auth.sender(api_key=None, user_id="usr_1")


async def test_an_ended_subscription_is_reported_as_expired():
    auth, _ = _auth(_account(ends_at=utc_now() - timedelta(days=1)))
    with pytest.raises(SubscriptionInactive) as caught:
        await auth.sender(api_key=None, user_id="usr_1")
    assert caught.value.data["status"] == "expired"


async def test_over_the_per_minute_limit_is_rate_limited_with_its_retry_after():
    auth, _ = _auth(_account(limit=2, count=3))
    with pytest.raises(RateLimited) as caught:
        await auth.sender(api_key=None, user_id="usr_1")
    assert caught.value.retry_after_s == caught.value.data["retry_after"]
    assert 1 <= caught.value.data["retry_after"] <= 60
    assert caught.value.data["limit"] == 2


async def test_a_read_by_token_needs_no_account_read():
    auth, accounts = _auth(None)
    assert await auth.user_id(api_key=None, user_id="usr_1") == "usr_1"
    assert accounts.selectors == []
