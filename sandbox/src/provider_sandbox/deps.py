"""FastAPI dependencies: the app's ``Sandbox`` and the optional API key check."""

import hmac
from typing import Annotated

from fastapi import Depends, Header, Request

from provider_sandbox.errors import SandboxHTTPError
from provider_sandbox.runtime import Sandbox


async def get_sandbox(request: Request) -> Sandbox:
    sandbox = request.app.state.sandbox
    assert isinstance(sandbox, Sandbox)
    return sandbox


SandboxDep = Annotated[Sandbox, Depends(get_sandbox)]


async def require_api_key(
    sandbox: SandboxDep, x_api_key: Annotated[str | None, Header()] = None
) -> None:
    """WAHA's ``X-Api-Key`` check, enforced only when ``SANDBOX_API_KEY`` is set."""
    expected = sandbox.settings.api_key
    if expected is None:
        return
    given = (x_api_key or "").encode()
    if not hmac.compare_digest(given, expected.get_secret_value().encode()):
        raise SandboxHTTPError(401, {"message": "Unauthorized", "statusCode": 401})
