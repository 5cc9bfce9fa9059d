"""Shared fixtures: where the real public data lives, and how tests that need it behave.

Tests that read ``../shared/data`` skip with a clear reason on a user's machine where it is
absent, but must run under CI (``CI=true``), where a missing folder is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests with a fixed derivation of examples, so that a run is reproducible
# and a landing is never decided by a random draw; local runs keep exploring new examples.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _shared(sub: str) -> Path:
    path = SHARED / sub
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing, and CI must run the tests that read it")
        pytest.skip(f"{path} is absent (real public data is only beside the checkout in CI)")
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``: real public corpora (read-only)."""
    return _shared("data")


@pytest.fixture(scope="session")
def seeds() -> Path:
    """``../shared/seeds``: the real scraped article that shows the damage tamis repairs."""
    return _shared("seeds")
