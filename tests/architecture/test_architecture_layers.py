"""The shape every service keeps, checked by reading its code (no import, no run).

- ``domain/``, ``service/`` and ``adapters/`` never import FastAPI or Starlette, nor the
  platform's HTTP modules (errors at the edge: entry points map domain errors to HTTP),
  the composition root included;
- no use case takes the whole ``ServiceRuntime``: its collaborators come from the
  service's composition root (``service/container.py``);
- one service never imports another.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p for p in (ROOT / "services").glob("*-svc") if (p / "src").is_dir())
INNER_LAYERS = ("domain", "service", "adapters")
HTTP_MODULES = (
    "fastapi",
    "starlette",
    "wagate_platform.auth",
    "wagate_platform.edge",
    "wagate_platform.errors",
    "wagate_platform.http",
)
"""FastAPI itself and the platform modules built on it (``wagate_platform.identity`` holds
the principal and API key rules without it)."""
COMPOSITION_ROOTS = {"container.py", "bootstrap.py"}


def _package(service: Path) -> Path:
    (package,) = [p for p in (service / "src").iterdir() if p.is_dir() and p.name.endswith("_svc")]
    return package


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _inner_files(service: Path) -> list[Path]:
    package = _package(service)
    return sorted(f for layer in INNER_LAYERS for f in (package / layer).rglob("*.py"))


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_inner_layers_do_not_speak_http(service: Path):
    offenders = [
        f"{f.relative_to(ROOT)}: {name}"
        for f in _inner_files(service)
        for name in _imports(f)
        if any(name == m or name.startswith(m + ".") for m in HTTP_MODULES)
    ]
    assert offenders == []


def _takes_runtime(node: ast.AST) -> bool:
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
    return any(
        a.annotation is not None and "ServiceRuntime" in ast.unparse(a.annotation) for a in args
    )


def _dataclass_takes_runtime(node: ast.AST) -> bool:
    if not isinstance(node, ast.ClassDef):
        return False
    fields = [s for s in node.body if isinstance(s, ast.AnnAssign)]
    return any("ServiceRuntime" in ast.unparse(f.annotation) for f in fields)


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_no_use_case_takes_the_runtime(service: Path):
    package = _package(service)
    offenders = []
    for f in sorted((package / "service").rglob("*.py")):
        if f.name in COMPOSITION_ROOTS:
            continue
        tree = ast.parse(f.read_text(), filename=str(f))
        for node in ast.walk(tree):
            if _takes_runtime(node) or _dataclass_takes_runtime(node):
                offenders.append(f"{f.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}")
    assert offenders == []


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_a_service_never_imports_another(service: Path):
    own = _package(service).name
    others = {_package(s).name for s in SERVICES} - {own}
    offenders = [
        f"{f.relative_to(ROOT)}: {name}"
        for f in sorted(_package(service).rglob("*.py"))
        for name in _imports(f)
        if name.split(".")[0] in others
    ]
    assert offenders == []


def test_the_checks_see_every_service():
    assert [s.name for s in SERVICES] == [
        "billing-svc",
        "sender-svc",
        "session-svc",
        "stats-svc",
        "webhook-svc",
    ]


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_app_and_container_have_the_one_shape(service: Path):
    """app.py names its parts and composes them; service/container.py builds them once."""
    package = _package(service)
    app = ast.parse((package / "app.py").read_text())
    top = {type(n).__name__ + ":" + getattr(n, "name", "") for n in app.body}
    parts = [
        n
        for n in app.body
        if isinstance(n, ast.Assign) and [ast.unparse(t) for t in n.targets] == ["PARTS"]
    ]
    (create_app,) = [n for n in app.body if isinstance(n, ast.FunctionDef)]
    assert len(parts) == 1
    assert ast.unparse(parts[0].value).startswith("ServiceParts(")
    assert create_app.name == "create_app"
    assert ast.unparse(create_app.body[-1]).startswith("return compose(")
    assert "ClassDef:" not in " ".join(top)

    container = ast.parse((package / "service" / "container.py").read_text())
    classes = {n.name for n in container.body if isinstance(n, ast.ClassDef)}
    functions = {
        n.name: [a.arg for a in n.args.args]
        for n in container.body
        if isinstance(n, ast.FunctionDef)
    }
    assert "Container" in classes
    assert functions.get("build_container") == ["runtime", "settings"]


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_the_inner_layers_load_without_fastapi(service: Path):
    """Not even indirectly: importing every domain, use case and adapter module (the
    composition root aside) leaves FastAPI and Starlette unloaded."""
    package = _package(service)
    modules = [
        ".".join(f.relative_to(package.parent).with_suffix("").parts)
        for f in _inner_files(service)
        if f.name not in COMPOSITION_ROOTS and f.name != "__init__.py"
    ]
    probe = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'starlette'))\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"
