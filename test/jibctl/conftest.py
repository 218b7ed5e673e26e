"""Fixtures for the jibctl tests: the real binary from JIB_BUILD, run on fixture directories."""
import os
import pathlib
import subprocess

import pytest

from helpers.jibd import DEFAULT_BUILD

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


@pytest.fixture
def jibctl():
    binary = os.path.join(os.environ.get("JIB_BUILD", DEFAULT_BUILD), "cmd", "jibctl", "jibctl")
    if not os.access(binary, os.X_OK):
        pytest.fail(f"jibctl binary not found at {binary} (set JIB_BUILD to a build dir)")

    def run(*args):
        return subprocess.run([binary, *map(str, args)], capture_output=True, text=True,
                              timeout=60)
    return run


@pytest.fixture
def fixtures():
    return FIXTURES
