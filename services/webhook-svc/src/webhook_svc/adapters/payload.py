"""Reading untrusted JSON defensively: every shape error is an ``InvalidPayload``."""

from datetime import UTC, datetime
from typing import Any

from webhook_svc.domain.inbound import InvalidPayload

Json = dict[str, Any]


def obj(value: object, where: str) -> Json:
    if not isinstance(value, dict):
        raise InvalidPayload(f"{where} must be a JSON object")
    return value


def items(value: object, where: str) -> list[Json]:
    """A list of objects; a missing list is empty."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidPayload(f"{where} must be a list")
    return [obj(item, f"{where}[]") for item in value]


def text(value: object, where: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise InvalidPayload(f"{where} must be a non-empty string")
    return value.strip()


def optional_text(value: object) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value.strip() or None if isinstance(value, str) else None


def epoch(value: object, *, default: datetime | None = None) -> datetime:
    """Seconds or milliseconds since the epoch (number or numeric string); else now."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default or datetime.now(UTC)
    if number > 1e11:  # milliseconds
        number /= 1000
    try:
        return datetime.fromtimestamp(number, UTC)
    except (OverflowError, OSError, ValueError):
        return default or datetime.now(UTC)


def phone_of(chat_id: str | None) -> str | None:
    """``"6281234@c.us"`` → ``"6281234"``; None when there are no digits."""
    if not chat_id:
        return None
    digits = chat_id.partition("@")[0].partition(":")[0]
    return digits if digits.isdigit() else None
