"""API keys: one per user, shown once, stored hashed; rotation announces the hash."""

from dataclasses import dataclass
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession
from wagate_contracts import ApiKeyRotated, Service
from wagate_contracts.envelope import Event
from wagate_platform.identity import api_key_display_prefix, generate_api_key, hash_api_key
from wagate_platform.unit_of_work import UnitOfWork

from billing_svc.adapters.api_key_repository import ApiKeyRepository
from billing_svc.domain.api_keys import ApiKey
from billing_svc.domain.clock import Clock


@dataclass(frozen=True)
class IssuedKey:
    api_key: str
    prefix: str
    created_at: datetime


class ApiKeys:
    def __init__(self, keys: ApiKeyRepository, uow: UnitOfWork, clock: Clock) -> None:
        self._keys = keys
        self._uow = uow
        self._clock = clock

    async def rotate(self, user_id: str) -> IssuedKey:
        """A new key replaces the user's old one at once; the key itself is never stored."""
        key = generate_api_key()
        issued = IssuedKey(key, api_key_display_prefix(key), self._clock())
        key_hash = hash_api_key(key)
        stored = ApiKey(user_id, issued.prefix, issued.created_at)

        async def work(session: AsyncClientSession) -> tuple[None, list[Event]]:
            await self._keys.replace(stored, key_hash, session)
            rotated = ApiKeyRotated(
                producer=Service.BILLING,
                user_id=user_id,
                key_hash=key_hash,
                prefix=issued.prefix,
                rotated_at=issued.created_at,
            )
            return None, [rotated]

        await self._uow.commit(work)
        return issued

    async def of_user(self, user_id: str) -> ApiKey | None:
        return await self._keys.of_user(user_id)
