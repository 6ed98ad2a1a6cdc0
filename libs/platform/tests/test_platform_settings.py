"""Unit: ENVIRONMENT defaults to production, where default or placeholder secrets refuse
to start; development (and test) must be asked for explicitly."""

import pytest
from wagate_platform.settings import DEV_JWT_SECRET, ServiceSettings

SECRETS = ("AUTH_JWT_SECRET", "PROVIDER_WEBHOOK_HMAC_KEY", "WEBHOOK_SHARED_SECRET")


@pytest.fixture
def bare_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No ENVIRONMENT and no secrets in the process environment: the class defaults apply."""
    for name in ("ENVIRONMENT", *SECRETS):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_without_environment_the_placeholder_secrets_refuse_to_start(bare_environment) -> None:
    with pytest.raises(ValueError, match="refusing to start in production mode") as refused:
        ServiceSettings()
    for name in SECRETS:
        assert name in str(refused.value)


def test_a_placeholder_given_explicitly_is_refused_too(bare_environment) -> None:
    strong = "s" * 40
    bare_environment.setenv("AUTH_JWT_SECRET", DEV_JWT_SECRET)
    bare_environment.setenv("PROVIDER_WEBHOOK_HMAC_KEY", strong)
    bare_environment.setenv("WEBHOOK_SHARED_SECRET", "changeme")
    with pytest.raises(ValueError, match="AUTH_JWT_SECRET, WEBHOOK_SHARED_SECRET"):
        ServiceSettings()


@pytest.mark.parametrize("mode", ["development", "test"])
def test_development_and_test_modes_accept_the_placeholders(bare_environment, mode) -> None:
    bare_environment.setenv("ENVIRONMENT", mode)
    settings = ServiceSettings()
    assert settings.environment == mode
    assert settings.is_development
    assert settings.auth_jwt_secret.get_secret_value() == DEV_JWT_SECRET


def test_production_starts_with_real_secrets(bare_environment) -> None:
    for name in SECRETS:
        bare_environment.setenv(name, f"{name.lower()}-0123456789abcdef")
    settings = ServiceSettings()
    assert settings.environment == "production"
    assert not settings.is_development
