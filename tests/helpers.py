"""Helpers for tests that run the command line and compare outputs."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from tamis.cli import main


def tamis(*args: str) -> int:
    return main([str(a) for a in args])


def default_recipe_with_shards(path: Path, shard_size_mb: float) -> Path:
    """The default recipe, as `tamis recipe show default` prints it, written to ``path`` with a
    smaller ``shard_size_mb``, so that a small corpus is cut into many record ranges."""
    recipe = subprocess.run(
        [sys.executable, "-m", "tamis.cli", "recipe", "show", "default"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "shard_size_mb: 64.0" in recipe
    path.write_text(recipe.replace("shard_size_mb: 64.0", f"shard_size_mb: {shard_size_mb}"))
    return path


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


def unseen_site_wcxb(wcxb: Path) -> list[tuple[str, str, str]]:
    """(id, page type, reference main text) of every WCXB dev page of the sites the shipped
    ``auto`` block model was not fitted on (:data:`tamis.extract.folds.SHIPPED_HELD_OUT_FOLD`);
    pages without a main text are left out, as the benchmark does."""
    import json

    from tamis.extract.folds import SHIPPED_HELD_OUT_FOLD, registered_domain, site_folds

    truths = {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((wcxb / "ground-truth").glob("*.json"))
    }
    truths = {fid: t for fid, t in truths.items() if "main_content" in t["ground_truth"]}
    # the one page without a URL (4547) is a site of its own, as in the benchmark
    urls = {fid: t.get("url") or f"https://page-{fid}.invalid/" for fid, t in truths.items()}
    fold = site_folds({fid: registered_domain(url) for fid, url in urls.items()})
    return [
        (fid, t["_internal"]["page_type"]["primary"], t["ground_truth"]["main_content"])
        for fid, t in truths.items()
        if fold[fid] == SHIPPED_HELD_OUT_FOLD
    ]


def held_out_wcxb(wcxb: Path) -> list[tuple[str, str]]:
    """(id, reference main text) of every WCXB dev page of half B (sha1 of the id odd), which
    no extraction model was trained on; the two ground-truth files without a main text are
    left out, as the benchmark does."""
    import json

    pages = []
    for path in sorted((wcxb / "ground-truth").glob("*.json")):
        fid = path.stem
        if int(hashlib.sha1(fid.encode()).hexdigest(), 16) % 2 == 0:
            continue  # half A trained the models
        truth = json.loads(path.read_text(encoding="utf-8"))["ground_truth"]
        if "main_content" in truth:
            pages.append((fid, truth["main_content"]))
    return pages


def range_tasks(ranges_per_file: list[int], phase: int = 0) -> list:
    """Tasks of one phase over files cut into the given numbers of record ranges, in plan
    order (ordinal = place in the plan)."""
    from tamis.run.worker import Task

    tasks = []
    for f, n in enumerate(ranges_per_file):
        for r in range(n):
            shard = {
                "ordinal": len(tasks),
                "path": f"in/{f}.jsonl.zst",
                "start": r * 100,
                "stop": (r + 1) * 100 if r + 1 < n else None,
            }
            tasks.append(Task("out", {}, phase, shard))
    return tasks
