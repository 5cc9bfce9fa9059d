"""The stylesheet and small HTML helpers shared by the report and the inspector (inline, no CDN)."""

from __future__ import annotations

import html
import json
from typing import Any

CSS = """
:root { --ink:#1d2a33; --muted:#5c6b77; --line:#dfe5ea; --bg:#f6f8fa; --card:#fff;
  --kept:#2a9d8f; --rej:#e76f51; --quar:#8d99ae; --accent:#264653; --thr:#b5179e; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
  color:var(--ink); background:var(--bg); }
header.top { background:var(--accent); color:#fff; padding:14px 28px; display:flex;
  align-items:baseline; gap:18px; flex-wrap:wrap; }
header.top h1 { margin:0; font-size:20px; font-weight:650; letter-spacing:.2px; }
header.top .sub { opacity:.85; font-size:13px; }
header.top a { color:#fff; }
nav.toc { position:sticky; top:0; z-index:5; background:#fff; border-bottom:1px solid var(--line);
  padding:8px 28px; display:flex; gap:14px; flex-wrap:wrap; font-size:13px; }
nav.toc a { color:var(--accent); text-decoration:none; }
nav.toc a:hover { text-decoration:underline; }
main { max-width:1180px; margin:0 auto; padding:18px 28px 60px; }
section { background:var(--card); border:1px solid var(--line); border-radius:8px;
  padding:16px 20px; margin:18px 0; }
section > h2 { margin:0 0 10px; font-size:17px; }
h3 { font-size:14px; margin:18px 0 6px; }
p.note, .note { color:var(--muted); font-size:12.5px; }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(150px,1fr)); gap:10px; }
.card { border:1px solid var(--line); border-radius:8px; padding:10px 12px; background:#fff; }
.card .v { font-size:22px; font-weight:650; }
.card .k { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.4px; }
.card.kept { border-top:4px solid var(--kept); } .card.rejected { border-top:4px solid var(--rej); }
.card.quarantined { border-top:4px solid var(--quar); } .card.input { border-top:4px solid var(--accent); }
table { border-collapse:collapse; width:100%; font-size:13px; margin:6px 0 10px; }
th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#f0f3f6; font-weight:600; }
section > table tr:first-child > th { position:sticky; top:36px; }
td.n, th.n { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
tr:hover td { background:#fafcfd; }
code, pre, .mono { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;
  font-size:12px; }
pre { background:#f4f6f8; padding:10px; border-radius:6px; overflow:auto; max-height:420px; }
a { color:#1d6fa5; }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600;
  color:#fff; background:var(--muted); }
.badge.kept { background:var(--kept); } .badge.rejected { background:var(--rej); }
.badge.quarantine, .badge.quarantined { background:var(--quar); }
.bar { display:inline-block; height:9px; background:var(--kept); border-radius:2px; vertical-align:middle; }
.bar.rej { background:var(--rej); }
table.kvt { width:auto; min-width:40%; } table.kvt th { position:static; width:1%; white-space:nowrap; }
details { margin:4px 0; } details > summary { cursor:pointer; color:var(--accent); }
.example { border-left:3px solid var(--line); padding:4px 10px; margin:6px 0; font-size:12.5px; }
.example .meta { color:var(--muted); font-size:12px; }
.ctx { white-space:pre-wrap; word-break:break-word; }
del, .del { background:#fbd5cc; color:#7a2614; text-decoration:line-through; text-decoration-color:#c0573e80; }
ins, .ins { background:#cdeee8; color:#0d4d44; text-decoration:none; }
svg.plot { width:100%; height:auto; max-width:100%; display:block; margin:6px 0; }
.ok { color:var(--kept); font-weight:600; } .bad { color:var(--rej); font-weight:600; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:14px; }
@media (max-width:800px) { .grid2 { grid-template-columns:1fr; } }
"""


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def fmt_int(n: Any) -> str:
    try:
        return f"{int(n):,}"
    except (TypeError, ValueError):
        return esc(n)


def fmt_pct(part: float | None, whole: float | None) -> str:
    """``part`` as a share of ``whole``; a missing part counts as none (SQL's SUM over no
    rows is NULL), a missing or zero whole has no share."""
    try:
        whole = float(whole or 0)
        part = float(part or 0)
    except (TypeError, ValueError):
        return "–"
    if not whole or whole != whole:
        return "–"
    return f"{100 * part / whole:.1f}%"


def fmt_num(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, int):
        return f"{v:,}"
    return esc(v)


def compact_json(value: Any, limit: int = 600) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def page(title: str, body: str, head_extra: str = "", script: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style>{head_extra}</head>"
        f"<body>{body}" + (f"<script>{script}</script>" if script else "") + "</body></html>\n"
    )
