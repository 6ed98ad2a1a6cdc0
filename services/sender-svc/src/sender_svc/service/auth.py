"""Who is calling, and may they send now: one MongoDB round trip.

The caller is resolved from an API key (``X-Api-Key`` / ``Authorization: Bearer wg_live_…``,
looked up by its SHA-256 in the ``apikey.rotated`` projection) or a customer JWT, and the
same ``find_one_and_update`` counts the request in the user's per-minute window.
"""

from dataclasses import dataclass

from fastapi import Request
from wagate_platform.auth import api_key_from_request, bearer_token, decode_jwt, hash_api_key
from wagate_platform.errors import ApiError

from sender_svc.adapters.accounts import Account, AccountRepository
from sender_svc.domain.calendar import (
    minute_window,
    now,
    retry_after_header,
    seconds_to_next_window,
)


@dataclass(frozen=True)
class Caller:
    user_id: str
    account: Account


class Authenticator:
    def __init__(self, accounts: AccountRepository, jwt_secret: str) -> None:
        self._accounts = accounts
        self._secret = jwt_secret

    def _selector(self, request: Request) -> dict[str, str]:
        key = api_key_from_request(request)
        if key:
            return {"key_hash": hash_api_key(key)}
        token = bearer_token(request)
        if token is None:
            raise ApiError(
                401,
                "unauthorized",
                "missing API key or token",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return {"_id": decode_jwt(token, self._secret).user_id}

    async def user_id(self, request: Request) -> str:
        """The caller's user id, without counting a send (reads, campaign control)."""
        selector = self._selector(request)
        if "_id" in selector:
            return selector["_id"]
        account = await self._accounts.find(selector)
        if account is None:
            raise ApiError(
                401, "unauthorized", "invalid API key", headers={"WWW-Authenticate": "Bearer"}
            )
        return account.user_id

    async def sender(self, request: Request) -> Caller:
        """Authenticate, check the subscription and count the request against the rate limit."""
        selector = self._selector(request)
        at = now()
        account = await self._accounts.count_request(selector, minute_window(at))
        if account is None:
            if "key_hash" in selector:
                raise ApiError(
                    401, "unauthorized", "invalid API key", headers={"WWW-Authenticate": "Bearer"}
                )
            raise ApiError(403, "subscription_inactive", "no active subscription")
        sub = account.subscription
        if not sub.is_active(at):
            raise ApiError(
                403,
                "subscription_inactive",
                "the subscription is not active",
                {
                    "status": "expired" if sub.status == "active" else sub.status,
                    "ends_at": sub.ends_at.isoformat() if sub.ends_at else None,
                },
            )
        if sub.rate_limited and account.count > sub.rate_limit_per_minute:
            wait = seconds_to_next_window(at)
            retry = retry_after_header(wait)
            raise ApiError(
                429,
                "rate_limited",
                f"more than {sub.rate_limit_per_minute} requests per minute",
                {
                    "retry_after": retry,
                    "limit": sub.rate_limit_per_minute,
                    "reset_in_ms": int(wait * 1000),
                },
                headers={"Retry-After": str(retry)},
            )
        return Caller(account.user_id, account)
