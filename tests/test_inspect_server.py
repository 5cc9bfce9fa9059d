"""The inspector's pages, fetched over HTTP from a real server on a free loopback port."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request
from html import unescape
from pathlib import Path

import orjson
import pytest

from tamis.io.output import read_records, shard_files
from tamis.report.inspect import make_server
from tamis.report.marks import edit_marks
from tests.test_report_support import synthetic_output


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    out = tmp_path_factory.mktemp("inspect") / "out"
    synthetic_output(out)
    srv = make_server(out, "127.0.0.1", 0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield out, f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def get(url: str) -> tuple[int, str, dict]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=30) as resp:
            return resp.status, resp.read().decode("utf-8"), dict(resp.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8"), dict(err.headers)


def records(out: Path, kind: str):
    for path in shard_files(out, kind):
        shard = int(path.name[5:10])
        for row, rec in enumerate(read_records(path)):
            yield shard, row, rec


def test_overview_and_lists(server):
    out, base = server
    status, html, _ = get(base + "/")
    assert status == 200 and "quality_x" in html and "too_few_words" in html
    status, html, _ = get(base + "/docs?stage=quality_x&reason=too_few_words")
    expected = [
        rec["id"]
        for _, _, rec in records(out, "rejected")
        if rec["verdict"]["reason"] == "too_few_words"
    ]
    shown = re.findall(r'<a href="/doc/rejected/\d+/\d+">([^<]+)</a>', html)
    assert shown == expected[:50] and expected


def test_document_view_marks_each_edit_with_its_stage_rule_and_reason(server):
    out, base = server
    shard, row, rec = next((s, r, rec) for s, r, rec in records(out, "kept") if rec["edits"])
    status, html, _ = get(f"{base}/doc/kept/{shard}/{row}")
    assert status == 200
    left = html.split('id="original">')[1].split("</div>")[0]
    right = html.split('id="cleaned">')[1].split("</div>")[0]
    original = unescape(re.sub(r"<[^>]+>", "", left))
    cleaned = unescape(re.sub(r"<[^>]+>", "", right))
    assert cleaned == rec["text"]
    pieces_left, pieces_right = edit_marks(original, rec["edits"])
    assert "".join(p.text for p in pieces_right) == rec["text"]
    for k, e in enumerate(rec["edits"]):
        tags = re.findall(rf'<(?:del|ins|span)[^>]*data-edit="{k}"[^>]*title="([^"]*)"', html)
        assert tags, f"edit {k} is not shown"
        for title in tags:
            title = unescape(title)
            assert e["stage"] in title and e["rule"] in title and e["reason"] in title
        removed = "".join(
            unescape(m) for m in re.findall(rf'<del[^>]*data-edit="{k}"[^>]*>([^<]*)</del>', left)
        )
        assert removed == e["removed"]


def test_duplicate_shows_its_survivor_with_differences(server):
    out, base = server
    dups = [
        (s, r, rec)
        for s, r, rec in records(out, "rejected")
        if rec["verdict"]["reason"] == "duplicate"
    ]
    assert any(rec["edits"] for *_, rec in dups) and any(not rec["edits"] for *_, rec in dups)
    for shard, row, rec in dups:
        status, html, _ = get(f"{base}/doc/rejected/{shard}/{row}")
        survivor = rec["verdict"]["details"]["survivor"]
        assert status == 200 and "Duplicate of its survivor" in html and survivor in html
        assert 'id="dup-survivor"' in html and "match ratio 1.000" in html  # exact copies


def test_api_id_report_and_errors(server):
    out, base = server
    shard, row, rec = next(records(out, "rejected"))
    status, body, _ = get(f"{base}/api/doc/rejected/{shard}/{row}")
    assert status == 200 and orjson.loads(body) == rec
    status, _, headers = get(f"{base}/id/{rec['id']}")
    assert status == 302 and headers["Location"] == f"/doc/rejected/{shard}/{row}"
    assert get(f"{base}/id/no-such-id")[0] == 404
    assert get(f"{base}/doc/kept/99/0")[0] == 404
    assert get(f"{base}/nothing")[0] == 404
    status, html, _ = get(f"{base}/doc/quarantine/0/0")
    assert status == 200 and "Unreadable record" in html and "bad bytes" in html
    assert get(f"{base}/report")[0] == 404  # no report.html written in this output


def test_refuses_non_loopback_addresses(tmp_path):
    out = tmp_path / "out"
    synthetic_output(out)
    with pytest.raises(ValueError, match="loopback"):
        make_server(out, "0.0.0.0", 0)
