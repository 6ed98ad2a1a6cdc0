"""The HTTP shapes of sender-svc: request models (built on the contracts' ``MessageContent``)
and the response model of every route, so the OpenAPI document is typed end to end."""

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from wagate_contracts.message_content import MessageContent
from wagate_contracts.values import DEFAULT_SEND_STRATEGY, Identifier, SendStrategy, ShortText

from sender_svc.domain.commands import CampaignCommand, CampaignRecipient, SendCommand


class ContentFields(MessageContent):
    """The message body: the contract's ``MessageContent`` (its fields and its check that
    the type's part is there), as a request: unknown fields are refused, and JSON values
    are coerced as in any request model."""

    model_config = ConfigDict(
        extra="forbid", strict=False, frozen=False, str_strip_whitespace=False
    )

    def content(self) -> MessageContent:
        return MessageContent.model_validate(
            self.model_dump(include=set(MessageContent.model_fields)), strict=False
        )


class SendMessageRequest(ContentFields):
    to: str = Field(min_length=1, max_length=128)
    session_id: Identifier | None = None
    group_id: Identifier | None = None
    strategy: SendStrategy = DEFAULT_SEND_STRATEGY

    def command(self) -> SendCommand:
        return SendCommand(self.to, self.content(), self.session_id, self.group_id, self.strategy)


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

    def command(self) -> CampaignCommand:
        return CampaignCommand(
            name=self.name,
            content=self.message.content(),
            recipients=[
                CampaignRecipient(r.to, r.variables)
                if isinstance(r, Recipient)
                else CampaignRecipient(r)
                for r in self.recipients
            ],
            session_ids=self.session_ids,
            group_id=self.group_id,
            strategy=self.strategy,
        )


class MessageAccepted(BaseModel):
    """``202``: the message is durably queued."""

    id: str
    status: str
    created_at: str


class DirectSent(BaseModel):
    """The provider took the message."""

    id: str
    status: str
    to: str
    session_id: str
    provider: str
    provider_message_id: str
    provider_response: dict[str, Any]


class StatusChange(BaseModel):
    status: str
    at: str


class MessageView(BaseModel):
    id: str
    status: str
    to: str
    type: str | None
    session_id: str | None
    provider_message_id: str | None
    campaign_id: str | None
    error: dict[str, Any] | None
    created_at: str
    next_attempt_at: str | None
    history: list[StatusChange]


class MessageList(BaseModel):
    messages: list[MessageView]


class RateLimit(BaseModel):
    """The caller's per-minute budget."""

    limit: int
    remaining: int
    reset_in_ms: int
    is_limited: bool


class CampaignAccepted(BaseModel):
    """``202``: the campaign and its recipients are stored."""

    id: str
    status: str
    total: int


class CampaignState(BaseModel):
    """A campaign as the control routes (pause, resume, cancel) answer it."""

    id: str
    name: str | None
    status: str
    total: int
    prepared: int
    strategy: str | None
    created_at: str


class CampaignProgress(BaseModel):
    queued: int
    sent: int
    delivered: int
    read: int
    failed: int
    done: int
    percent: float


class SessionSplit(BaseModel):
    session_id: str
    sent: int
    failed: int


class CampaignDetail(CampaignState):
    """``GET /v1/campaigns/{id}``: the state, with progress and the split per session."""

    progress: CampaignProgress
    sessions: list[SessionSplit]
