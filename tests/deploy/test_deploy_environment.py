"""ENVIRONMENT defaults to production for every service; whatever runs in development says so.

- each service's settings, built from an environment without ENVIRONMENT and with the
  placeholder secrets, refuse to start; ``ENVIRONMENT=development`` accepts them;
- ``make run``'s launcher gives every child (the sandbox included) ``ENVIRONMENT=development``,
  and each service accepts the environment it passes.

docker-compose.yml (development) and deploy/k8s (production) are checked in
test_deploy_compose.py.
"""

import os

import pytest
from billing_svc.settings import BillingSettings
from sender_svc.settings import SenderSettings
from session_svc.settings import SessionSettings
from stats_svc.settings import StatsSettings
from wagate_devstack.devrun import child_env
from wagate_platform.settings import ServiceSettings
from webhook_svc.settings import WebhookSettings

SERVICE_SETTINGS: list[type[ServiceSettings]] = [
    SessionSettings,
    BillingSettings,
    SenderSettings,
    WebhookSettings,
    StatsSettings,
]


@pytest.fixture
def bare_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The process environment without any variable a service reads (names are matched
    case-insensitively, like pydantic-settings does)."""
    fields = {name.upper() for cls in SERVICE_SETTINGS for name in cls.model_fields}
    for name in list(os.environ):
        if name.upper() in fields:
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.mark.parametrize("settings_cls", SERVICE_SETTINGS, ids=lambda c: c.__name__)
def test_a_service_without_environment_refuses_the_placeholder_secrets(
    bare_environment, settings_cls
) -> None:
    with pytest.raises(ValueError, match="refusing to start"):
        settings_cls()


@pytest.mark.parametrize("settings_cls", SERVICE_SETTINGS, ids=lambda c: c.__name__)
def test_a_service_in_development_accepts_them(bare_environment, settings_cls) -> None:
    bare_environment.setenv("ENVIRONMENT", "development")
    assert settings_cls().is_development


@pytest.mark.parametrize("settings_cls", SERVICE_SETTINGS, ids=lambda c: c.__name__)
def test_make_run_children_start_in_development(bare_environment, settings_cls) -> None:
    env = child_env("amqp://guest:guest@127.0.0.1:5672/", "mongodb://127.0.0.1:27017/")
    assert env["ENVIRONMENT"] == "development"  # one env for all six children
    for name, value in env.items():
        bare_environment.setenv(name, value)
    settings = settings_cls()
    assert settings.environment == "development"
    assert settings.auth_jwt_secret.get_secret_value() == env["AUTH_JWT_SECRET"]


REFUSED_SECRETS = {
    SessionSettings: {"AUTH_JWT_SECRET", "PROVIDER_WEBHOOK_HMAC_KEY"},
    BillingSettings: {"AUTH_JWT_SECRET"},
    SenderSettings: {"AUTH_JWT_SECRET"},
    WebhookSettings: {"AUTH_JWT_SECRET", "PROVIDER_WEBHOOK_HMAC_KEY", "WEBHOOK_SHARED_SECRET"},
    StatsSettings: {"AUTH_JWT_SECRET"},
}
PROVIDER_SETTINGS = {
    "provider",
    "provider_url",
    "provider_api_key",
    "public_webhook_base_url",
    "provider_webhook_hmac_key",
    "webhook_shared_secret",
}
USES = {
    SessionSettings: {
        "provider",
        "provider_url",
        "provider_api_key",
        "public_webhook_base_url",
        "provider_webhook_hmac_key",
    },
    BillingSettings: set(),
    SenderSettings: {"provider", "provider_url", "provider_api_key"},
    WebhookSettings: {"provider", "provider_webhook_hmac_key", "webhook_shared_secret"},
    StatsSettings: set(),
}


@pytest.mark.parametrize("settings_cls", SERVICE_SETTINGS, ids=lambda c: c.__name__)
def test_a_service_refuses_each_placeholder_secret_it_carries(
    bare_environment, settings_cls
) -> None:
    with pytest.raises(ValueError, match="refusing to start") as refused:
        settings_cls()
    named = set(str(refused.value).split("secret: ")[1].split(" (")[0].split(", "))
    assert named == REFUSED_SECRETS[settings_cls]
    for name in named:  # and each alone: a strong value for all the others starts
        for other in named - {name}:
            bare_environment.setenv(other, f"{other.lower()}-0123456789abcdef")
        bare_environment.setenv(name, "changeme")
        with pytest.raises(ValueError, match=f"secret: {name} "):
            settings_cls()
        bare_environment.setenv(name, f"{name.lower()}-0123456789abcdef")


@pytest.mark.parametrize("settings_cls", SERVICE_SETTINGS, ids=lambda c: c.__name__)
def test_a_service_carries_only_the_provider_settings_it_uses(settings_cls) -> None:
    assert PROVIDER_SETTINGS & set(settings_cls.model_fields) == USES[settings_cls]
