"""Shared set-up of the Python tests: where the command line and the examples are (CTest passes
them in the environment; run from the build tree otherwise)."""

import os
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def examples():
    return REPO / "examples"


@pytest.fixture(scope="session")
def lapicque_binary():
    path = os.environ.get("LAPICQUE_BINARY", str(REPO / "build" / "apps" / "lapicque"))
    if not os.path.exists(path):
        pytest.fail(f"no lapicque command at {path}; build it first or set LAPICQUE_BINARY")
    return path


@pytest.fixture(scope="session")
def artifacts():
    """A directory for what the tests leave to look at (screenshots, the report)."""
    path = pathlib.Path(os.environ.get("LAPICQUE_TEST_ARTIFACTS", REPO / "build" / "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path
