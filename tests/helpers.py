"""Helpers for tests that run the command line and compare outputs."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tamis.cli import main


def tamis(*args: str) -> int:
    return main([str(a) for a in args])


def output_digest(out: Path) -> dict[str, str]:
    """Hashes of every file that must be byte-identical between equivalent runs."""
    files = {}
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out).as_posix()
        if p.is_file() and (
            rel.split("/")[0] in ("kept", "rejected", "quarantine")
            or rel in ("manifest.json", "stats.json")
        ):
            files[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return files


def require(module: str):
    """Import a test-only dependency: skip on a user's machine without it, fail under CI."""
    import importlib
    import os

    import pytest

    try:
        return importlib.import_module(module)
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{module} (a test dependency) is not installed")
        pytest.skip(f"{module} is not installed")
