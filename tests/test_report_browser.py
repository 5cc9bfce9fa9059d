"""In a real browser (headless Chromium driven by Playwright): the report opens offline, and a
rejection reason leads to a document whose highlighted edits are exactly its edit log.

Needs Debian's ``chromium`` (``apt-get install -y chromium``) and ``pip install playwright``;
Playwright's own browser download is not used. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from tamis.document import Edit, undo
from tamis.io.output import read_records, shard_files
from tamis.report.inspect import make_server
from tests.test_report_marks import untouched_edits
from tests.test_report_support import run_clean

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _need_browser():
    """Playwright's sync API; skips on a machine without them, fails under CI=true."""
    if os.environ.get("CI") == "true":
        assert shutil.which(CHROMIUM), "CI must install Debian's chromium package"
        import playwright.sync_api as api

        return api
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    return pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    api = _need_browser()
    with api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    return run_clean(tmp_path_factory.mktemp("browser"))


@pytest.mark.slow
def test_report_opens_with_no_network(browser, output):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requested = []

    def route(r):
        requested.append(r.request.url)
        r.abort()

    context.route(re.compile(r"^(?!file:|data:|about:).*"), route)
    context.set_offline(True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((output / "report.html").as_uri())
    page.wait_for_load_state("load")
    assert requested == [], f"the report requested {requested[:5]}"
    assert errors == []
    assert page.locator("svg.plot").count() >= 3  # funnel, lengths, sources at least
    assert page.locator("#funnel table tr").count() >= 3
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    context.close()


@pytest.mark.slow
def test_rejection_reason_leads_to_a_document_whose_marks_match_its_edits(browser, output):
    ARTIFACTS.mkdir(exist_ok=True)
    srv = make_server(output, "127.0.0.1", 0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base + "/report")
        page.screenshot(path=str(ARTIFACTS / "inspector-report.png"))
        # the rejection reason whose documents carry edits: clean removed all their text
        page.click("#rejections a[href='#reason-clean-empty']")
        page.click("details#reason-clean-empty > summary")
        link = page.locator("details#reason-clean-empty .example a[data-inspect]").first
        href = link.get_attribute("href")
        assert href.startswith("/doc/rejected/"), href  # same-origin once served
        link.click()
        page.wait_for_url(re.compile(r".*/doc/rejected/\d+/\d+$"))
        _, kind, shard, row = page.url.rsplit("/", 3)
        rec = list(read_records(_shard(output, kind, int(shard))))[int(row)]
        assert rec["verdict"]["stage"] == "clean" and rec["verdict"]["reason"] == "empty"
        check_marks(page, rec, original=rec["text"])
        page.screenshot(path=str(ARTIFACTS / "inspector-rejected-doc.png"), full_page=True)

        # a kept document with edits from two stages, hovered
        shard, row, rec = next(
            (int(p.name[5:10]), i, r)
            for p in shard_files(output, "kept")
            for i, r in enumerate(read_records(p))
            if len({e["stage"] for e in r["edits"]}) >= 2
        )
        page.goto(f"{base}/doc/kept/{shard}/{row}")
        check_marks(page, rec, original=undo(rec["text"], rec["edits"]))
        first = page.locator("#original [data-edit], #cleaned [data-edit]").first
        first.hover()
        assert page.locator(".hl").count() >= 1  # hovering highlights the edit everywhere
        page.screenshot(path=str(ARTIFACTS / "inspector-kept-doc.png"), full_page=True)
        page.goto(base + "/")
        page.screenshot(path=str(ARTIFACTS / "inspector-overview.png"), full_page=True)
        page.close()
    finally:
        srv.shutdown()
        srv.server_close()


def _shard(out: Path, kind: str, shard: int) -> Path:
    return next(p for p in shard_files(out, kind) if int(p.name[5:10]) == shard)


def check_marks(page, rec: dict, original: str) -> None:
    """The panes read back as the original and the cleaned text, and each edit is marked where
    it acted, titled with its stage, rule and reason."""
    from tamis.document import replay

    edits = rec["edits"]
    assert edits
    assert page.inner_text("#original") is not None
    got_original = page.evaluate("document.getElementById('original').textContent")
    got_cleaned = page.evaluate("document.getElementById('cleaned').textContent")
    assert got_original == original
    assert got_cleaned == replay(original, edits)
    marks = page.evaluate(
        """() => Array.from(document.querySelectorAll('#original [data-edit], #cleaned [data-edit]'))
              .map(el => ({k: +el.dataset.edit, tag: el.tagName.toLowerCase(),
                           pane: el.closest('.text').id, text: el.textContent, title: el.title}))"""
    )
    assert {m["k"] for m in marks} == set(range(len(edits)))
    for m in marks:
        e = edits[m["k"]]
        assert (
            e["stage"] in m["title"]
            and e["rule"] in m["title"]
            and (e["reason"] or "") in m["title"]
        )
    # per edit, what is marked removed in the original and inserted in the cleaned text is
    # what the log says, for every edit no other edit overlapped (the oracle is independent)
    shown = {}
    for m in marks:
        shown.setdefault((m["pane"], m["k"]), []).append(m["text"])
    for k in untouched_edits(original, [Edit.from_dict(e) for e in edits]):
        assert "".join(shown.get(("original", k), [])) == edits[k]["removed"], k
        assert "".join(shown.get(("cleaned", k), [])) == edits[k]["inserted"], k
