"""Unit: ENVIRONMENT defaults to production, where default or placeholder secrets refuse
to start; development (and test) must be asked for explicitly. Each secret is refused in
the settings class that carries it, and a service's settings refuse all the ones it inherits."""

from typing import ClassVar

import pytest
from pydantic import SecretStr
from wagate_platform.settings import (
    DEV_JWT_SECRET,
    DEV_SHARED_SECRET,
    ProviderCallbackSettings,
    ProviderSettings,
    ServiceSettings,
)

SECRETS = ("AUTH_JWT_SECRET", "PROVIDER_WEBHOOK_HMAC_KEY", "WEBHOOK_SHARED_SECRET")


class CallbackSettings(ProviderCallbackSettings):
    """Like webhook-svc's: the provider callback key plus a secret of its own."""

    placeholder_refused: ClassVar[tuple[str, ...]] = ("webhook_shared_secret",)
    webhook_shared_secret: SecretStr = SecretStr(DEV_SHARED_SECRET)


@pytest.fixture
def bare_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No ENVIRONMENT and no secrets in the process environment: the class defaults apply."""
    for name in ("ENVIRONMENT", *SECRETS):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_without_environment_the_placeholder_secrets_refuse_to_start(bare_environment) -> None:
    with pytest.raises(ValueError, match="refusing to start in production mode") as refused:
        CallbackSettings()
    for name in SECRETS:
        assert name in str(refused.value)


def test_a_placeholder_given_explicitly_is_refused_too(bare_environment) -> None:
    strong = "s" * 40
    bare_environment.setenv("AUTH_JWT_SECRET", DEV_JWT_SECRET)
    bare_environment.setenv("PROVIDER_WEBHOOK_HMAC_KEY", strong)
    bare_environment.setenv("WEBHOOK_SHARED_SECRET", "changeme")
    with pytest.raises(ValueError, match="AUTH_JWT_SECRET, WEBHOOK_SHARED_SECRET"):
        CallbackSettings()


@pytest.mark.parametrize("mode", ["development", "test"])
def test_development_and_test_modes_accept_the_placeholders(bare_environment, mode) -> None:
    bare_environment.setenv("ENVIRONMENT", mode)
    settings = CallbackSettings()
    assert settings.environment == mode
    assert settings.is_development
    assert settings.auth_jwt_secret.get_secret_value() == DEV_JWT_SECRET


def test_production_starts_with_real_secrets(bare_environment) -> None:
    for name in SECRETS:
        bare_environment.setenv(name, f"{name.lower()}-0123456789abcdef")
    settings = CallbackSettings()
    assert settings.environment == "production"
    assert not settings.is_development


def test_each_class_refuses_only_the_secrets_it_carries(bare_environment) -> None:
    assert ServiceSettings.refused_secrets() == ["auth_jwt_secret"]
    assert ProviderSettings.refused_secrets() == ["auth_jwt_secret"]
    assert ProviderCallbackSettings.refused_secrets() == [
        "auth_jwt_secret",
        "provider_webhook_hmac_key",
    ]
    assert CallbackSettings.refused_secrets() == [
        "auth_jwt_secret",
        "provider_webhook_hmac_key",
        "webhook_shared_secret",
    ]
    with pytest.raises(ValueError, match="secret: AUTH_JWT_SECRET \\("):
        ServiceSettings()


def test_the_common_settings_carry_no_provider_settings() -> None:
    provider_fields = {"provider", "provider_url", "provider_api_key"}
    callback_fields = {"provider_webhook_hmac_key"}
    assert not (provider_fields | callback_fields) & set(ServiceSettings.model_fields)
    assert provider_fields <= set(ProviderSettings.model_fields)
    assert callback_fields <= set(ProviderCallbackSettings.model_fields)


def test_the_provider_callback_key_alone_is_refused(bare_environment) -> None:
    bare_environment.setenv("AUTH_JWT_SECRET", "a" * 40)
    with pytest.raises(ValueError, match="secret: PROVIDER_WEBHOOK_HMAC_KEY \\("):
        ProviderCallbackSettings()
    bare_environment.setenv("PROVIDER_WEBHOOK_HMAC_KEY", "h" * 40)
    assert ProviderCallbackSettings().provider_webhook_hmac_key.get_secret_value() == "h" * 40
