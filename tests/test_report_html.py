"""report.html: its figures agree with stats.json, it is self-contained, and it survives any output."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import orjson
import pytest

from tamis.io.output import read_records, shard_files
from tamis.report.commands import REPORT_COMMANDS, add_report_commands
from tamis.report.html import write_report
from tamis.report.links import BASE
from tests.test_report_support import data_checks, run_clean, synthetic_output


class _Resources(HTMLParser):
    """Every URL a page would load (src, link href) and every link (a href)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.links: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "srcset", "data", "poster"):
            if a.get(key):
                self.loads.append(a[key])
        if tag == "link" and a.get("href"):
            self.loads.append(a["href"])
        if tag == "a" and a.get("href"):
            self.links.append((a["href"], a))


def check_self_contained(html: str) -> list[tuple[str, dict]]:
    p = _Resources()
    p.feed(html)
    assert p.loads == [], f"the report loads external resources: {p.loads[:5]}"
    assert not re.search(r"url\(\s*['\"]?https?:", html), "a stylesheet loads a URL"
    assert "@import" not in html
    for href, attrs in p.links:
        if href.startswith(("http://", "https://")):
            # the only absolute links lead into the local inspector
            assert href.startswith(BASE + "/") and "data-inspect" in attrs, href
    return p.links


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory) -> Path:
    return run_clean(tmp_path_factory.mktemp("clean"))


def assert_figures_match(html: str, stats: dict) -> None:
    """Every figure the report marks with data-check equals stats.json's."""
    checks = data_checks(html)

    def shown(path: str) -> int:
        return int(checks[path].replace(",", ""))

    for key in ("input", "kept", "rejected", "quarantined"):
        assert shown(f"{key}.records") == stats[key]["records"]
    assert shown("input.chars") == stats["input"]["chars"]
    assert shown("kept.chars") == stats["kept"]["chars"]
    for stage, st in stats["stages"].items():
        for reason, n in st["reasons"].items():
            assert shown(f"reasons.{stage}.{reason}") == n
        for rule, c in st["rules"].items():
            assert shown(f"rules.{stage}.{rule}.edits") == c["edits"]
        if stage != "read":
            assert shown(f"funnel.{stage}.docs_in") == st["docs_in"]
        assert shown(f"funnel.{stage}.rejected") == st["rejected"]
    for reason, n in stats["quarantined"]["reasons"].items():
        assert shown(f"quarantine.{reason}") == n
    if stats["stages"]:
        # the funnel's last stage leaves exactly the kept documents and characters
        last = [k for k in checks if k.startswith("funnel.") and k.endswith(".chars_out")][-1]
        assert shown(last) == stats["kept"]["chars"]
        assert shown(last.replace("chars_out", "docs_out")) == stats["kept"]["records"]
    assert "does not match stats.json" not in html
    assert "This section failed" not in html and "could not be summarised" not in html


def test_run_writes_the_report_and_its_figures_match_stats(clean_run):
    out = clean_run
    report = out / "report.html"
    assert report.exists(), "tamis clean must write report.html at the end of the run"
    html = report.read_text(encoding="utf-8")
    stats = orjson.loads((out / "stats.json").read_bytes())
    assert stats["stages"]["clean"]["reasons"] and stats["quarantined"]["records"]
    assert_figures_match(html, stats)
    check_self_contained(html)
    assert report.stat().st_size < 5_000_000


def test_examples_link_to_records_that_exist_and_have_that_verdict(clean_run):
    html = (clean_run / "report.html").read_text(encoding="utf-8")
    links = re.findall(r'data-inspect="/doc/(\w+)/(\d+)/(\d+)"', html)
    assert links
    records = {
        kind: {
            int(p.name.split(".")[0][5:]): list(read_records(p))
            for p in shard_files(clean_run, kind)
        }
        for kind in ("kept", "rejected", "quarantine")
    }
    for kind, shard, row in set(links):
        rec = records[kind][int(shard)][int(row)]
        status = {"kept": "kept", "rejected": "rejected", "quarantine": "quarantined"}[kind]
        assert rec["verdict"]["status"] == status


