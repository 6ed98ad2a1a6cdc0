"""Unit: the request models are the contracts' content plus the send fields, and they turn
into the plain commands the use cases take (pure, no infrastructure)."""

import pytest
from pydantic import ValidationError
from sender_svc.domain.commands import CampaignRecipient
from sender_svc.entrypoints.schemas import CampaignRequest, SendMessageRequest
from wagate_contracts.message_content import MessageContent


def test_a_send_request_becomes_a_command_with_the_contract_content():
    body = SendMessageRequest.model_validate(
        {"to": "+62 812", "type": "text", "text": " hi ", "session_id": "ses_1"}
    )
    command = body.command()
    assert command.content == MessageContent(type="text", text="hi")
    assert (command.to, command.session_id, command.group_id) == ("+62 812", "ses_1", None)
    assert command.strategy == "least_recently_used"


@pytest.mark.parametrize(
    "body",
    [
        {"to": "1", "type": "text"},  # the type's part is missing
        {"to": "1", "type": "text", "text": "x", "colour": "red"},  # unknown field
        {"to": "", "type": "text", "text": "x"},
    ],
)
def test_a_bad_send_request_is_refused(body):
    with pytest.raises(ValidationError):
        SendMessageRequest.model_validate(body)


def test_campaign_recipients_given_as_text_or_with_variables_become_one_kind():
    body = CampaignRequest.model_validate(
        {
            "message": {"type": "text", "text": "hi {{name}}"},
            "recipients": ["6281", {"to": "6282", "variables": {"name": "Ana"}}],
        }
    )
    command = body.command()
    assert command.recipients == [
        CampaignRecipient("6281"),
        CampaignRecipient("6282", {"name": "Ana"}),
    ]
    assert command.content.text == "hi {{name}}"
