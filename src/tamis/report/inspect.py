"""``tamis inspect OUT``: a local web page to browse an output's documents and see every edit.

A stdlib HTTP server (no dependency, nothing to download) bound to a loopback address only:
the pages show full document texts, including what the ``pii`` stage removed, so they must not
be reachable from the network. Lists are read from the SQLite index
(:mod:`tamis.report.index`, built on first use), documents from their shard by address, so a
page costs the same on a thousand or a million documents.

Routes: ``/`` overview, ``/docs?filters`` lists, ``/doc/<kind>/<shard>/<row>`` a document,
``/id/<id>`` a document by id, ``/api/doc/<kind>/<shard>/<row>`` its record as JSON,
``/report`` the output's report.html (whose inspector links then stay on this server).
"""

from __future__ import annotations

import base64
import contextlib
import ipaddress
import socket
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import orjson

from tamis.document import replay, undo
from tamis.report.diff import word_diff
from tamis.report.index import COUNT_LIMIT, FILTERS, Index, build_index
from tamis.report.links import DEFAULT_HOST, DEFAULT_PORT, doc_path, list_path
from tamis.report.marks import Piece, edit_marks
from tamis.report.scan import fetch
from tamis.report.style import compact_json, esc, fmt_int, fmt_num, fmt_pct, page

MAX_VIEW_CHARS = 300_000
STAGE_COLORS = ["#e76f51", "#2a9d8f", "#6d597a", "#e9c46a", "#264653", "#f4a261", "#3a86ff"]

CSS_EXTRA = """
.panes { display:grid; grid-template-columns:1fr 1fr; gap:12px; }
.pane { border:1px solid var(--line); border-radius:6px; background:#fff; min-width:0; }
.pane h3 { margin:0; padding:8px 12px; border-bottom:1px solid var(--line); background:#f0f3f6;
  font-size:13px; border-radius:6px 6px 0 0; }
.pane .text { white-space:pre-wrap; word-break:break-word; padding:10px 12px; max-height:75vh;
  overflow:auto; font:13px/1.55 ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace; }
.e { box-shadow: inset 0 -2px 0 var(--sc, #888); border-radius:2px; cursor:help; }
.e.nl::before { content:"⏎"; opacity:.55; font-size:11px; }
.mark { display:inline-block; width:0; position:relative; cursor:help; }
.mark::before { content:"▾"; position:relative; left:-4px; top:-7px; font-size:11px;
  color:var(--sc, #888); }
.hl { outline:2px solid var(--sc, #333); outline-offset:1px; }
.diff-del { background:#fde2b4; } .diff-ins { background:#fde2b4; }
table.edits td.txt { max-width:360px; white-space:pre-wrap; word-break:break-word; }
table.edits tr[data-edit] { cursor:pointer; }
.dot { display:inline-block; width:10px; height:10px; border-radius:50%; background:var(--sc);
  margin-right:4px; vertical-align:baseline; }
form.search { display:inline-flex; gap:6px; margin-left:auto; }
form.search input { padding:3px 8px; border-radius:4px; border:1px solid #ccd; min-width:220px; }
.chips a, .chips span { display:inline-block; margin:0 6px 4px 0; padding:2px 9px; border-radius:12px;
  background:#eef3f7; font-size:12px; text-decoration:none; }
.pager a { margin-right:14px; }
form.filters { display:flex; flex-wrap:wrap; gap:6px; margin:0 0 10px; }
form.filters input, form.filters select, form.filters button { padding:3px 6px; border:1px solid #ccd;
  border-radius:4px; font-size:12.5px; background:#fff; }
form.filters button { background:var(--accent); color:#fff; border-color:var(--accent); cursor:pointer; }
.kv { display:grid; grid-template-columns:max-content 1fr; gap:3px 14px; font-size:13px; }
.kv > div:nth-child(odd) { color:var(--muted); }
@media (max-width:900px) { .panes { grid-template-columns:1fr; } }
"""

