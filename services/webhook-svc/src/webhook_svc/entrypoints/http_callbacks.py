"""Provider callbacks in: verify, parse, hand to the ingest use case (thin)."""

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse
from pydantic import TypeAdapter, ValidationError
from wagate_contracts.values import ProviderName
from wagate_platform.errors import ApiError

from webhook_svc.adapters.generic import GenericBatch, GenericStatus
from webhook_svc.domain.inbound import CallbackItem, InvalidPayload
from webhook_svc.domain.signatures import matches
from webhook_svc.entrypoints.schemas import IngestAnswer
from webhook_svc.service.callbacks import Verifier
from webhook_svc.service.container import Container
from webhook_svc.service.metrics import CALLBACK_REJECTED

_BATCH = TypeAdapter(GenericBatch | list[GenericStatus])


def callbacks_router(container: Container) -> APIRouter:
    settings, ingestor = container.settings, container.ingestor
    sources, generic = container.callback_sources, container.generic_verifier
    router = APIRouter(tags=["provider callbacks"])
    limit = settings.max_body_bytes
    verify_token = settings.meta_verify_token.get_secret_value()

    async def authenticated_json(request: Request, name: str, verify: Verifier) -> object:
        body = await _read_body(request, limit, name)
        if not verify(body, request.headers):
            CALLBACK_REJECTED.labels(name, "unauthorized").inc()
            raise ApiError(401, "unauthorized", "missing or invalid callback signature")
        try:
            return json.loads(body)
        except (ValueError, RecursionError) as exc:
            CALLBACK_REJECTED.labels(name, "invalid_json").inc()
            raise ApiError(400, "invalid_json", "the body is not valid JSON") from exc

    async def ingest(name: str, provider: ProviderName, items: list[CallbackItem]) -> IngestAnswer:
        try:
            result = await ingestor.ingest(provider, items)
        except InvalidPayload:
            CALLBACK_REJECTED.labels(name, "invalid_payload").inc()
            raise
        return IngestAnswer(**result.as_dict())

    @router.post("/v1/webhooks/{provider}", response_model=IngestAnswer)
    async def provider_callback(provider: str, request: Request) -> IngestAnswer:
        """A provider's callback, in its own payload format and signature scheme."""
        source = sources.get(provider)
        if source is None:
            raise ApiError(404, "not_found", f"unknown provider {provider[:32]!r}")
        data = await authenticated_json(request, provider, source.verify)
        try:
            items = source.parse(data)
        except InvalidPayload:
            CALLBACK_REJECTED.labels(provider, "invalid_payload").inc()
            raise
        return await ingest(provider, source.provider, items)

    @router.get("/v1/webhooks/meta", response_class=PlainTextResponse, response_model=str)
    async def meta_handshake(
        mode: Annotated[str, Query(alias="hub.mode")] = "",
        token: Annotated[str, Query(alias="hub.verify_token")] = "",
        challenge: Annotated[str, Query(alias="hub.challenge", max_length=256)] = "",
    ) -> PlainTextResponse:
        """Meta's subscription handshake: echo ``hub.challenge`` for the right token only."""
        if mode != "subscribe" or not challenge or not matches(verify_token, token):
            raise ApiError(403, "forbidden", "verification token mismatch")
        return PlainTextResponse(challenge)

    @router.post("/v1/events/message", response_model=IngestAnswer)
    async def generic_callback(request: Request) -> IngestAnswer:
        """A generic status callback ``{user_id, session_id, message_id, to, status, ...}``."""
        data = await authenticated_json(request, "generic", generic)
        try:
            status = GenericStatus.model_validate(data)
        except ValidationError as exc:
            raise RequestValidationError(exc.errors()) from exc
        return await ingest("generic", settings.provider, [status.to_item()])

    @router.post("/v1/events/message/batch", response_model=IngestAnswer)
    async def generic_batch(request: Request) -> IngestAnswer:
        """Several generic callbacks, as a list or ``{"events": [...]}``, in one pass."""
        data = await authenticated_json(request, "generic", generic)
        try:
            parsed = _BATCH.validate_python(data)
        except ValidationError as exc:
            raise RequestValidationError(exc.errors()) from exc
        statuses = parsed.events if isinstance(parsed, GenericBatch) else parsed
        if not statuses or len(statuses) > 500:
            raise ApiError(422, "validation_error", "a batch holds 1 to 500 events")
        return await ingest("generic", settings.provider, [s.to_item() for s in statuses])

    return router


async def _read_body(request: Request, limit: int, name: str) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        CALLBACK_REJECTED.labels(name, "too_large").inc()
        raise ApiError(413, "payload_too_large", f"the body exceeds {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            CALLBACK_REJECTED.labels(name, "too_large").inc()
            raise ApiError(413, "payload_too_large", f"the body exceeds {limit} bytes")
    return bytes(body)
