"""Recipients: how one given is normalized, and a message filled in with its variables."""

import re
from typing import Any

from wagate_contracts.message_content import MessageContent
from wagate_contracts.values import normalize_chat_id

_VARIABLE = re.compile(r"\{\{\s*([A-Za-z0-9_]{1,64})\s*\}\}")


class InvalidRecipient(ValueError):
    def __init__(self, value: str, index: int | None = None) -> None:
        super().__init__(f"invalid phone number or chat id: {value[:64]!r}")
        self.value = value
        self.index = index


def normalize_recipient(value: str, index: int | None = None) -> str:
    """Digits for a phone number (``+62 812-3456-7890`` → ``6281234567890``) or a chat id."""
    try:
        return normalize_chat_id(value)
    except ValueError as exc:
        raise InvalidRecipient(value, index) from exc


def render(content: MessageContent, variables: dict[str, str]) -> MessageContent:
    """``{{name}}`` placeholders in the text, caption or body replaced per recipient."""
    if not variables:
        return content

    def fill(text: str) -> str:
        return _VARIABLE.sub(lambda m: variables.get(m.group(1), m.group(0)), text)

    data: dict[str, Any] = content.model_dump(mode="json", exclude_none=True)
    if "text" in data:
        data["text"] = fill(data["text"])
    if data.get("media", {}).get("caption"):
        data["media"]["caption"] = fill(data["media"]["caption"])
    if "buttons" in data:
        data["buttons"]["body"] = fill(data["buttons"]["body"])
    if "list" in data:
        data["list"]["description"] = fill(data["list"]["description"])
    return MessageContent.model_validate(data, strict=False)