SCRIPT = """
(function(){
  function all(k){ return document.querySelectorAll('[data-edit="'+k+'"]'); }
  document.querySelectorAll('[data-edit]').forEach(function(el){
    el.addEventListener('mouseenter', function(){ all(el.dataset.edit).forEach(function(x){ x.classList.add('hl'); }); });
    el.addEventListener('mouseleave', function(){ all(el.dataset.edit).forEach(function(x){ x.classList.remove('hl'); }); });
  });
  // the two panes of a view scroll together (proportionally: their texts differ in length)
  document.querySelectorAll('.panes').forEach(function(p){
    var t = p.querySelectorAll('.text'); if (t.length !== 2) return;
    var busy = false;
    function follow(a, b){ a.addEventListener('scroll', function(){
      if (busy) { busy = false; return; }
      var span = a.scrollHeight - a.clientHeight; if (span <= 0) return;
      busy = true; b.scrollTop = (a.scrollTop / span) * (b.scrollHeight - b.clientHeight);
    }); }
    follow(t[0], t[1]); follow(t[1], t[0]);
  });
  document.querySelectorAll('table.edits tr[data-edit]').forEach(function(tr){
    tr.addEventListener('click', function(){
      var t = document.querySelector('.pane [data-edit="'+tr.dataset.edit+'"]');
      if (t) t.scrollIntoView({block:'center'});
    });
  });
})();
"""


def _is_loopback(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)


def make_server(
    out: Path, host: str = DEFAULT_HOST, port: int | None = None, quiet: bool = True
) -> ThreadingHTTPServer:
    """A ready server for ``out`` (index built); ``port`` None tries 8765 then any free port."""
    out = Path(out)
    if not _is_loopback(host):
        raise ValueError(
            f"refusing to serve on {host!r}: the inspector shows full texts (PII included) "
            "and binds loopback addresses only (127.0.0.1, ::1, localhost)"
        )
    if not (out / "manifest.json").exists() and not (out / "kept").exists():
        raise FileNotFoundError(f"{out} does not look like a tamis output (no manifest.json)")

    def progress(n: int) -> None:
        if not quiet:
            print(f"\rindexing {out}: {n:,} records", end="", file=sys.stderr, flush=True)

    index = build_index(out, progress)
    if not quiet:
        print(file=sys.stderr)
    handler = type(
        "Handler", (_Handler,), {"out": out, "index_path": index, "local": threading.local()}
    )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server_cls = type(
        "Server", (ThreadingHTTPServer,), {"address_family": family, "daemon_threads": True}
    )
    if port is None:
        try:
            return server_cls((host, DEFAULT_PORT), handler)
        except OSError:
            return server_cls((host, 0), handler)
    return server_cls((host, port), handler)


