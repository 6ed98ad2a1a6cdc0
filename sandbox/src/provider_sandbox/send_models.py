"""Request bodies of WAHA's send endpoints; each knows the message fields it produces."""

from typing import Any, Self

from pydantic import Field, model_validator

from provider_sandbox.waha_models import WahaModel


class SendBase(WahaModel):
    """What every send carries: the session and the chat to write to."""

    session: str = "default"
    chatId: str
    reply_to: str | None = None

    def message_fields(self) -> dict[str, Any]:
        """Fields of the WAHA message object this request produces."""
        return {"body": "", "hasMedia": False}


class SendText(SendBase):
    text: str = Field(min_length=1)
    linkPreview: bool | None = None
    mentions: list[str] | None = None

    def message_fields(self) -> dict[str, Any]:
        return {"body": self.text, "hasMedia": False}


class SendReply(SendText):
    reply_to: str = Field(min_length=1)


class SendLinkCustomPreview(SendText):
    preview: dict[str, Any]


class FileRef(WahaModel):
    mimetype: str | None = None
    filename: str | None = None
    url: str | None = None
    data: str | None = None

    @model_validator(mode="after")
    def _url_or_data(self) -> Self:
        if not self.url and not self.data:
            raise ValueError("file needs either 'url' or base64 'data'")
        return self


class SendMedia(SendBase):
    file: FileRef
    caption: str | None = None

    def message_fields(self) -> dict[str, Any]:
        media = {
            "url": self.file.url,
            "mimetype": self.file.mimetype,
            "filename": self.file.filename,
        }
        return {"body": self.caption or "", "hasMedia": True, "media": media}


class SendImage(SendMedia):
    pass


class SendFile(SendMedia):
    pass


class SendVideo(SendMedia):
    asNote: bool | None = None
    convert: bool | None = None


class SendVoice(SendMedia):
    convert: bool | None = None


class SendSticker(SendMedia):
    pass


class SendLocation(SendBase):
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    title: str | None = None

    def message_fields(self) -> dict[str, Any]:
        location = {
            "latitude": str(self.latitude),
            "longitude": str(self.longitude),
            "description": self.title,
        }
        return {"body": "", "hasMedia": False, "location": location}


class SendContactVcard(SendBase):
    """Either ``contacts`` (current WAHA) or ``contactsId`` + ``name`` (older WAHA)."""

    contacts: list[dict[str, Any]] | None = None
    contactsId: str | None = None
    name: str | None = None

    @model_validator(mode="after")
    def _some_contact(self) -> Self:
        if not self.contacts and not self.contactsId:
            raise ValueError("send at least one contact in 'contacts'")
        return self

    def message_fields(self) -> dict[str, Any]:
        cards = [str(c.get("vcard") or c.get("fullName") or "") for c in self.contacts or []]
        return {"body": "", "hasMedia": False, "vCards": cards or [self.name or ""]}


class PollSpec(WahaModel):
    name: str = Field(min_length=1)
    options: list[str] = Field(min_length=2)
    multipleAnswers: bool = False


class SendPoll(SendBase):
    poll: PollSpec

    def message_fields(self) -> dict[str, Any]:
        return {"body": self.poll.name, "hasMedia": False, "poll": self.poll.model_dump()}


class ListRow(WahaModel):
    title: str = Field(min_length=1)
    rowId: str | None = None
    description: str | None = None


class ListSection(WahaModel):
    title: str | None = None
    rows: list[ListRow] = Field(min_length=1)


class ListSpec(WahaModel):
    title: str | None = None
    description: str | None = None
    footer: str | None = None
    button: str = Field(min_length=1)
    sections: list[ListSection] = Field(min_length=1)


class SendList(SendBase):
    message: ListSpec

    def message_fields(self) -> dict[str, Any]:
        return {"body": self.message.description or self.message.title or "", "hasMedia": False}


class ButtonSpec(WahaModel):
    type: str = "reply"
    text: str = Field(min_length=1)
    id: str | None = None


class SendButtons(SendBase):
    header: str | None = None
    body: str = Field(min_length=1)
    footer: str | None = None
    buttons: list[ButtonSpec] = Field(min_length=1)

    def message_fields(self) -> dict[str, Any]:
        return {"body": self.body, "hasMedia": False}
