"""Unit tests of session-svc's use cases on fakes (``fakes.py``): no broker, no database."""

import importlib.util
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "session_svc_fakes", Path(__file__).with_name("fakes.py")
)
assert _spec is not None
assert _spec.loader is not None
fakes = importlib.util.module_from_spec(_spec)
sys.modules["session_svc_fakes"] = fakes
_spec.loader.exec_module(fakes)


@pytest.fixture
def world() -> "fakes.World":
    return fakes.World()
