"""Static checks of the deployment files: docker-compose.yml, deploy/Dockerfile,
deploy/rabbitmq/*, deploy/k8s/* and .dockerignore.

No Docker engine is needed, except for the one test that asks Docker Compose itself to
validate the file (skipped when no engine is reachable).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from wagate_contracts.names import DEAD_LETTER_EXCHANGE, EVENTS_EXCHANGE
from wagate_platform.topology import Topology

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
RABBITMQ_DIR = ROOT / "deploy" / "rabbitmq"
K8S_DIR = ROOT / "deploy" / "k8s"

# DESIGN.md, "Runtime"
APP_PORTS = {
    "session-svc": 8001,
    "billing-svc": 8002,
    "sender-svc": 8003,
    "webhook-svc": 8004,
    "stats-svc": 8005,
}
SANDBOX = "provider-sandbox"
SANDBOX_PORT = 8090
INFRA = ("rabbitmq", "mongodb")
BUILT_PORTS = {**APP_PORTS, SANDBOX: SANDBOX_PORT}
ALL_SERVICES = {*INFRA, SANDBOX, *APP_PORTS}


# ---------------------------------------------------------------------------- helpers


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _service(name: str) -> dict[str, Any]:
    services = _compose()["services"]
    assert name in services, f"service {name!r} missing from docker-compose.yml"
    svc = services[name]
    assert isinstance(svc, dict)
    return svc


def _env(svc: dict[str, Any]) -> dict[str, str]:
    env = svc.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def _published(svc: dict[str, Any]) -> dict[int, int]:
    """Published ports as {container port: host port}, from short or long syntax."""
    published: dict[int, int] = {}
    for port in svc.get("ports") or []:
        if isinstance(port, dict):
            published[int(port["target"])] = int(port.get("published", port["target"]))
            continue
        spec = str(port).split("/", 1)[0]
        parts = spec.split(":")
        target = int(parts[-1])
        published[target] = int(parts[-2]) if len(parts) >= 2 else target
    return published


def _healthcheck_text(svc: dict[str, Any]) -> str:
    test = svc["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else str(test)


def _workspace_members() -> dict[str, Path]:
    """[project].name -> member directory, for the deployable members (services, sandbox)."""
    members: dict[str, Path] = {}
    for pyproject in [*ROOT.glob("services/*/pyproject.toml"), ROOT / "sandbox/pyproject.toml"]:
        if pyproject.is_file():
            name = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["name"]
            members[name] = pyproject.parent
    return members


def _k8s_docs(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


# ---------------------------------------------------------------------- compose: shape


def test_compose_declares_all_services() -> None:
    assert set(_compose()["services"]) == ALL_SERVICES


@pytest.mark.parametrize(("name", "port"), sorted(APP_PORTS.items()))
def test_app_service_publishes_its_port(name: str, port: int) -> None:
    assert _published(_service(name)).get(port) == port


@pytest.mark.parametrize(("name", "port"), sorted(APP_PORTS.items()))
def test_app_service_healthcheck_probes_readyz(name: str, port: int) -> None:
    svc = _service(name)
    assert "healthcheck" in svc, f"{name} has no healthcheck"
    text = _healthcheck_text(svc)
    assert "/readyz" in text
    assert f":{port}/" in text


@pytest.mark.parametrize("name", sorted(APP_PORTS))
def test_app_service_waits_for_healthy_infrastructure(name: str) -> None:
    depends_on = _service(name).get("depends_on")
    assert isinstance(depends_on, dict), f"{name}: depends_on must use the long syntax"
    for infra in INFRA:
        assert depends_on.get(infra, {}).get("condition") == "service_healthy", (name, infra)


def test_every_healthy_dependency_has_a_healthcheck() -> None:
    services = _compose()["services"]
    for name, svc in services.items():
        depends_on = svc.get("depends_on") or {}
        assert isinstance(depends_on, dict), name
        for dep, spec in depends_on.items():
            assert dep in services, f"{name} depends on unknown service {dep}"
            if spec.get("condition") == "service_healthy":
                assert "healthcheck" in services[dep], f"{dep} has no healthcheck"


def test_sandbox_service() -> None:
    svc = _service(SANDBOX)
    assert _published(svc).get(SANDBOX_PORT) == SANDBOX_PORT
    assert "healthcheck" in svc
    env = _env(svc)
    assert env.get("SANDBOX_PORT") == str(SANDBOX_PORT)
    assert env.get("SANDBOX_HOST") == "0.0.0.0"
    # the sandbox signs its webhooks with the key webhook-svc verifies them with
    webhook_env = _env(_service("webhook-svc"))
    assert env.get("SANDBOX_WEBHOOK_HMAC_KEY") == webhook_env["PROVIDER_WEBHOOK_HMAC_KEY"]


def test_rabbitmq_service() -> None:
    svc = _service("rabbitmq")
    assert svc["image"] == "rabbitmq:4-management"
    ports = _published(svc)
    assert ports.get(5672) == 5672
    assert ports.get(15672) == 15672
    assert "rabbitmq-diagnostics" in _healthcheck_text(svc)
    volumes = [str(v) for v in svc.get("volumes") or []]
    definitions = [v for v in volumes if v.startswith("./deploy/rabbitmq/definitions.json:")]
    config = [v for v in volumes if v.startswith("./deploy/rabbitmq/rabbitmq.conf:")]
    assert definitions, "definitions.json is not mounted"
    assert config, "rabbitmq.conf is not mounted"
    for mount in (*definitions, *config):
        assert mount.endswith(":ro"), f"{mount} must be read-only"
    # rabbitmq.conf must load the definitions from where compose mounts them
    target = definitions[0].split(":")[1]
    conf = (RABBITMQ_DIR / "rabbitmq.conf").read_text(encoding="utf-8")
    assert re.search(rf"^load_definitions\s*=\s*{re.escape(target)}\s*$", conf, re.MULTILINE)
    assert re.search(r"^loopback_users\s*=\s*none\s*$", conf, re.MULTILINE)
    assert svc.get("hostname"), "a stable hostname keeps the node name (and its data) stable"


def _mongo_replica_set() -> str:
    command = _service("mongodb")["command"]
    args = command if isinstance(command, list) else str(command).split()
    assert "--replSet" in args, "mongodb must run as a replica set"
    return str(args[args.index("--replSet") + 1])


def test_mongodb_service() -> None:
    svc = _service("mongodb")
    assert str(svc["image"]).startswith("mongo:")
    assert _mongo_replica_set() == "rs0"
    command = svc["command"]
    assert "--bind_ip_all" in (command if isinstance(command, list) else str(command).split())
    text = _healthcheck_text(svc)
    assert "rs.initiate" in text
    assert "start_period" in svc["healthcheck"]


@pytest.mark.parametrize("name", sorted(APP_PORTS))
def test_app_service_environment(name: str) -> None:
    env = _env(_service(name))
    replica_set = _mongo_replica_set()
    assert env["MONGODB_URL"].startswith("mongodb://mongodb:27017/")
    assert f"replicaSet={replica_set}" in env["MONGODB_URL"]
    assert env["RABBITMQ_URL"] == "amqp://guest:guest@rabbitmq:5672/"
    assert env["ENVIRONMENT"] == "development"
    assert env["AUTH_JWT_SECRET"]
    assert env["PROVIDER"] == "sandbox"
    assert env["PROVIDER_URL"] == f"http://{SANDBOX}:{SANDBOX_PORT}"
    assert env["PUBLIC_WEBHOOK_BASE_URL"] == f"http://webhook-svc:{APP_PORTS['webhook-svc']}"


def test_dev_secret_is_clearly_marked() -> None:
    secrets = {_env(_service(name))["AUTH_JWT_SECRET"] for name in APP_PORTS}
    assert len(secrets) == 1, "all services must share one AUTH_JWT_SECRET"
    assert "dev" in secrets.pop().lower()


def test_named_volumes_are_declared() -> None:
    compose = _compose()
    declared = set(compose.get("volumes") or {})
    used = set()
    for svc in compose["services"].values():
        for volume in svc.get("volumes") or []:
            source = str(volume).split(":", 1)[0]
            if not source.startswith((".", "/", "~")):
                used.add(source)
    assert used, "rabbitmq and mongodb data should live in named volumes"
    assert used <= declared


# ---------------------------------------------------------------------- compose: builds


@pytest.mark.parametrize(("name", "port"), sorted(BUILT_PORTS.items()))
def test_build_uses_the_shared_dockerfile(name: str, port: int) -> None:
    build = _service(name)["build"]
    assert isinstance(build, dict)
    context = (ROOT / build.get("context", ".")).resolve()
    assert (context / build["dockerfile"]).resolve() == DOCKERFILE
    args = build["args"]
    members = _workspace_members()
    service = args["SERVICE"]
    assert service in members, f"SERVICE={service} is not a workspace member's [project].name"
    module = args["APP_MODULE"]
    assert (members[service] / "src" / module).is_dir(), f"no package {module} in {service}"
    assert int(args["PORT"]) == port


# ------------------------------------------------------------------------- Dockerfile


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", text)  # join continuation lines
    instructions = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_dockerfile_is_multi_stage() -> None:
    froms = [rest for keyword, rest in _dockerfile_instructions() if keyword == "FROM"]
    assert len(froms) >= 2


def test_dockerfile_runs_as_non_root() -> None:
    users = [rest for keyword, rest in _dockerfile_instructions() if keyword == "USER"]
    assert users, "the Dockerfile sets no USER"
    user = users[-1].split(":", 1)[0]
    assert user not in {"root", "0"}


def test_dockerfile_installs_with_uv_and_declares_its_args() -> None:
    instructions = _dockerfile_instructions()
    args = {rest.split("=", 1)[0] for keyword, rest in instructions if keyword == "ARG"}
    assert {"SERVICE", "APP_MODULE"} <= args
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    assert "uv sync --frozen" in runs
    assert "--no-dev" in runs
    assert '--package "$SERVICE"' in runs
    assert any(keyword == "HEALTHCHECK" for keyword, _ in instructions)
    assert any(keyword == "EXPOSE" for keyword, _ in instructions)
    assert any(keyword == "CMD" for keyword, _ in instructions)


def test_dockerfile_listens_on_all_interfaces() -> None:
    # the settings default to 127.0.0.1, which nothing outside the container can reach
    env = " ".join(rest for keyword, rest in _dockerfile_instructions() if keyword == "ENV")
    assert "HTTP_HOST=0.0.0.0" in env.split()
    assert "SANDBOX_HOST=0.0.0.0" in env.split()


def test_dockerignore_keeps_local_state_out_of_the_context() -> None:
    patterns = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for required in (".git", "**/.venv", "**/.data", "**/.tools", "bench/results"):
        assert required in patterns, required


# ------------------------------------------------------------------------- RabbitMQ


def test_rabbitmq_definitions() -> None:
    definitions = json.loads((RABBITMQ_DIR / "definitions.json").read_text(encoding="utf-8"))
    exchanges = {exchange["name"]: exchange for exchange in definitions["exchanges"]}
    # The services declare these exchanges too: any difference in type or durability
    # makes the broker refuse their declaration (PRECONDITION_FAILED).
    topology = Topology()
    for declared in (topology.events_exchange, topology.dead_letter_exchange):
        assert declared.name in {EVENTS_EXCHANGE, DEAD_LETTER_EXCHANGE}
        exchange = exchanges[declared.name]
        assert exchange["type"] == declared.type.value
        assert exchange["durable"] is declared.durable is True
        assert exchange["auto_delete"] is False
    # Importing definitions at boot skips the default user and vhost: declare them.
    assert {vhost["name"] for vhost in definitions["vhosts"]} == {"/"}
    guest = next(user for user in definitions["users"] if user["name"] == "guest")
    assert guest["password_hash"]
    assert any(
        p["user"] == "guest" and p["vhost"] == "/" and p["configure"] == ".*"
        for p in definitions["permissions"]
    )


# ------------------------------------------------------------------------- Kubernetes


@pytest.mark.parametrize(("name", "port"), sorted(APP_PORTS.items()))
def test_k8s_deployment_and_service(name: str, port: int) -> None:
    docs = {doc["kind"]: doc for doc in _k8s_docs(K8S_DIR / f"{name}.yaml")}
    container = docs["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"][0]["containerPort"] == port
    env = {item["name"]: item["value"] for item in container.get("env", [])}
    assert env.get("HTTP_PORT") == str(port)
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    sources = {next(iter(ref.values()))["name"] for ref in container["envFrom"]}
    assert sources == {"wagate-common", "wagate-secrets"}
    pod_security = docs["Deployment"]["spec"]["template"]["spec"]["securityContext"]
    assert pod_security["runAsNonRoot"] is True
    assert docs["Service"]["spec"]["ports"][0]["port"] == port


def test_k8s_common_config_and_secret_placeholder() -> None:
    (config,) = _k8s_docs(K8S_DIR / "configmap.yaml")
    assert config["kind"] == "ConfigMap"
    assert config["data"]["ENVIRONMENT"] == "production"
    (secret,) = _k8s_docs(K8S_DIR / "secret.example.yaml")
    assert secret["kind"] == "Secret"
    assert "AUTH_JWT_SECRET" in secret["stringData"]
    kustomization = yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text(encoding="utf-8"))
    for resource in kustomization["resources"]:
        assert (K8S_DIR / resource).is_file(), resource
    assert {f"{name}.yaml" for name in APP_PORTS} <= set(kustomization["resources"])


# ---------------------------------------------------------------- docker compose config


def _docker_compose_available() -> str | None:
    """None when `docker compose` can run against an engine, else the reason it cannot."""
    if shutil.which("docker") is None:
        return "the docker CLI is not installed"
    info = subprocess.run(["docker", "info"], capture_output=True, timeout=30, check=False)
    if info.returncode != 0:
        return "no Docker engine is reachable (`docker info` failed)"
    version = subprocess.run(
        ["docker", "compose", "version"], capture_output=True, timeout=30, check=False
    )
    if version.returncode != 0:
        return "the Docker Compose plugin is not installed"
    return None


def test_docker_compose_config_is_valid() -> None:
    reason = _docker_compose_available()
    if reason is not None:
        pytest.skip(f"docker compose config not run: {reason}")
    result = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE_FILE), "config", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
