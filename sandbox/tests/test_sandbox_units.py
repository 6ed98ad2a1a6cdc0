"""Small pieces: chat/message/event ids, the QR PNG, settings from the environment."""

import struct
import zlib

import pytest
from provider_sandbox.ids import event_id, message_id, normalize_chat_id, parse_message_id
from provider_sandbox.qr import PNG_SIGNATURE, new_qr_value, render_png
from provider_sandbox.settings import SandboxSettings
from pydantic import ValidationError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("6281234567890@c.us", "6281234567890@c.us"),
        ("6281234567890@s.whatsapp.net", "6281234567890@c.us"),
        ("6281234567890", "6281234567890@c.us"),
        ("+62 812-3456-7890", "6281234567890@c.us"),
        ("120363025246125486@g.us", "120363025246125486@g.us"),
        ("abc@c.us", None),
        ("62812@example.com", None),
        ("hello", None),
        ("", None),
    ],
)
def test_normalize_chat_id(value: str, expected: str | None) -> None:
    assert normalize_chat_id(value) == expected


def test_message_and_event_ids() -> None:
    own = message_id(True, "6281234567890@c.us")
    assert own.startswith("true_6281234567890@c.us_3EB0")
    assert parse_message_id(own) == (True, "6281234567890@c.us")
    assert parse_message_id(message_id(False, "1@g.us")) == (False, "1@g.us")
    assert parse_message_id("whatever") is None
    first, second = event_id(), event_id()
    assert first.startswith("evt_")
    assert len(first) == 30
    assert first != second


def test_qr_png_is_a_valid_png() -> None:
    png = render_png(new_qr_value())
    assert png.startswith(PNG_SIGNATURE)
    offset, chunks = len(PNG_SIGNATURE), {}
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        tag = png[offset + 4 : offset + 8]
        data = png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(tag + data) & 0xFFFFFFFF
        chunks[tag] = data
        offset += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (width, height, depth, colour) == (222, 222, 8, 0)
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (width + 1)
    assert list(chunks)[-1] == b"IEND"
    assert render_png("same") == render_png("same")


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANDBOX_PORT", "9999")
    monkeypatch.setenv("SANDBOX_AUTO_CONNECT", "true")
    monkeypatch.setenv("SANDBOX_ACK_DELAYS_MS", "0, 50,100")
    monkeypatch.setenv("SANDBOX_WEBHOOK_EVENTS", '["message", "message.ack"]')
    monkeypatch.setenv("SANDBOX_API_KEY", "secret")
    settings = SandboxSettings()
    assert settings.port == 9999
    assert settings.auto_connect is True
    assert settings.ack_delays_ms == [0, 50, 100]
    assert settings.webhook_events == ["message", "message.ack"]
    assert settings.api_key is not None
    assert settings.api_key.get_secret_value() == "secret"
    assert "secret" not in repr(settings)

    monkeypatch.setenv("SANDBOX_WEBHOOK_EVENTS", "session.status,message")
    assert SandboxSettings().webhook_events == ["session.status", "message"]
    monkeypatch.setenv("SANDBOX_ACK_DELAYS_MS", "1,2")
    with pytest.raises(ValidationError):
        SandboxSettings()
