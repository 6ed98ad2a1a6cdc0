"""The OpenAPI document of sender-svc types every route's success answer."""

from typing import Any

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


def _typed(schema: dict[str, Any]) -> bool:
    return "$ref" in schema or (schema.get("type") == "object" and bool(schema.get("properties")))


async def test_every_operation_has_a_typed_success_response(sender_app):
    async with sender_app() as (_, client):
        spec = (await client.get("/openapi.json")).json()
    operations = {
        f"{method.upper()} {path}": op
        for path, ops in spec["paths"].items()
        if path.startswith("/v1/")
        for method, op in ops.items()
    }
    assert len(operations) == 10
    untyped = []
    for name, op in operations.items():
        success = [r for code, r in op["responses"].items() if code.startswith("2")]
        schemas = [
            r.get("content", {}).get("application/json", {}).get("schema", {}) for r in success
        ]
        if not schemas or not all(_typed(s) for s in schemas):
            untyped.append(name)
    assert untyped == []