@pytest.mark.parametrize("fmt", ["jsonl.gz", "parquet"])
def test_every_section_renders_from_a_full_output(tmp_path, fmt):
    out = tmp_path / "out"
    stats = synthetic_output(out, fmt)
    html = write_report(out).read_text(encoding="utf-8")
    check_self_contained(html)
    checks = data_checks(html)
    assert int(checks["rejected.records"]) == stats["rejected"]["records"]
    # thresholds found from the rejections' details, drawn on the signal's histogram
    assert "too_few_words = 12" in html and "long_words = 7" in html
    # languages, sources, learned boilerplate per source, duplicates with their survivors
    section = lambda sid: html.split(f'<section id="{sid}">')[1].split("</section>")[0]  # noqa: E731
    assert ">en<" in section("languages") and ">de<" in section("languages")
    assert "news.example.com" in section("sources") and "daily.example.org" in section("sources")
    assert "Share this article" in section("boilerplate")
    dup = section("duplicates")
    assert "dedup_x" in dup and "/id/s0" in dup and "clusters_by_size" in dup
    assert int(checks["global.dedup_x.removed"]) == 4
    assert "invalid_json" in section("quarantine")
    # examples are bounded per reason, whatever the number of rejections
    for reason_block in re.findall(r'<details id="reason-.*?</details>', html, re.S):
        assert reason_block.count('class="example"') <= 5


def test_missing_files_and_sections_do_not_break_the_report(tmp_path):
    out = tmp_path / "out"
    synthetic_output(out)
    (out / "manifest.json").unlink()
    shutil.rmtree(out / "quarantine")
    html = write_report(out).read_text(encoding="utf-8")
    assert "Funnel" in html and "No record was quarantined" not in html  # counted in stats
    (out / "stats.json").unlink()
    html = write_report(out).read_text(encoding="utf-8")
    assert "stats.json is missing" in html
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "stats.json is missing" in write_report(empty).read_text(encoding="utf-8")


def test_odd_records_and_summaries_are_reported_not_fatal(tmp_path):
    out = tmp_path / "out"
    synthetic_output(out)
    stats = orjson.loads((out / "stats.json").read_bytes())
    stats["global"]["odd_stage"] = ["a", {"b": 1}]  # any JSON shape
    (out / "stats.json").write_bytes(orjson.dumps(stats))
    from tamis.io.output import ShardWriter

    w = ShardWriter(out / "kept" / "part-00009.jsonl", "jsonl")
    w.write({"id": "odd", "text": "x", "edits": [{"stage": "s"}], "verdict": {"status": "kept"}})
    w.close()
    html = write_report(out).read_text(encoding="utf-8")
    assert "1 records could not be summarised" in html
    assert "odd_stage" in html and "This section failed" not in html


def test_report_never_shows_what_pii_removed(tmp_path):
    """Edit examples of every stage, and rejection snippets, show placeholders, not values;
    even when the pii stage runs after the stage whose context holds the value."""
    from tamis.cli import main

    emails = [f"person{i}.name@example.org" for i in range(30)]
    lines = []
    for i, email in enumerate(emails):
        text = (
            "The council said on Monday that the new rules take effect next year.\n\n"
            f"Write to {email} for details.\n\nComments are closed."
        )
        lines.append(orjson.dumps({"id": f"p{i}", "text": text}))
    (tmp_path / "in.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out"
    args = ["clean", str(tmp_path / "in.jsonl"), "-o", str(out), "--stages", "clean,pii"]
    assert main(args + ["--workers", "1", "--quiet"]) == 0
    stats = orjson.loads((out / "stats.json").read_bytes())
    assert stats["stages"]["pii"]["rules"], "the pii stage redacted nothing: test is moot"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Comments are closed." in html  # clean's examples are there, with context
    assert not [e for e in emails if e in html]


def test_report_command(tmp_path, capsys):
    import argparse

    out = tmp_path / "out"
    synthetic_output(out)
    parser = argparse.ArgumentParser()
    add_report_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["report", str(out)])
    assert REPORT_COMMANDS[args.command](args) == 0
    assert (out / "report.html").exists() and "MB" in capsys.readouterr().out
    args = parser.parse_args(["report", str(tmp_path / "nothing")])
    assert REPORT_COMMANDS[args.command](args) == 2


@pytest.mark.slow
def test_demo_output_report_is_small_and_matches_stats(tmp_path):
    """The demo corpus (once ``tamis demo-corpus`` exists) through the default recipe."""
    pytest.importorskip("tamis.demo")
    from tamis.cli import main

    assert main(["demo-corpus", str(tmp_path / "demo")]) == 0
    out = tmp_path / "out"
    assert main(["clean", str(tmp_path / "demo"), "-o", str(out), "--quiet"]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    stats = orjson.loads((out / "stats.json").read_bytes())
    assert_figures_match(html, stats)
    check_self_contained(html)
    assert (out / "report.html").stat().st_size < 5_000_000
