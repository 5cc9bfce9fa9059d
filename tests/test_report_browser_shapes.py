"""In a real browser (headless Chromium driven by Playwright): an output where nothing was kept.

The report opens offline without a script error and says that nothing was kept; the inspector's
overview (which once answered with an empty reply here) shows every record rejected and leads
to one of them. Needs what tests/test_report_browser.py needs.
"""

from __future__ import annotations

import re
import threading

import orjson
import pytest

from tamis.report.inspect import make_server
from tests.test_report_browser import ARTIFACTS, browser  # noqa: F401 - the browser fixture
from tests.test_report_shapes import SHAPES, build


@pytest.fixture(scope="module")
def nothing_kept(tmp_path_factory):
    lines, stages = SHAPES["nothing_kept"]
    out = build(tmp_path_factory.mktemp("nothing-kept"), lines, stages)
    counts = orjson.loads((out / "manifest.json").read_bytes())["counts"]
    assert counts["kept"] == 0 and counts["rejected"] == counts["input"] == 5
    return out


@pytest.mark.slow
def test_report_of_an_output_with_nothing_kept(browser, nothing_kept):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_offline(True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((nothing_kept / "report.html").as_uri())
    page.wait_for_load_state("load")
    assert errors == []
    funnel = page.inner_text("#funnel")
    assert "gopher_quality\t5\t5\t0\t" in funnel  # 5 in, 5 rejected, 0 out
    assert "0 0.0%" in funnel  # the plot's last bar: no document remains
    page.screenshot(path=str(ARTIFACTS / "report-nothing-kept.png"), full_page=True)
    context.close()


@pytest.mark.slow
def test_inspector_of_an_output_with_nothing_kept(browser, nothing_kept):  # noqa: F811
    srv = make_server(nothing_kept, "127.0.0.1", 0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        response = page.goto(base + "/")
        assert response.status == 200
        cards = page.inner_text(".cards")
        assert "rejected" in cards.lower() and "100.0%" in cards and "kept" not in cards.lower()
        page.screenshot(path=str(ARTIFACTS / "inspector-nothing-kept.png"), full_page=True)
        page.click("a.card.rejected")
        page.wait_for_url(re.compile(r".*/docs\?status=rejected$"))
        assert page.locator("a[href^='/doc/rejected/']").count() == 5
        page.locator("a[href^='/doc/rejected/']").first.click()
        page.wait_for_url(re.compile(r".*/doc/rejected/\d+/\d+$"))
        assert "too short to keep" in page.inner_text("main")
        assert errors == []
        page.close()
    finally:
        srv.shutdown()
        srv.server_close()
