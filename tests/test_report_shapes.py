"""The report and the inspector on every shape an output takes: nothing kept, nothing rejected,
only quarantined records, one record, no input at all, records without text, a 49 MB text, and
an older run whose stats or manifest lack sections. Every output here is written by a real
``tamis clean`` run; every page must render (no empty reply, no 500)."""

from __future__ import annotations

import re
import shutil
import threading
import urllib.error
import urllib.request
from pathlib import Path

import orjson
import pytest

from tamis.report.html import write_report
from tamis.report.inspect import make_server
from tests.helpers import tamis

WORDS = (
    "the river council met on monday to talk about new rules for boats and ports, "
    "and the harbour master said that the review would take a year. "
) * 12


def build(tmp: Path, lines: list[bytes], stages: str = "clean") -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    src = tmp / "in.jsonl"
    src.write_bytes(b"".join(line + b"\n" for line in lines))
    out = tmp / "out"
    args = ["clean", src, "-o", out, "--stages", stages, "--workers", "1", "--quiet"]
    assert tamis(*args) == 0
    return out


SHAPES = {
    "nothing_kept": (
        [orjson.dumps({"id": f"s{i}", "text": "too short to keep"}) for i in range(5)],
        "gopher_quality",
    ),
    "nothing_rejected": (
        [orjson.dumps({"id": f"k{i}", "text": WORDS + str(i)}) for i in range(5)],
        "clean",
    ),
    "only_quarantined": ([b'{"id": "q", "text": ', b"not json at all", b"[1, 2"], "clean"),
    "one_record": ([orjson.dumps({"id": "only", "text": WORDS})], "clean"),
    "no_input": ([], "clean"),
    "without_text": (
        [
            orjson.dumps({"id": "a"}),
            orjson.dumps({"id": "b", "text": None}),
            orjson.dumps({"id": "c", "text": ""}),
            orjson.dumps({"id": "d", "text": "   \n "}),
        ],
        "clean",
    ),
}


def pages(out: Path) -> dict[str, tuple[int, str]]:
    """Every inspector page a user reaches from the overview, with its status and body."""
    srv = make_server(out, "127.0.0.1", 0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    got: dict[str, tuple[int, str]] = {}

    def fetch(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(base + path, timeout=60) as resp:
                return resp.status, resp.read().decode("utf-8")
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode("utf-8")

    try:
        todo = ["/", "/docs", "/report"]
        for status in ("kept", "rejected", "quarantined"):
            todo.append(f"/docs?status={status}")
        while todo:
            path = todo.pop(0)
            if path in got:
                continue
            got[path] = fetch(path)
            if path.startswith("/docs"):  # the documents a list links to
                todo += [p for p in re.findall(r'href="(/doc/[a-z]+/\d+/\d+)"', got[path][1])[:5]]
    finally:
        srv.shutdown()
        srv.server_close()
    return got


def check(out: Path) -> dict[str, tuple[int, str]]:
    report = write_report(out).read_text(encoding="utf-8")
    assert "</html>" in report
    got = pages(out)
    for path, (status, body) in got.items():
        assert status == 200, (path, status, body[:400])
        assert "</html>" in body
    return got


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_shape_renders(tmp_path, shape):
    lines, stages = SHAPES[shape]
    out = build(tmp_path, lines, stages)
    got = check(out)
    counts = orjson.loads((out / "manifest.json").read_bytes())["counts"]
    overview = got["/"][1]
    assert f"{counts['input']:,} records" in overview
    docs = [p for p in got if p.startswith("/doc/")]
    assert len(docs) == min(5, counts["kept"]) + min(5, counts["rejected"]) + min(
        5, counts["quarantined"]
    )


def test_nothing_kept_shows_every_record_rejected(tmp_path):
    lines, stages = SHAPES["nothing_kept"]
    out = build(tmp_path, lines, stages)
    got = check(out)
    overview = got["/"][1]
    assert "100.0%" in overview and "NoneType" not in overview
    assert len([p for p in got if p.startswith("/doc/rejected/")]) == 5


@pytest.mark.slow
def test_a_49_mb_text_is_kept_reported_and_viewable(tmp_path):
    text = ("word " * 10_000_000)[:49_000_000]
    out = build(tmp_path, [orjson.dumps({"id": "big", "text": text})], "clean")
    assert orjson.loads((out / "manifest.json").read_bytes())["counts"]["kept"] == 1
    got = check(out)
    assert "/doc/kept/0/0" in got


@pytest.fixture(scope="module")
def full_output(tmp_path_factory) -> Path:
    lines = [orjson.dumps({"id": f"k{i}", "text": WORDS + str(i)}) for i in range(4)]
    lines += [orjson.dumps({"id": "s", "text": "short"}), b'{"broken": ']
    return build(tmp_path_factory.mktemp("full"), lines, "clean,gopher_quality,exact_dedup")


def _sections() -> list[tuple[str, str]]:
    stats = ["input", "kept", "rejected", "quarantined", "stages", "global", "dedup", "*"]
    manifest = ["versions", "config", "inputs", "shards", "counts", "accounting_holds", "*"]
    files = ["stats.json", "run.json", "manifest.json"]
    return (
        [("stats.json", k) for k in stats]
        + [("manifest.json", k) for k in manifest]
        + [("", f) for f in files]
    )


@pytest.mark.parametrize(("file", "section"), _sections())
def test_an_older_run_without_a_section_still_renders(full_output, tmp_path, file, section):
    out = tmp_path / "out"
    shutil.copytree(full_output, out, ignore=shutil.ignore_patterns(".tamis"))
    if not file:
        (out / section).unlink()
    elif section == "*":
        (out / file).write_bytes(b"{}")
    else:
        data = orjson.loads((out / file).read_bytes())
        del data[section]
        (out / file).write_bytes(orjson.dumps(data))
    got = check(out)
    assert got["/"][0] == 200 and (out / "report.html").stat().st_size > 0
