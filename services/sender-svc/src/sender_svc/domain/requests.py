"""What customers send: a message request and a campaign request, validated."""

import re
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from wagate_contracts.message_content import (
    Buttons,
    Contact,
    ListMessage,
    Location,
    Media,
    MessageContent,
    Poll,
)
from wagate_contracts.values import (
    DEFAULT_SEND_STRATEGY,
    Identifier,
    MessageType,
    NonEmptyText,
    SendStrategy,
    ShortText,
    normalize_chat_id,
)

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


class ContentFields(BaseModel):
    """The message body: ``type`` plus the part that type requires."""

    model_config = ConfigDict(extra="forbid")

    type: MessageType
    text: NonEmptyText | None = None
    media: Media | None = None
    location: Location | None = None
    contact: Contact | None = None
    poll: Poll | None = None
    list: ListMessage | None = None
    buttons: Buttons | None = None

    @model_validator(mode="after")
    def _check_content(self) -> Self:
        self.content()
        return self

    def content(self) -> MessageContent:
        return MessageContent.model_validate(
            self.model_dump(include=set(MessageContent.model_fields)), strict=False
        )


class SendMessageRequest(ContentFields):
    to: str = Field(min_length=1, max_length=128)
    session_id: Identifier | None = None
    group_id: Identifier | None = None
    strategy: SendStrategy = DEFAULT_SEND_STRATEGY


RecipientText = Annotated[str, Field(max_length=128)]
"""A recipient as given; an empty or impossible one is ``invalid_phone_number`` (with its index)."""


class Recipient(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: RecipientText
    variables: dict[str, Annotated[str, Field(max_length=1024)]] = Field(default_factory=dict)


class CampaignRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ShortText | None = None
    message: ContentFields
    recipients: list[RecipientText | Recipient] = Field(min_length=1)
    session_ids: list[Identifier] | None = Field(default=None, max_length=100)
    group_id: Identifier | None = None
    strategy: SendStrategy = DEFAULT_SEND_STRATEGY


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
