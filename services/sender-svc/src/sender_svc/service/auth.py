"""Who is calling, and may they send now: one MongoDB round trip.

The caller is resolved from an API key (``X-Api-Key`` / ``Authorization: Bearer wg_live_…``,
looked up by its SHA-256 in the ``apikey.rotated`` projection) or the user id of a verified
customer JWT, and the same ``find_one_and_update`` counts the request in the user's
per-minute window. Reading the headers and verifying the token is the entry point's part
(``entrypoints/auth.py``); this module gets the plain strings.
"""

from dataclasses import dataclass

from wagate_platform.identity import hash_api_key

from sender_svc.adapters.accounts import Account, AccountRepository
from sender_svc.domain.calendar import (
    minute_window,
    now,
    retry_after_header,
    seconds_to_next_window,
)
from sender_svc.domain.errors import NotAuthenticated, RateLimited, SubscriptionInactive


@dataclass(frozen=True)
class Caller:
    user_id: str
    account: Account


def _selector(api_key: str | None, user_id: str | None) -> dict[str, str]:
    if api_key:
        return {"key_hash": hash_api_key(api_key)}
    if user_id is None:
        raise NotAuthenticated("missing API key or token")
    return {"_id": user_id}


class Authenticator:
    """``api_key`` is the key as given; ``user_id`` the subject of an already verified JWT."""

    def __init__(self, accounts: AccountRepository) -> None:
        self._accounts = accounts

    async def user_id(self, *, api_key: str | None, user_id: str | None) -> str:
        """The caller's user id, without counting a send (reads, campaign control)."""
        selector = _selector(api_key, user_id)
        if "_id" in selector:
            return selector["_id"]
        account = await self._accounts.find(selector)
        if account is None:
            raise NotAuthenticated("invalid API key")
        return account.user_id

    async def sender(self, *, api_key: str | None, user_id: str | None) -> Caller:
        """Authenticate, check the subscription and count the request against the rate limit."""
        selector = _selector(api_key, user_id)
        at = now()
        account = await self._accounts.count_request(selector, minute_window(at))
        if account is None:
            if "key_hash" in selector:
                raise NotAuthenticated("invalid API key")
            raise SubscriptionInactive("no active subscription")
        sub = account.subscription
        if not sub.is_active(at):
            raise SubscriptionInactive(
                "the subscription is not active",
                {
                    "status": "expired" if sub.status == "active" else sub.status,
                    "ends_at": sub.ends_at.isoformat() if sub.ends_at else None,
                },
            )
        if sub.rate_limited and account.count > sub.rate_limit_per_minute:
            wait = seconds_to_next_window(at)
            retry = retry_after_header(wait)
            raise RateLimited(
                f"more than {sub.rate_limit_per_minute} requests per minute",
                {
                    "retry_after": retry,
                    "limit": sub.rate_limit_per_minute,
                    "reset_in_ms": int(wait * 1000),
                },
                retry_after_s=retry,
            )
        return Caller(account.user_id, account)
