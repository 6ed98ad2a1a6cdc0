"""What a customer asked for, once the entry point validated it: plain, typed values.

The HTTP request models (``entrypoints/schemas.py``) turn into these, so the use cases
never see a transport model.
"""

from dataclasses import dataclass, field

from wagate_contracts.message_content import MessageContent
from wagate_contracts.values import SendStrategy


@dataclass(frozen=True)
class SendCommand:
    """One message: ``to`` as given (normalized by the use case), and its content."""

    to: str
    content: MessageContent
    session_id: str | None
    group_id: str | None
    strategy: SendStrategy


@dataclass(frozen=True)
class CampaignRecipient:
    to: str
    variables: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CampaignCommand:
    """One message to many recipients, each with its ``{{variables}}``."""

    name: str | None
    content: MessageContent
    recipients: list[CampaignRecipient]
    session_ids: list[str] | None
    group_id: str | None
    strategy: SendStrategy