def serve(out: Path, host: str = DEFAULT_HOST, port: int | None = None) -> None:
    """Serve the inspector until interrupted."""
    server = make_server(out, host, port, quiet=False)
    h, p = server.server_address[:2]
    url = f"http://{'[' + h + ']' if ':' in h else h}:{p}/"
    print(f"tamis inspect: {url}  (report: {url}report; Ctrl-C to stop)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


class _Handler(BaseHTTPRequestHandler):
    out: Path
    index_path: Path
    local: threading.local
    server_version = "tamis-inspect"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    @property
    def index(self) -> Index:
        idx = getattr(self.local, "index", None)
        if idx is None:
            idx = self.local.index = Index(self.index_path)
        return idx

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        url = urlsplit(self.path)
        parts = [unquote(p) for p in url.path.split("/") if p]
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        try:
            if not parts:
                self._html(self.overview())
            elif parts == ["docs"]:
                self._html(self.listing(query))
            elif parts[0] == "doc" and len(parts) == 4:
                self._doc(parts[1], parts[2], parts[3], query)
            elif parts[0] == "api" and len(parts) == 5 and parts[1] == "doc":
                self._api_doc(parts[2], parts[3], parts[4])
            elif parts[0] == "id" and len(parts) == 2:
                self._by_id(parts[1])
            elif parts == ["report"]:
                self._report()
            elif parts == ["favicon.ico"]:
                self._send(HTTPStatus.NO_CONTENT, b"", "text/plain")
            else:
                self._html(self._frame("Not found", "<p>No such page.</p>"), HTTPStatus.NOT_FOUND)
        except (BrokenPipeError, ConnectionResetError):
            return
        except Exception as exc:  # a page that fails says why instead of an empty reply
            with contextlib.suppress(OSError):
                self._html(
                    self._frame("Error", f"<p class=bad>{esc(type(exc).__name__)}: {esc(exc)}</p>"),
                    HTTPStatus.INTERNAL_SERVER_ERROR,
                )

    # ---- plumbing ----------------------------------------------------------------------------
    def _send(self, status: HTTPStatus, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _html(self, text: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        self._send(status, text.encode("utf-8"), "text/html; charset=utf-8")

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _frame(self, title: str, body: str) -> str:
        header = (
            '<header class="top"><h1><a href="/" style="text-decoration:none">tamis inspect</a></h1>'
            f'<span class="sub mono">{esc(self.out)}</span>'
            '<a class="sub" href="/docs">all documents</a>'
            '<a class="sub" href="/report">report</a>'
            '<form class="search" action="/docs"><input name="id" placeholder="document id or prefix">'
            "</form></header>"
        )
        return page(
            f"{title} · tamis inspect",
            f"{header}<main>{body}</main>",
            head_extra=f"<style>{CSS_EXTRA}</style>",
            script=SCRIPT,
        )

    # ---- pages -------------------------------------------------------------------------------
    def overview(self) -> str:
        f = self.index.facets()
        total = sum(n for _, n in f.get("status", []))
        cards = "".join(
            f'<a class="card {esc(s)}" style="text-decoration:none;color:inherit" href="{esc(list_path(status=s))}">'
            f'<div class="k">{esc(s)}</div><div class="v">{fmt_int(n)}</div>'
            f'<div class="note">{fmt_pct(n, total)}</div></a>'
            for s, n in f.get("status", [])
        )
        reasons = "".join(
            f'<tr><td>{esc(st)}</td><td><a href="{esc(list_path(stage=st, reason=r))}">{esc(r)}</a></td>'
            f"<td class=n>{fmt_int(n)}</td></tr>"
            for st, r, n in f.get("reasons", [])
        )
        rules = "".join(
            f'<tr><td>{esc(st)}</td><td><a href="{esc(list_path(edited=st, rule=r))}">{esc(r)}</a></td>'
            f"<td class=n>{fmt_int(docs)}</td><td class=n>{fmt_int(edits)}</td></tr>"
            for st, r, docs, edits in f.get("rules", [])
        )
        sources = "".join(
            f'<tr><td><a href="{esc(list_path(source=s))}">{esc(s)}</a></td><td class=n>{fmt_int(n)}</td>'
            f"<td class=n>{fmt_pct(k, n)}</td></tr>"
            for s, n, k in f.get("sources", [])[:50]
        )
        langs = "".join(
            f'<tr><td><a href="{esc(list_path(lang=lang))}">{esc(lang)}</a></td><td class=n>{fmt_int(n)}</td>'
            f"<td class=n>{fmt_pct(k, n)}</td></tr>"
            for lang, n, k in f.get("langs", [])[:50]
        )
        body = (
            f'<section><h2>{fmt_int(total)} records</h2><div class="cards">{cards}</div>'
            f'<p class="note">Index: {fmt_int(self.index.meta("records"))} records, built in '
            f"{esc(self.index.meta('build_seconds'))} s.</p></section>"
            '<div class="grid2"><section><h2>Rejected and quarantined, by stage and reason</h2>'
            "<table><tr><th>stage</th><th>reason</th><th class=n>records</th></tr>"
            f"{reasons or '<tr><td colspan=3 class=note>none</td></tr>'}</table></section>"
            "<section><h2>Edited, by stage and rule</h2><table><tr><th>stage</th><th>rule</th>"
            f"<th class=n>documents</th><th class=n>edits</th></tr>{rules or '<tr><td colspan=4 class=note>none</td></tr>'}</table></section></div>"
            '<div class="grid2"><section><h2>Sources</h2><table><tr><th>source</th><th class=n>documents</th>'
            f"<th class=n>kept</th></tr>{sources}</table>"
            f'<p class="note">{fmt_int(f.get("n_sources", 0))} sources in all.</p></section>'
            "<section><h2>Languages</h2><table><tr><th>language</th><th class=n>documents</th>"
            f"<th class=n>kept</th></tr>{langs or '<tr><td colspan=3 class=note>no langid signals</td></tr>'}</table></section></div>"
        )
        return self._frame("overview", body)

    def listing(self, query: dict[str, str]) -> str:
        filters = {k: query[k] for k in FILTERS if query.get(k)}
        after = _int(query.get("after"))
        before = _int(query.get("before"))
        rows, has_prev, has_next = self.index.page(filters, after, before)
        count = self.index.count(filters)
        chips = "".join(
            f'<a href="{esc(list_path(**{k: v for k, v in filters.items() if k != name}))}" title="remove this filter">{esc(name)}: {esc(value)} ✕</a>'
            for name, value in filters.items()
        )
        trs = "".join(
            f'<tr><td><a href="{esc(doc_path(r["kind"], r["shard"], r["row"]))}">{esc(r["id"])}</a></td>'
            f'<td><span class="badge {esc(r["status"])}">{esc(r["status"])}</span></td>'
            f"<td>{esc(r['stage'] or '')}{' · ' + esc(r['reason']) if r['reason'] else ''}</td>"
            f'<td><a href="{esc(list_path(**{**filters, "source": r["source"]}))}">{esc(r["source"])}</a></td>'
            f"<td>{esc(r['lang'] or '')}</td><td class=n>{fmt_int(r['chars']) if r['chars'] is not None else ''}</td>"
            f"<td class=n>{fmt_int(r['n_edits'])}</td><td class=note>{esc(r['snippet'])}</td></tr>"
            for r in rows
        )
        pager = '<div class="pager">'
        if has_prev and rows:
            pager += f'<a href="{esc(list_path(**filters))}">« first</a><a href="{esc(list_path(**filters, before=str(rows[0]["n"])))}">‹ previous</a>'
        if has_next and rows:
            pager += f'<a href="{esc(list_path(**filters, after=str(rows[-1]["n"])))}">next ›</a>'
        pager += "</div>"
        body = (
            f"<section><h2>{fmt_int(count)}{'+' if count >= COUNT_LIMIT else ''} records</h2>"
            f"{_filter_form(filters)}"
            f'<div class="chips">{chips or "<span>no filter</span>"}</div>'
            "<table><tr><th>id</th><th>verdict</th><th>stage · reason</th><th>source</th><th>lang</th>"
            f"<th class=n>chars</th><th class=n>edits</th><th>start of text</th></tr>{trs}</table>{pager}</section>"
        )
        return self._frame("documents", body)

    def _by_id(self, doc_id: str) -> None:
        rows = self.index.by_id(doc_id)
        if len(rows) == 1:
            self._redirect(doc_path(rows[0]["kind"], rows[0]["shard"], rows[0]["row"]))
        elif rows:
            self._redirect(list_path(id=doc_id))
        else:
            self._html(
                self._frame(
                    "Not found", f"<p>No record has the id <code>{esc(doc_id)}</code>.</p>"
                ),
                HTTPStatus.NOT_FOUND,
            )

    def _lookup(self, kind: str, shard: str, row: str) -> tuple[Any, dict[str, Any] | None]:
        entry = self.index.by_address(kind, _int(shard), _int(row))
        if entry is None:
            return None, None
        return entry, fetch(self.out, kind, entry["shard"], entry["row"], entry["offset"])

    def _api_doc(self, kind: str, shard: str, row: str) -> None:
        entry, rec = self._lookup(kind, shard, row)
        if rec is None:
            self._send(HTTPStatus.NOT_FOUND, b'{"error":"no such record"}', "application/json")
            return
        self._send(HTTPStatus.OK, orjson.dumps(rec), "application/json")

    def _report(self) -> None:
        path = self.out / "report.html"
        if not path.exists():
            self._html(
                self._frame(
                    "No report",
                    f"<p>No report.html yet: run <code>tamis report {esc(self.out)}</code>.</p>",
                ),
                HTTPStatus.NOT_FOUND,
            )
            return
        self._send(HTTPStatus.OK, path.read_bytes(), "text/html; charset=utf-8")

    def _doc(self, kind: str, shard: str, row: str, query: dict[str, str]) -> None:
        entry, rec = self._lookup(kind, shard, row)
        if rec is None:
            self._html(self._frame("Not found", "<p>No such record.</p>"), HTTPStatus.NOT_FOUND)
            return
        full = query.get("full") == "1"
        self._html(self._frame(str(rec.get("id", "")), self.document(entry, rec, full)))

    # ---- the document view -------------------------------------------------------------------
    def document(self, entry: Any, rec: dict[str, Any], full: bool) -> str:
        kind = entry["kind"]
        verdict = rec.get("verdict") or {}
        status = entry["status"]
        prev, nxt = self.index.neighbours(entry["n"])
        nav = "".join(
            f'<a href="{esc(doc_path(r["kind"], r["shard"], r["row"]))}">{label}</a> '
            for r, label in ((prev, "‹ previous record"), (nxt, "next record ›"))
            if r is not None
        )
        head = (
            f'<section><div style="display:flex;gap:12px;align-items:baseline;flex-wrap:wrap">'
            f'<h2 style="margin:0">{esc(rec.get("id", ""))}</h2><span class="badge {esc(status)}">{esc(status)}</span>'
        )
        if status != "kept":
            head += (
                f'<span>by <a href="{esc(list_path(stage=verdict.get("stage")))}">{esc(verdict.get("stage"))}</a>'
                f' · <a href="{esc(list_path(stage=verdict.get("stage"), reason=verdict.get("reason")))}">'
                f"{esc(verdict.get('reason'))}</a></span>"
            )
        head += f'<span class="pager" style="margin-left:auto">{nav}</span></div>'
        src = rec.get("source") or {}
        kv = [
            ("address", f"{kind}/part-{entry['shard']:05d} row {entry['row']}"),
            ("input", f"{src.get('path', '?')} record {src.get('index', '?')}"),
            (
                "source",
                f'<a href="{esc(list_path(source=entry["source"]))}">{esc(entry["source"])}</a>',
            ),
        ]
        if verdict.get("details") is not None:
            kv.append(("details", _details(verdict["details"])))
        head += (
            '<div class="kv" style="margin-top:10px">'
            + "".join(
                f"<div>{esc(k)}</div><div>{v if k in ('source', 'details') else esc(v)}</div>"
                for k, v in kv
            )
            + "</div>"
        )
        meta = rec.get("meta") or {}
        if meta:
            head += f"<details><summary>metadata ({len(meta)} fields)</summary><pre>{esc(compact_json(meta, 20000))}</pre></details>"
        head += "</section>"
        if kind == "quarantine":
            return head + self._quarantine(rec)
        body = head + self._signals(rec.get("signals") or {})
        text = rec.get("text") or ""
        edits = rec.get("edits") or []
        try:
            if status == "kept":
                original, cleaned = undo(text, edits), text
            else:
                original, cleaned = text, replay(text, edits)
            pieces = edit_marks(original, edits)
        except ValueError as exc:
            return (
                body
                + f"<section><p class=bad>The edit log does not match the text: {esc(exc)}</p><pre>{esc(text[:MAX_VIEW_CHARS])}</pre></section>"
            )
        colors = _stage_colors(edits)
        body += self._edit_table(edits, colors)
        right_title = (
            "Cleaned (as kept)"
            if status == "kept"
            else f"Text when rejected (after {len(edits)} edit{'' if len(edits) == 1 else 's'})"
        )
        left_html, cut_l = _render(pieces[0], edits, colors, "del", full)
        right_html, cut_r = _render(pieces[1], edits, colors, "ins", full)
        more = (
            f'<p class="note">Long text cut at {MAX_VIEW_CHARS:,} characters: <a href="?full=1">show all</a>.</p>'
            if cut_l or cut_r
            else ""
        )
        if not edits:
            body += (
                f"<section><h2>Text ({fmt_int(len(original))} chars, as read)</h2>{more}"
                f'<div class="pane"><div class="text" id="original">{left_html}</div></div></section>'
            )
        else:
            body += (
                f'<section><h2>Original and cleaned, side by side</h2>{_legend(colors)}{more}<div class="panes">'
                f'<div class="pane"><h3>Original ({fmt_int(len(original))} chars)</h3><div class="text" id="original">{left_html}</div></div>'
                f'<div class="pane"><h3>{esc(right_title)} ({fmt_int(len(cleaned))} chars)</h3><div class="text" id="cleaned">{right_html}</div></div>'
                "</div></section>"
            )
        details = verdict.get("details")
        if isinstance(details, dict) and details.get("survivor") is not None:
            body += self._duplicate(cleaned, details)
        return body

    def _signals(self, signals: dict[str, Any]) -> str:
        if not signals:
            return ""
        rows = "".join(
            f"<tr><td>{esc(stage)}</td><td>{esc(k)}</td><td class=mono>{esc(compact_json(v, 300))}</td></tr>"
            for stage, values in signals.items()
            if isinstance(values, dict)
            for k, v in values.items()
        )
        return f"<section><details><summary>Signals</summary><table><tr><th>stage</th><th>signal</th><th>value</th></tr>{rows}</table></details></section>"

    def _edit_table(self, edits: list[dict[str, Any]], colors: dict[str, str]) -> str:
        if not edits:
            return '<section><h2>Edits</h2><p class="note">No edit: the text is as it was read.</p></section>'
        rows = "".join(
            f'<tr data-edit="{k}" style="--sc:{colors[e["stage"]]}"><td class=n>{k + 1}</td>'
            f'<td><span class="dot"></span>{esc(e["stage"])}</td><td>{esc(e["rule"])}</td>'
            f"<td>{esc(e.get('action') or _action(e))}</td><td class=n>{fmt_int(e['pos'])}</td>"
            f'<td class="txt"><del>{esc(_visible(e["removed"]))}</del></td><td class="txt"><ins>{esc(_visible(e["inserted"]))}</ins></td>'
            f"<td>{esc(e.get('reason', ''))}</td></tr>"
            for k, e in enumerate(edits[:2000])
        )
        more = (
            f'<p class="note">{len(edits) - 2000:,} more edits not listed.</p>'
            if len(edits) > 2000
            else ""
        )
        return (
            f"<section><h2>Edits ({len(edits)})</h2><details {'open' if len(edits) <= 30 else ''}>"
            "<summary>the edit log, in the order applied (pos: in the text just before the edit)</summary>"
            '<table class="edits"><tr><th class=n>#</th><th>stage</th><th>rule</th><th>action</th><th class=n>pos</th>'
            f"<th>removed</th><th>inserted</th><th>reason</th></tr>{rows}</table>{more}</details></section>"
        )

    def _duplicate(self, text: str, details: dict[str, Any]) -> str:
        survivor_id = str(details["survivor"])
        rows = self.index.by_id(survivor_id)
        head = "<section><h2>Duplicate of its survivor</h2>"
        if not rows:
            return (
                head
                + f"<p>The survivor <code>{esc(survivor_id)}</code> is not in this output.</p></section>"
            )
        s = rows[0]
        srec = fetch(self.out, s["kind"], s["shard"], s["row"], s["offset"])
        if srec is None:
            return head + "<p>The survivor's record could not be read.</p></section>"
        stext = srec.get("text") or ""
        if s["status"] != "kept":
            stext = replay(stext, srec.get("edits") or [])
        left, right, ratio, cut = word_diff(text, stext)
        sim = details.get("similarity")
        link = f'<a href="{esc(doc_path(s["kind"], s["shard"], s["row"]))}">{esc(survivor_id)}</a>'
        info = (
            f"<p>Survivor {link} ({esc(s['status'])})"
            + (f"; the stage's similarity {sim:.3f}" if isinstance(sim, int | float) else "")
            + f"; word-level match ratio {ratio:.3f}"
            + (
                f"; cluster {esc(details.get('cluster'))}"
                if details.get("cluster") is not None
                else ""
            )
            + ". Differences are highlighted."
            + (" Texts cut for comparison." if cut else "")
            + "</p>"
        )
        return (
            head + info + _aligned_sentences(text, stext, details) + '<div class="panes">'
            f'<div class="pane"><h3>This document</h3><div class="text" id="dup-this">{_render_diff(left, "diff-del")}</div></div>'
            f'<div class="pane"><h3>Survivor</h3><div class="text" id="dup-survivor">{_render_diff(right, "diff-ins")}</div></div>'
            "</div></section>"
        )

    def _quarantine(self, rec: dict[str, Any]) -> str:
        raw = rec.get("raw") or ""
        try:
            data = base64.b64decode(raw)
        except ValueError:
            data = raw.encode() if isinstance(raw, str) else b""
        shown = data[:100_000].decode("utf-8", "replace")
        return (
            f"<section><h2>Unreadable record</h2><p>{esc(rec.get('error', ''))}</p>"
            f"<h3>Raw bytes ({fmt_int(len(data))}, shown as UTF-8 with replacement)</h3><pre>{esc(shown)}</pre></section>"
        )


def _details(details: Any) -> str:
    """A rejection's details: failing rules as a table (rule, value, threshold), else JSON."""
    from tamis.report.thresholds import failing_rules

    rules = failing_rules(details)
    if rules and len(rules) == (len(details) if isinstance(details, list) else 1):
        rows = "".join(
            f"<tr><td>{esc(r['rule'])}</td><td class=n>{_value(r.get('value'))}</td>"
            f"<td class=n>{_value(r.get('threshold'))}</td></tr>"
            for r in rules
        )
        return (
            '<table class="kvt" style="margin:0"><tr><th>failing rule</th><th class=n>value</th>'
            f"<th class=n>threshold</th></tr>{rows}</table>"
        )
    return f"<code>{esc(compact_json(details, 2000))}</code>"


def _value(v: Any) -> str:
    return (
        fmt_num(v)
        if isinstance(v, int | float) and not isinstance(v, bool)
        else esc(compact_json(v, 40))
    )


def _filter_form(filters: dict[str, str]) -> str:
    """Every filter as a field, pre-filled: browse by verdict, stage, reason, rule, source, id."""
    status = filters.get("status", "")
    options = "".join(
        f'<option value="{v}"{" selected" if v == status else ""}>{v or "any verdict"}</option>'
        for v in ("", "kept", "rejected", "quarantined")
    )
    fields = "".join(
        f'<input name="{name}" placeholder="{label}" value="{esc(filters.get(name, ""))}" size="{size}">'
        for name, label, size in (
            ("stage", "rejected by stage", 14),
            ("reason", "reason", 16),
            ("edited", "edited by stage", 12),
            ("rule", "edit rule", 14),
            ("source", "source", 16),
            ("lang", "lang", 4),
            ("id", "id or prefix", 12),
        )
    )
    return (
        f'<form class="filters" action="/docs"><select name="status">{options}</select>{fields}'
        '<button type="submit">filter</button></form>'
    )


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _action(e: dict[str, Any]) -> str:
    if e["removed"] and e["inserted"]:
        return "replace"
    return "delete" if e["removed"] else "insert"


def _clip(s: str, n: int = 300) -> str:
    return s if len(s) <= n else s[: n // 2] + f" […{len(s) - n:,} chars…] " + s[-n // 2 :]


def _visible(s: str) -> str:
    """An edit's text for the table: clipped, and line breaks shown (blank-line edits)."""
    return _clip(s).replace("\n", "↵\n")


def _stage_colors(edits: list[dict[str, Any]]) -> dict[str, str]:
    colors: dict[str, str] = {}
    for e in edits:
        if e["stage"] not in colors:
            colors[e["stage"]] = STAGE_COLORS[len(colors) % len(STAGE_COLORS)]
    return colors


def _legend(colors: dict[str, str]) -> str:
    if not colors:
        return ""
    items = " ".join(
        f'<span style="--sc:{c}"><span class="dot"></span>{esc(s)}</span>'
        for s, c in colors.items()
    )
    return (
        f'<p class="note">{items} — <del>removed</del> in the original, <ins>inserted</ins> in the '
        "cleaned text, ▾ where text was only inserted or only deleted; hover for the stage, rule and reason.</p>"
    )


def _title(k: int, e: dict[str, Any]) -> str:
    reason = e.get("reason") or ""
    return f"edit {k + 1} · {e['stage']} · {e['rule']} ({e.get('action') or _action(e)})" + (
        f": {reason}" if reason else ""
    )


def _render(
    pieces: list[Piece], edits: list[dict[str, Any]], colors: dict[str, str], tag: str, full: bool
) -> tuple[str, bool]:
    """Pieces as HTML: untouched text plain, each edit's text in <del>/<ins> with its title."""
    out: list[str] = []
    budget = None if full else MAX_VIEW_CHARS
    used = 0
    for p in pieces:
        text = p.text
        if budget is not None and used + len(text) > budget:
            text = text[: max(budget - used, 0)]
            cut = True
        else:
            cut = False
        used += len(text)
        if p.edit is None:
            out.append(esc(text))
        else:
            e = edits[p.edit]
            attrs = f'data-edit="{p.edit}" style="--sc:{colors[e["stage"]]}" title="{esc(_title(p.edit, e))}"'
            if text:
                nl = " nl" if not text.strip() else ""
                out.append(f'<{tag} class="e{nl}" {attrs}>{esc(text)}</{tag}>')
            elif not p.text:
                out.append(f'<span class="mark" {attrs}></span>')
        if cut:
            return "".join(out), True
    return "".join(out), False


def _render_diff(pieces: list[Piece], cls: str) -> str:
    out = []
    used = 0
    for p in pieces:
        if used > MAX_VIEW_CHARS:
            break
        used += len(p.text)
        out.append(esc(p.text) if p.edit is None else f'<span class="{cls}">{esc(p.text)}</span>')
    return "".join(out)


__all__ = ["build_index", "make_server", "serve"]


def _aligned_sentences(text: str, survivor_text: str, details: dict[str, Any]) -> str:
    """A rewritten copy's evidence (``rewrite_dedup``): its aligned sentences beside the
    original's, cut from both texts by the spans the verdict records."""
    pairs = details.get("pairs")
    if not isinstance(pairs, list) or not pairs:
        return ""
    rows = []
    for p in pairs:
        try:
            a, b = p["copy_span"]
            c, d = p["original_span"]
            rows.append(
                f'<tr><td class=n>{int(p["copy_sentence"]) + 1}</td><td class="txt">{esc(text[a:b])}</td>'
                f'<td class=n>{int(p["original_sentence"]) + 1}</td><td class="txt">{esc(survivor_text[c:d])}</td>'
                f"<td class=n>{float(p['similarity']):.2f}</td></tr>"
            )
        except (KeyError, TypeError, ValueError):
            continue
    share = details.get("similarity")
    aligned, total = details.get("aligned_sentences"), details.get("copy_sentences")
    return (
        '<h3>Aligned sentences</h3><p class="note">'
        + (
            f"{aligned} of this document's {total} sentences align, in order, to the survivor's"
            if aligned is not None and total is not None
            else "Sentences aligned to the survivor's"
        )
        + (f" (share {share:.3f})" if isinstance(share, int | float) else "")
        + f"; the first {len(rows)} pairs:</p>"
        '<table class="aligned"><tr><th class=n>#</th><th>this document</th><th class=n>#</th>'
        f"<th>survivor</th><th class=n>similarity</th></tr>{''.join(rows)}</table>"
    )
