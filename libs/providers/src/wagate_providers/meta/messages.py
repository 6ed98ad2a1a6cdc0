"""Bodies of ``POST /{phone-number-id}/messages`` (WhatsApp Cloud API), one per type.

See https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages.
The Cloud API has no polls: a poll is refused as ``unsupported_message_type``.
"""

from typing import Any

from wagate_contracts.message_content import MessageContent

from wagate_providers.base import ProviderError

Body = dict[str, Any]
_MEDIA = ("image", "video", "audio", "document", "sticker")


def _envelope(to: str, kind: str, part: Any) -> Body:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "group" if to.endswith("@g.us") else "individual",
        "to": to.partition("@")[0] if not to.endswith("@g.us") else to,
        "type": kind,
        kind: part,
    }


def _media(content: MessageContent) -> Body:
    media = content.media
    assert media is not None
    part: Body = {"link": media.url}
    if media.caption and content.type in ("image", "video", "document"):
        part["caption"] = media.caption
    if media.filename and content.type == "document":
        part["filename"] = media.filename
    return part


def _contact(content: MessageContent) -> list[Body]:
    contact = content.contact
    assert contact is not None
    first, _, last = contact.full_name.partition(" ")
    name: Body = {"formatted_name": contact.full_name, "first_name": first}
    if last:
        name["last_name"] = last
    card: Body = {
        "name": name,
        "phones": [
            {"phone": f"+{contact.phone_number}", "type": "CELL", "wa_id": contact.phone_number}
        ],
    }
    if contact.organization:
        card["org"] = {"company": contact.organization}
    if contact.email:
        card["emails"] = [{"email": contact.email, "type": "WORK"}]
    return [card]


def _interactive(content: MessageContent) -> Body:
    if content.type == "list":
        lst = content.list
        assert lst is not None
        part: Body = {
            "type": "list",
            "body": {"text": lst.description},
            "action": {
                "button": lst.button_text,
                "sections": [
                    {
                        "title": s.title,
                        "rows": [
                            {"id": r.id, "title": r.title}
                            | ({"description": r.description} if r.description else {})
                            for r in s.rows
                        ],
                    }
                    for s in lst.sections
                ],
            },
        }
        if lst.title:
            part["header"] = {"type": "text", "text": lst.title}
        footer = lst.footer
    else:
        buttons = content.buttons
        assert buttons is not None
        part = {
            "type": "button",
            "body": {"text": buttons.body},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": b.id, "title": b.text}}
                    for b in buttons.buttons
                ]
            },
        }
        footer = buttons.footer
    if footer:
        part["footer"] = {"text": footer}
    return part


def message_body(to: str, content: MessageContent) -> Body:
    """The request body that sends ``content`` to ``to``."""
    kind = content.type
    if kind == "text":
        return _envelope(to, "text", {"preview_url": False, "body": content.text})
    if kind in _MEDIA:
        return _envelope(to, kind, _media(content))
    if kind == "location":
        loc = content.location
        assert loc is not None
        part = {"latitude": loc.latitude, "longitude": loc.longitude}
        extra = {"name": loc.name, "address": loc.address}
        return _envelope(to, "location", part | {k: v for k, v in extra.items() if v})
    if kind == "contact":
        return _envelope(to, "contacts", _contact(content))
    if kind in ("list", "buttons"):
        return _envelope(to, "interactive", _interactive(content))
    raise ProviderError(
        "permanent", "unsupported_message_type", f"the Cloud API cannot send {kind!r} messages"
    )


def template_body(to: str, name: str, language: str, components: list[Body] | None = None) -> Body:
    """A template message (needed outside the 24-hour customer service window)."""
    template: Body = {"name": name, "language": {"code": language}}
    if components:
        template["components"] = components
    return _envelope(to, "template", template)
