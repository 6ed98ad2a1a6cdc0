"""Unit tests of session-svc's use cases on fakes (``fakes.py``): no broker, no database."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest


def _load(name: str, file: str) -> ModuleType:
    """Import a sibling module by path (tests are imported with ``importlib``, not as a
    package), under a name the test modules import it by."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(file))
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_load("session_svc_fake_repositories", "fake_repositories.py")
fakes = _load("session_svc_fakes", "fakes.py")


@pytest.fixture
def world() -> "fakes.World":
    return fakes.World()
