import hashlib
import hmac

from provider_sandbox.signing import sign, verify


def test_sign_is_hex_hmac_sha512_of_the_body() -> None:
    body = b'{"event":"message"}'
    expected = hmac.new(b"key", body, hashlib.sha512).hexdigest()
    assert sign(body, "key") == expected
    assert len(sign(body, "key")) == 128


def test_verify_accepts_the_signature_and_rejects_tampering() -> None:
    body = b'{"a":1}'
    signature = sign(body, "secret")
    assert verify(body, "secret", signature)
    assert verify(body, "secret", signature.upper())
    assert not verify(b'{"a":2}', "secret", signature)
    assert not verify(body, "other", signature)
    assert not verify(body, "secret", "")
    assert not verify(body, "secret", "not hex ✓")
