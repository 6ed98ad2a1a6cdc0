"""API keys: one per user, shown once, stored hashed; rotation announces the hash."""

from dataclasses import dataclass
from datetime import UTC, datetime

from pymongo.asynchronous.client_session import AsyncClientSession
from wagate_contracts import ApiKeyRotated, Service
from wagate_contracts.envelope import Event
from wagate_platform.auth import api_key_display_prefix, generate_api_key, hash_api_key
from wagate_platform.mongo import Document
from wagate_platform.runtime import ServiceRuntime
from wagate_platform.unit_of_work import commit

from billing_svc.adapters.api_key_repository import ApiKeyRepository


@dataclass(frozen=True)
class IssuedKey:
    api_key: str
    prefix: str
    created_at: datetime


class ApiKeys:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self._runtime = runtime
        self._keys = ApiKeyRepository(runtime.db)

    async def rotate(self, user_id: str) -> IssuedKey:
        """A new key replaces the user's old one at once; the key itself is never stored."""
        key = generate_api_key()
        issued = IssuedKey(key, api_key_display_prefix(key), datetime.now(UTC))
        key_hash = hash_api_key(key)

        async def work(session: AsyncClientSession) -> tuple[None, list[Event]]:
            await self._keys.replace(user_id, key_hash, issued.prefix, issued.created_at, session)
            rotated = ApiKeyRotated(
                producer=Service.BILLING,
                user_id=user_id,
                key_hash=key_hash,
                prefix=issued.prefix,
                rotated_at=issued.created_at,
            )
            return None, [rotated]

        await commit(self._runtime, work)
        return issued

    async def of_user(self, user_id: str) -> Document | None:
        return await self._keys.of_user(user_id)
