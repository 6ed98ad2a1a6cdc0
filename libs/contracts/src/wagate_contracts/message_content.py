"""The body of a message to send: used by ``message.requested`` and the send API."""

from typing import Annotated, Self

from pydantic import Field, Strict, StringConstraints, model_validator

from wagate_contracts.envelope import ContractModel
from wagate_contracts.values import (
    MEDIA_MESSAGE_TYPES,
    HttpUrlStr,
    Identifier,
    MessageType,
    NonEmptyText,
    PhoneNumber,
    ShortText,
)

Caption = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1024)]
"""A media caption, 1-1024 characters."""


class Media(ContractModel):
    """An image, video, audio, document or sticker, fetched by the provider from ``url``."""

    url: HttpUrlStr
    caption: Caption | None = None
    filename: ShortText | None = None
    mime_type: ShortText | None = None


class Location(ContractModel):
    """A map pin. Coordinates in decimal degrees (ints are accepted)."""

    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    name: ShortText | None = None
    address: NonEmptyText | None = None


class Contact(ContractModel):
    """A contact card (vCard) to share."""

    full_name: ShortText
    phone_number: PhoneNumber
    organization: ShortText | None = None
    email: ShortText | None = None


class Poll(ContractModel):
    """A poll with 2-12 distinct options."""

    name: ShortText
    options: Annotated[tuple[ShortText, ...], Strict(False)] = Field(min_length=2, max_length=12)
    multiple_answers: bool = False

    @model_validator(mode="after")
    def _distinct_options(self) -> Self:
        if len(set(self.options)) != len(self.options):
            raise ValueError("poll options must be distinct")
        return self


class ListRow(ContractModel):
    id: Identifier
    title: ShortText
    description: ShortText | None = None


class ListSection(ContractModel):
    title: ShortText
    rows: Annotated[tuple[ListRow, ...], Strict(False)] = Field(min_length=1, max_length=10)


class ListMessage(ContractModel):
    """An interactive list: a button that opens sections of selectable rows."""

    title: ShortText | None = None
    description: NonEmptyText
    button_text: ShortText
    sections: Annotated[tuple[ListSection, ...], Strict(False)] = Field(min_length=1, max_length=10)
    footer: ShortText | None = None

    @model_validator(mode="after")
    def _distinct_row_ids(self) -> Self:
        ids = [row.id for section in self.sections for row in section.rows]
        if len(set(ids)) != len(ids):
            raise ValueError("list row ids must be distinct")
        return self


class Button(ContractModel):
    id: Identifier
    text: ShortText


class Buttons(ContractModel):
    """A message with 1-3 quick-reply buttons."""

    body: NonEmptyText
    buttons: Annotated[tuple[Button, ...], Strict(False)] = Field(min_length=1, max_length=3)
    footer: ShortText | None = None

    @model_validator(mode="after")
    def _distinct_button_ids(self) -> Self:
        ids = [button.id for button in self.buttons]
        if len(set(ids)) != len(ids):
            raise ValueError("button ids must be distinct")
        return self


_REQUIRED_PART: dict[MessageType, str] = {
    "text": "text",
    "location": "location",
    "contact": "contact",
    "poll": "poll",
    "list": "list",
    "buttons": "buttons",
}


class MessageContent(ContractModel):
    """What to send: ``type`` plus the part that type needs (``text``, ``media`` …).

    Parts that the type does not use are ignored by the senders.
    """

    type: MessageType
    text: NonEmptyText | None = None
    media: Media | None = None
    location: Location | None = None
    contact: Contact | None = None
    poll: Poll | None = None
    list: ListMessage | None = None
    buttons: Buttons | None = None

    @model_validator(mode="after")
    def _require_part(self) -> Self:
        if self.type in MEDIA_MESSAGE_TYPES:
            if self.media is None:
                raise ValueError(f"a {self.type!r} message requires media.url")
            return self
        part = _REQUIRED_PART[self.type]
        if getattr(self, part) is None:
            raise ValueError(f"a {self.type!r} message requires {part!r}")
        return self
