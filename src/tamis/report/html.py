"""``OUT/report.html``: what the pipeline removed, why, and where to look, on one offline page.

The page is one file: styles, the small script and the plots (SVG) are inline, and the only
URLs in it are links into the inspector (see :mod:`tamis.report.links`), which load nothing
until clicked. Exact counts come from stats.json and manifest.json; examples, distributions,
sources, languages and duplicate clusters from one bounded pass over the records
(:mod:`tamis.report.collect`). Every section is optional: a stage the report has never heard
of shows up through the generic parts (its reasons, rules, signals, global summary), and a
missing file or section is said, not crashed on.

Figures that tests and readers compare with stats.json carry ``data-check="<path>"``
attributes whose text is the number shown.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any

import orjson

from tamis.report import plots
from tamis.report.collect import SOURCE_COLUMNS, Collected, Loc, collect
from tamis.report.funnel import FunnelRow, funnel_rows, stage_order
from tamis.report.links import BASE, absolute, doc_path, id_path, list_path
from tamis.report.sampling import LogHistogram
from tamis.report.style import compact_json, esc, fmt_int, fmt_num, fmt_pct, page
from tamis.report.thresholds import option_thresholds, stage_options

MAX_REASONS_WITH_EXAMPLES = 60
MAX_RULES_WITH_EXAMPLES = 80
MAX_SIGNAL_PLOTS = 60
TOP_SOURCES_PLOT = 25
TOP_SOURCES_TABLE = 100
TOP_LANGUAGES = 30
TOP_LANGUAGE_FUNNELS = 12


def _load(path: Path) -> dict[str, Any]:
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def write_report(out: Path, data: Collected | None = None) -> Path:
    """Write ``out/report.html`` and return its path; ``data`` are the records' summaries
    when already gathered (by the run's tasks), else they are read from the outputs."""
    out = Path(out)
    t0 = time.perf_counter()
    stats = _load(out / "stats.json")
    manifest = _load(out / "manifest.json")
    run = _load(out / "run.json")
    if data is None:
        data = collect(out)
    body = Report(out, stats, manifest, run, data).render(t0)
    target = out / "report.html"
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(target)
    return target


def _inspect_link(path: str, text: str, cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return f'<a data-inspect="{esc(path)}" href="{esc(absolute(path))}"{c}>{text}</a>'


def _loc_link(loc: Loc, text: str | None = None) -> str:
    label = text if text is not None else esc(loc.id or f"{loc.kind}/{loc.shard}/{loc.row}")
    return _inspect_link(doc_path(loc.kind, loc.shard, loc.row), label)


def _check(path: str, value: Any, fmt: Any = fmt_int) -> str:
    return f'<span data-check="{esc(path)}">{fmt(value)}</span>'


# served by the inspector, links become same-origin (works on any port)
SCRIPT = """
(function(){
  if (location.protocol === 'http:' || location.protocol === 'https:') {
    document.querySelectorAll('a[data-inspect]').forEach(function(a){
      a.setAttribute('href', a.getAttribute('data-inspect'));
    });
    var n = document.getElementById('inspector-note');
    if (n) n.textContent = 'Links open documents in this inspector.';
  }
})();
"""


class Report:
    def __init__(
        self,
        out: Path,
        stats: dict[str, Any],
        manifest: dict[str, Any],
        run: dict[str, Any],
        data: Collected,
    ) -> None:
        self.out = out
        self.stats = stats
        self.manifest = manifest
        self.run = run
        self.data = data
        self.options = stage_options(manifest)
        self.stages = stats.get("stages") or {}

    # ---- page ------------------------------------------------------------------------------
    def render(self, t0: float) -> str:
        sections = [
            (sid, title, self._section(fn))
            for sid, title, fn in (
                ("overview", "Overview", self.overview),
                ("funnel", "Funnel", self.funnel),
                ("rejections", "Rejections", self.rejections),
                ("edits", "Edits", self.edits),
                ("distributions", "Distributions", self.distributions),
                ("languages", "Languages", self.languages),
                ("sources", "Sources", self.sources),
                ("boilerplate", "Boilerplate", self.boilerplate),
                ("duplicates", "Duplicates", self.duplicates),
                ("quarantine", "Quarantine", self.quarantine),
                ("run", "Run", self.run_facts),
            )
        ]
        nav = "".join(f'<a href="#{sid}">{esc(title)}</a>' for sid, title, _ in sections)
        body = "".join(
            f'<section id="{sid}"><h2>{esc(title)}</h2>{html}</section>'
            for sid, title, html in sections
        )
        started = self.run.get("started", "")
        header = (
            '<header class="top"><h1>tamis report</h1>'
            f'<span class="sub mono">{esc(self.out.resolve())}</span>'
            f'<span class="sub">{esc(started)}</span>'
            f'<span class="sub">tamis {esc(self.manifest.get("tamis", ""))}</span></header>'
        )
        bad = self.data.unreadable
        footer = (
            (
                f'<p class="bad">{fmt_int(bad)} records could not be summarised (malformed '
                "fields); the counts above from stats.json still include them.</p>"
                if bad
                else ""
            )
            + f'<p class="note">Report written in {time.perf_counter() - t0:.1f} s from stats.json, '
            "manifest.json, run.json and one bounded pass over the records (examples are "
            "random samples of fixed size per reason and rule; distributions of signals are "
            "drawn from a fixed-size random sample of each signal; records are drawn by a "
            "hash of their id, the same for any worker count and on every run).</p>"
        )
        return page(
            f"tamis report: {self.out.name}",
            f'{header}<nav class="toc">{nav}</nav><main>{body}{footer}</main>',
            script=SCRIPT,
        )

    @staticmethod
    def _section(render: Any) -> str:
        """One section's HTML; a section that fails says so and the others still render.

        The report is written at the end of every run: a stage with an unforeseen summary
        shape must not turn a finished run into a failed one.
        """
        try:
            return render()
        except Exception as exc:  # noqa: BLE001 - shown on the page, never swallowed silently
            warnings.warn(f"report section failed: {exc!r}", stacklevel=2)
            return f'<p class="bad">This section failed: {esc(type(exc).__name__)}: {esc(exc)}</p>'

    # ---- sections --------------------------------------------------------------------------
    def overview(self) -> str:
        s = self.stats
        if not s:
            return (
                '<p class="bad">stats.json is missing or unreadable; figures below are partial.</p>'
            )
        n_in = s.get("input", {}).get("records", 0)
        chars_in = s.get("input", {}).get("chars", 0)
        kept = s.get("kept", {})
        rej = s.get("rejected", {})
        quar = s.get("quarantined", {})
        skipped = sum((s.get("input", {}).get("skipped") or {}).values())
        cards = [
            ("input", "input records", "input.records", n_in, ""),
            (
                "kept",
                "kept",
                "kept.records",
                kept.get("records", 0),
                fmt_pct(kept.get("records", 0), n_in),
            ),
            (
                "rejected",
                "rejected",
                "rejected.records",
                rej.get("records", 0),
                fmt_pct(rej.get("records", 0), n_in),
            ),
            (
                "quarantined",
                "quarantined",
                "quarantined.records",
                quar.get("records", 0),
                fmt_pct(quar.get("records", 0), n_in),
            ),
            ("input", "characters in", "input.chars", chars_in, ""),
            (
                "kept",
                "characters kept",
                "kept.chars",
                kept.get("chars", 0),
                fmt_pct(kept.get("chars", 0), chars_in),
            ),
        ]
        html = (
            '<div class="cards">'
            + "".join(
                f'<div class="card {cls}"><div class="k">{esc(label)}</div>'
                f'<div class="v">{_check(path, v)}</div><div class="note">{esc(share)}</div></div>'
                for cls, label, path, v, share in cards
            )
            + "</div>"
        )
        holds = self.manifest.get("accounting_holds")
        counts = self.manifest.get("counts") or {}
        if holds is not None:
            mark = '<span class="ok">holds</span>' if holds else '<span class="bad">FAILS</span>'
            html += (
                f"<p>Accounting: input {fmt_int(counts.get('input'))} = kept "
                f"{fmt_int(counts.get('kept'))} + rejected {fmt_int(counts.get('rejected'))} + "
                f"quarantined {fmt_int(counts.get('quarantined'))}: {mark}."
                + (
                    f" {fmt_int(skipped)} non-document records skipped (not counted as input)."
                    if skipped
                    else ""
                )
                + f" Check record by record with <code>tamis verify {esc(self.out)}</code>.</p>"
            )
        html += (
            f'<p class="note" id="inspector-note">Links open documents in the inspector: run '
            f"<code>tamis inspect {esc(self.out)}</code> (it serves {esc(BASE)}; with another "
            f"<code>--port</code>, open this report from the inspector's <code>/report</code> "
            f"page and the links follow).</p>"
        )
        return html

    def funnel(self) -> str:
        rows = funnel_rows(self.stats, self.manifest, self.data.rejected_chars_at)
        if not rows:
            return '<p class="note">No stage ran (no stage statistics in stats.json).</p>'
        seconds = self.run.get("stage_seconds") or {}
        head = (
            "<tr><th>stage</th><th class=n>docs in</th><th class=n>rejected</th>"
            "<th class=n>docs out</th><th class=n>docs edited</th><th class=n>edits</th>"
            "<th class=n>chars in</th><th class=n>chars rejected</th>"
            "<th class=n>chars edited away</th><th class=n>chars out</th><th class=n>seconds</th></tr>"
        )
        body = "".join(self._funnel_row(r, seconds) for r in rows)
        html = f"<table>{head}{body}</table>"
        kept_chars = self.stats.get("kept", {}).get("chars")
        kept_docs = self.stats.get("kept", {}).get("records")
        last = rows[-1]
        ok = last.chars_out == kept_chars and last.docs_out == kept_docs
        html += (
            '<p class="note">Chars rejected: the length of rejected documents when they were '
            "rejected (after earlier stages' edits). Chars edited away: characters the stage's "
            "edits removed minus those they inserted. "
            + (
                '<span class="ok">The last row matches stats.json (kept documents and characters).</span>'
                if ok
                else f'<span class="bad">The last row does not match stats.json (kept {fmt_int(kept_docs)} '
                f"docs, {fmt_int(kept_chars)} chars): the output was changed after the run?</span>"
            )
            + "</p>"
        )
        html += plots.funnel(
            ["input"] + [r.stage for r in rows],
            [rows[0].docs_in] + [r.docs_out for r in rows],
            [rows[0].chars_in] + [r.chars_out for r in rows],
        )
        return html

    def _funnel_row(self, r: FunnelRow, seconds: dict[str, float]) -> str:
        p = f"funnel.{r.stage}"
        secs = seconds.get(r.stage)
        cells = [
            _check(f"{p}.docs_in", r.docs_in),
            _check(f"{p}.rejected", r.rejected),
            _check(f"{p}.docs_out", r.docs_out),
            _check(f"{p}.docs_edited", r.docs_edited),
            _check(f"{p}.edits", r.edits),
            fmt_int(r.chars_in),
            fmt_int(r.chars_rejected),
            fmt_int(r.chars_edited_away),
            _check(f"{p}.chars_out", r.chars_out),
            f"{secs:.2f}" if isinstance(secs, int | float) else "",
        ]
        stage_link = _inspect_link(list_path(stage=r.stage), esc(r.stage))
        return (
            f"<tr><td>{stage_link}</td>" + "".join(f"<td class=n>{c}</td>" for c in cells) + "</tr>"
        )

    def rejections(self) -> str:
        n_in = self.stats.get("input", {}).get("records", 0)
        items = [
            (stage, reason, n)
            for stage, st in self.stages.items()
            for reason, n in (st.get("reasons") or {}).items()
        ]
        if not items:
            return '<p class="note">No document was rejected.</p>'
        items.sort(key=lambda t: (-t[2], t[0], t[1]))
        rows = []
        for stage, reason, n in items:
            width = 160 * n / items[0][2]
            rows.append(
                f'<tr><td>{esc(stage)}</td><td><a href="#reason-{esc(stage)}-{esc(reason)}">{esc(reason)}</a></td>'
                f"<td class=n>{_check(f'reasons.{stage}.{reason}', n)}</td><td class=n>{fmt_pct(n, n_in)}</td>"
                f'<td><span class="bar rej" style="width:{width:.0f}px"></span></td>'
                f"<td>{_inspect_link(list_path(status='rejected', stage=stage, reason=reason), 'browse')}</td></tr>"
            )
        html = (
            "<table><tr><th>stage</th><th>reason</th><th class=n>documents</th>"
            f"<th class=n>of input</th><th></th><th></th></tr>{''.join(rows)}</table>"
        )
        html += "<h3>Examples</h3>"
        for stage, reason, n in items[:MAX_REASONS_WITH_EXAMPLES]:
            examples = self.data.reasons.get((stage, reason))
            inner = "".join(
                f'<div class="example"><div class="meta">{_loc_link(x["loc"])} · {esc(x["source"])}</div>'
                f'<div class="ctx">{esc(x["text"])}</div>'
                + (
                    f'<div class="meta mono">details: {esc(compact_json(x["details"]))}</div>'
                    if x["details"] is not None
                    else ""
                )
                + "</div>"
                for x in examples
            )
            html += (
                f'<details id="reason-{esc(stage)}-{esc(reason)}"><summary>{esc(stage)} · '
                f"{esc(reason)} ({fmt_int(n)}; {len(examples)} random examples)</summary>{inner}</details>"
            )
        if len(items) > MAX_REASONS_WITH_EXAMPLES:
            html += f'<p class="note">Examples shown for the {MAX_REASONS_WITH_EXAMPLES} most frequent reasons; browse the others in the inspector.</p>'
        return html

    def edits(self) -> str:
        items = [
            (stage, rule, c)
            for stage, st in self.stages.items()
            for rule, c in (st.get("rules") or {}).items()
        ]
        if not items:
            return '<p class="note">No stage edited any text.</p>'
        items.sort(key=lambda t: (-t[2].get("edits", 0), t[0], t[1]))
        rows = "".join(
            f'<tr><td>{esc(stage)}</td><td><a href="#rule-{esc(stage)}-{esc(rule)}">{esc(rule)}</a></td>'
            f"<td class=n>{_check(f'rules.{stage}.{rule}.edits', c.get('edits', 0))}</td>"
            f"<td class=n>{fmt_int(c.get('chars_removed', 0))}</td>"
            f"<td class=n>{fmt_int(c.get('chars_inserted', 0))}</td>"
            f"<td>{_inspect_link(list_path(stage=stage, rule=rule), 'browse')}</td></tr>"
            for stage, rule, c in items
        )
        docs_edited = "".join(
            f"{esc(name)}: {fmt_int(st.get('docs_edited', 0))} · "
            for name, st in self.stages.items()
            if st.get("docs_edited")
        )
        html = (
            "<table><tr><th>stage</th><th>rule</th><th class=n>edits</th>"
            "<th class=n>chars removed</th><th class=n>chars inserted</th><th></th></tr>"
            f"{rows}</table><p class=note>Documents edited per stage: {docs_edited.rstrip(' ·')}</p>"
            "<h3>Examples</h3>"
        )
        for stage, rule, c in items[:MAX_RULES_WITH_EXAMPLES]:
            examples = self.data.rules.get((stage, rule))
            inner = "".join(
                f'<div class="example"><div class="meta">{_loc_link(x["loc"])}'
                + (f" · {esc(x['reason'])}" if x["reason"] else "")
                + f'</div><div class="ctx">…{esc(x["before"])}<del>{esc(x["removed"])}</del>'
                f"<ins>{esc(x['inserted'])}</ins>{esc(x['after'])}…</div></div>"
                for x in examples
            )
            html += (
                f'<details id="rule-{esc(stage)}-{esc(rule)}"><summary>{esc(stage)} · {esc(rule)} '
                f"({fmt_int(c.get('edits', 0))} edits; {len(examples)} random examples)</summary>{inner}</details>"
            )
        return html

    def distributions(self) -> str:
        d = self.data
        html = ""
        if d.lengths.counts:
            series = {
                name: dict(d.lengths.counts[name])
                for name in (
                    "input documents (original)",
                    "kept documents (cleaned)",
                    "rejected documents (original)",
                )
                if name in d.lengths.counts
            }
            html += plots.length_histogram(series, LogHistogram.edge)
        else:
            html += '<p class="note">No documents.</p>'
        by_stage: dict[str, list[str]] = {}
        for stage, key in d.signals:
            by_stage.setdefault(stage, []).append(key)
        if not by_stage:
            return html + '<p class="note">No numeric signals were recorded.</p>'
        plotted = 0
        table = []
        for stage in sorted(by_stage):
            panels = []
            for key in sorted(by_stage[stage]):
                summary = d.signals[(stage, key)]
                thresholds = d.thresholds.for_signal(stage, key)
                thresholds += [
                    t
                    for t in option_thresholds(self.options.get(stage, {}), key)
                    if t[1] not in {v for _, v in thresholds}
                ]
                table.append(
                    f"<tr><td>{esc(stage)}</td><td>{esc(key)}</td><td class=n>{fmt_int(summary.count)}</td>"
                    f"<td class=n>{fmt_num(summary.min)}</td><td class=n>{fmt_num(summary.mean)}</td>"
                    f"<td class=n>{fmt_num(summary.max)}</td><td>"
                    + ", ".join(f"{esc(label)} = {t:g}" for label, t in thresholds)
                    + "</td></tr>"
                )
                if plotted < MAX_SIGNAL_PLOTS and summary.min != summary.max:
                    panels.append((key, summary.sample.kept, thresholds))
                    plotted += 1
            if panels:
                html += f"<h3>{esc(stage)}</h3>" + plots.signal_histograms(stage, panels)
        html += (
            '<p class="note">Each histogram is drawn from a random sample of at most '
            f"{d.signals[next(iter(d.signals))].sample.k:,} values per signal, stacked by the "
            "document's verdict; dashed lines are thresholds, found in the rejections' details "
            "(rule = threshold) or the stage's options. Axes end at the 99th percentile (larger values "
            "are counted in the last bin); signals with a single value are only in the table.</p>"
            "<table><tr><th>stage</th><th>signal</th><th class=n>documents</th><th class=n>min</th>"
            f"<th class=n>mean</th><th class=n>max</th><th>thresholds</th></tr>{''.join(table)}</table>"
        )
        if plotted >= MAX_SIGNAL_PLOTS:
            html += f'<p class="note">Plots for the first {MAX_SIGNAL_PLOTS} signals; all are in the table.</p>'
        cats = {
            k: v
            for k, v in d.categories.items()
            if k[0] != "langid" or k[1] not in ("lang", "lang2")
        }
        if cats:
            html += "<h3>Categorical signals</h3><table><tr><th>stage</th><th>signal</th><th>values (documents, kept share)</th></tr>"
            for (stage, key), counter in sorted(cats.items()):
                vals = ", ".join(
                    f"{esc(v)} {fmt_int(row[0])} ({fmt_pct(row[1], row[0])})"
                    for v, row in counter.top(12)
                )
                html += f"<tr><td>{esc(stage)}</td><td>{esc(key)}</td><td>{vals}</td></tr>"
            html += "</table>"
        return html

    def languages(self) -> str:
        langs = self.data.languages
        if not len(langs):
            return '<p class="note">No language signals (the <code>langid</code> stage did not run).</p>'
        top = langs.top(TOP_LANGUAGES)
        html = plots.stacked_bars(
            "documents per detected language",
            [k for k, _ in top],
            {"kept": [r[1] for _, r in top], "rejected": [r[0] - r[1] for _, r in top]},
            "languages",
        )
        rows = "".join(
            f"<tr><td>{_inspect_link(list_path(lang=k), esc(k))}</td><td class=n>{fmt_int(r[0])}</td>"
            f"<td class=n>{fmt_pct(r[1], r[0])}</td><td class=n>{r[2] / r[0]:.3f}</td></tr>"
            for k, r in langs.top(200)
        )
        html += (
            "<table><tr><th>language</th><th class=n>documents</th><th class=n>kept</th>"
            f"<th class=n>mean score</th></tr>{rows}</table>"
        )
        html += self._language_funnels([k for k, _ in top[:TOP_LANGUAGE_FUNNELS]])
        min_score = (self.options.get("langid") or {}).get("min_score")
        allowed = (self.options.get("langid") or {}).get("languages")
        if min_score is not None or allowed:
            html += f'<p class="note">langid options: min_score = {esc(min_score)}; languages = {esc(allowed or "all")}. The score distribution with its threshold is under Distributions.</p>'
        return html

    def _language_funnels(self, langs: list[str]) -> str:
        """Documents of each language left after each stage that rejected any of them."""
        rejected = self.data.language_rejections
        stages = [
            s
            for s in stage_order(self.stats, self.manifest)
            if any(rejected.get((lang, s)) for lang in langs)
        ]
        if not stages:
            return ""
        totals = self.data.languages.rows
        head = "".join(f"<th class=n>after {esc(s)}</th>" for s in stages)
        rows = ""
        for lang in langs:
            left = totals[lang][0]
            cells = ""
            for stage in stages:
                left -= rejected.get((lang, stage), 0)
                cells += f"<td class=n>{fmt_int(left)}</td>"
            rows += (
                f"<tr><td>{esc(lang)}</td><td class=n>{fmt_int(totals[lang][0])}</td>{cells}</tr>"
            )
        return (
            "<h3>Funnel per language</h3><table><tr><th>language</th><th class=n>documents</th>"
            f"{head}</tr>{rows}</table>"
        )

    def sources(self) -> str:
        src = self.data.sources
        if not len(src):
            return '<p class="note">No documents.</p>'
        top = src.top(TOP_SOURCES_PLOT)
        html = plots.stacked_bars(
            f"documents per source (top {len(top)} of {len(src):,})",
            [k for k, _ in top],
            {"kept": [r[1] for _, r in top], "rejected": [r[0] - r[1] for _, r in top]},
            "sources",
        )
        rows = "".join(
            f"<tr><td>{_inspect_link(list_path(source=k), esc(k))}</td><td class=n>{fmt_int(r[0])}</td>"
            f"<td class=n>{fmt_pct(r[1], r[0])}</td>"
            f'<td><span class="bar" style="width:{80 * r[1] / r[0]:.0f}px"></span><span class="bar rej" style="width:{80 * (r[0] - r[1]) / r[0]:.0f}px"></span></td>'
            f"<td class=n>{fmt_int(r[2])}</td><td class=n>{fmt_pct(r[3], r[2])}</td></tr>"
            for k, r in src.top(TOP_SOURCES_TABLE)
        )
        html += (
            f"<table><tr><th>source</th><th class=n>{SOURCE_COLUMNS[0]}</th><th class=n>kept</th><th></th>"
            f"<th class=n>{SOURCE_COLUMNS[2]}</th><th class=n>chars kept</th></tr>{rows}</table>"
            '<p class="note">A source is the host of the document\'s <code>meta.url</code> '
            "(without www.), or its input file when it has no URL.</p>"
        )
        if src.pruned:
            html += f'<p class="note">{fmt_int(src.pruned)} small sources were merged into "other" to bound memory ({fmt_int(src.other[0])} documents).</p>'
        return html

    def boilerplate(self) -> str:
        bp = self.data.boilerplate
        summary = (self.stats.get("global") or {}).get("boilerplate")
        head = (
            "<p class=note>Run-level summary from stats.json (global):</p>"
            + _render_value(summary, "global.boilerplate")
            if summary
            else ""
        )
        if not len(bp):
            return head + (
                '<p class="note">No <code>boilerplate</code> edits in this output (the stage did '
                "not run or found nothing to remove).</p>"
            )
        spans: dict[str, list[tuple[str, float, Any]]] = {}
        for key, row in self.data.boilerplate_spans.rows.items():
            source, span = key.split("\0", 1)
            spans.setdefault(source, []).append(
                (span, row[0], self.data.boilerplate_spans.first.get(key))
            )
        html = head + (
            "<table><tr><th>source</th><th class=n>edits</th><th class=n>chars removed</th>"
            "<th class=n>documents</th><th>most frequent removed text (times)</th></tr>"
        )
        for source, row in bp.top(50):
            top = sorted(spans.get(source, []), key=lambda t: (-t[1], t[0]))[:5]
            items = "".join(
                f"<li><del>{esc(span)}</del> ×{fmt_int(n)}"
                + (
                    f" · {_loc_link(first[0], 'example')}"
                    + (f' <span class="note">{esc(first[1])}</span>' if first[1] else "")
                    if first
                    else ""
                )
                + "</li>"
                for span, n, first in top
            )
            html += (
                f"<tr><td>{_inspect_link(list_path(source=source, stage='boilerplate'), esc(source))}</td>"
                f"<td class=n>{fmt_int(row[0])}</td><td class=n>{fmt_int(row[1])}</td>"
                f"<td class=n>{fmt_int(row[2])}</td><td><ul>{items}</ul></td></tr>"
            )
        return html + "</table>"

    def duplicates(self) -> str:
        d = self.data
        global_ = {k: v for k, v in (self.stats.get("global") or {}).items() if k != "boilerplate"}
        stages = sorted(set(d.duplicates.by_key) | set(d.clusters) | set(global_))
        if not stages:
            return '<p class="note">No global stage ran and no document was rejected as a duplicate.</p>'
        html = ""
        for stage in stages:
            html += f"<h3>{esc(stage)}</h3>"
            summary = global_.get(stage)
            if summary:
                html += (
                    "<p class=note>Run-level summary from stats.json (global):</p>"
                    + _render_value(summary, f"global.{stage}")
                )
                size_plot = _size_plot(summary, stage)
                html += size_plot
            else:
                size_plot = ""
            clusters = d.clusters.get(stage)
            if clusters is not None and len(clusters):
                sizes: dict[int, int] = {}
                for row in clusters.rows.values():
                    n = int(row[0]) + 1
                    sizes[n] = sizes.get(n, 0) + 1
                xs = sorted(sizes)
                html += (
                    ""
                    if size_plot
                    else plots.bars(
                        "clusters by size (survivor + duplicates found in the records)",
                        xs,
                        [sizes[x] for x in xs],
                        "documents in cluster",
                        f"clusters-{stage}",
                    )
                )
                largest = [] if _lists_survivors(summary) else clusters.top(10)
                html += (
                    ""
                    if not largest
                    else "<table><tr><th>cluster</th><th class=n>size</th><th>survivor</th><th>a duplicate</th></tr>"
                )
                for cid, row in largest:
                    first = clusters.first.get(cid)
                    surv = _inspect_link(id_path(first[1]), esc(first[1])) if first else ""
                    dup = _loc_link(first[0]) if first else ""
                    html += f"<tr><td>{esc(cid)}</td><td class=n>{int(row[0]) + 1}</td><td>{surv}</td><td>{dup}</td></tr>"
                html += "</table>" if largest else ""
            sim = d.similarity.get(stage)
            if sim is not None and sim.count:
                html += f"<p>Similarity of removed duplicates to their survivor: min {sim.min:.3f}, mean {sim.mean:.3f}, max {sim.max:.3f} ({fmt_int(sim.count)} documents).</p>"
            examples = d.duplicates.get(stage)
            if examples:
                html += "".join(
                    f'<div class="example"><div class="meta">{_loc_link(x["loc"])} duplicate of '
                    f"{_inspect_link(id_path(x['survivor']), esc(x['survivor']))}"
                    + (
                        f" · similarity {x['similarity']:.3f}"
                        if x["similarity"] is not None
                        else ""
                    )
                    + f' · cluster {esc(x["cluster"])}</div><div class="ctx">{esc(x["text"])}</div></div>'
                    for x in examples
                )
        return html

    def quarantine(self) -> str:
        reasons = (self.stats.get("quarantined") or {}).get("reasons") or {}
        if not reasons:
            return (
                '<p class="note">No record was quarantined: every input record could be read.</p>'
            )
        html = "<table><tr><th>reason</th><th class=n>records</th><th>examples</th></tr>"
        for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
            ex = "".join(
                f"<div>{_loc_link(x['loc'])} <span class=note>{esc(x['where'])}</span><br><code>{esc(x['error'])}</code></div>"
                for x in self.data.quarantine.get(reason)
            )
            html += f"<tr><td>{esc(reason)}</td><td class=n>{_check(f'quarantine.{reason}', n)}</td><td>{ex}</td></tr>"
        return html + "</table>"

    def run_facts(self) -> str:
        m, r = self.manifest, self.run
        html = '<div class=grid2><div><table class="kvt">'
        facts = [
            ("started", r.get("started")),
            (
                "duration",
                f"{r['seconds']:.2f} s" if isinstance(r.get("seconds"), int | float) else None,
            ),
            ("workers", r.get("workers")),
            ("executor", r.get("executor")),
            ("documents / s", r.get("docs_per_second")),
            ("MB of text / s", r.get("input_mb_per_second")),
            ("resumed tasks", r.get("resumed_tasks")),
            ("shards", len(m.get("shards") or [])),
            ("output format", (m.get("config") or {}).get("output_format")),
        ]
        html += "".join(
            f"<tr><th>{esc(k)}</th><td>{fmt_num(v)}</td></tr>" for k, v in facts if v is not None
        )
        html += "</table></div><div><table><tr><th>package</th><th>version</th></tr>"
        html += "".join(
            f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>"
            for k, v in (m.get("versions") or {}).items()
        )
        html += "</table></div></div>"
        inputs = m.get("inputs") or []
        if inputs:
            html += "<h3>Inputs</h3><table><tr><th>path</th><th class=n>bytes</th><th>checksum</th></tr>"
            html += "".join(
                f"<tr><td class=mono>{esc(i.get('path'))}</td><td class=n>{fmt_int(i.get('size'))}</td>"
                f"<td class=mono>{esc(i.get('checksum'))}</td></tr>"
                for i in inputs[:200]
            )
            html += "</table>"
            if len(inputs) > 200:
                html += f'<p class="note">… and {len(inputs) - 200:,} more (manifest.json).</p>'
        if m.get("ignored"):
            html += f'<p class="note">Ignored (no reader): {esc(", ".join(m["ignored"][:50]))}</p>'
        stage_seconds = r.get("stage_seconds") or {}
        if stage_seconds:
            html += "<h3>Time per stage</h3><table><tr><th>stage</th><th class=n>seconds (all workers)</th></tr>"
            html += "".join(
                f"<tr><td>{esc(k)}</td><td class=n>{v:.3f}</td></tr>"
                for k, v in stage_seconds.items()
            )
            html += "</table>"
        if m.get("config"):
            html += "<h3>Configuration</h3><pre>" + esc(_yaml(m["config"])) + "</pre>"
        return html


def _yaml(data: Any) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


ID_KEYS = {"survivor", "survivors", "removed", "id", "ids", "members", "duplicates"}


def _render_value(value: Any, path: str, depth: int = 0, key: str = "") -> str:
    """Any JSON value as nested tables: a global stage's summary needs no schema here.

    A list of mappings becomes one table with a column per key; values under id-like keys
    (``survivor``, ``removed``...) link to those documents in the inspector.
    """
    if key in ID_KEYS and isinstance(value, str):
        return _inspect_link(id_path(str(value)), esc(value))
    if (
        key in ID_KEYS
        and isinstance(value, list)
        and value
        and all(isinstance(v, str) for v in value)
    ):
        links = ", ".join(_inspect_link(id_path(str(v)), esc(v)) for v in value[:20])
        return links + (f" … {len(value) - 20} more" if len(value) > 20 else "")
    if isinstance(value, dict):
        if not value:
            return "<span class=note>(empty)</span>"
        rows = "".join(
            f"<tr><th>{esc(k)}</th><td>{_render_value(v, f'{path}.{k}', depth + 1, str(k))}</td></tr>"
            for k, v in list(value.items())[:40]
        )
        more = (
            f"<tr><td colspan=2 class=note>… {len(value) - 40} more</td></tr>"
            if len(value) > 40
            else ""
        )
        return f'<table class="kvt">{rows}{more}</table>'
    if isinstance(value, list):
        if not value:
            return "<span class=note>(none)</span>"
        if all(isinstance(v, dict) for v in value):
            cols: list[str] = []
            for v in value[:20]:
                cols += [str(k) for k in v if str(k) not in cols]
            head = "".join(f"<th>{esc(c)}</th>" for c in cols)
            body = "".join(
                "<tr>"
                + "".join(
                    f"<td>{_render_value(v.get(c), f'{path}.{c}', depth + 2, c) if c in v else ''}</td>"
                    for c in cols
                )
                + "</tr>"
                for v in value[:20]
            )
            more = f'<p class="note">… {len(value) - 20} more</p>' if len(value) > 20 else ""
            return f"<table><tr>{head}</tr>{body}</table>{more}"
        if depth > 2:
            return esc(compact_json(value, 300))
        return ", ".join(_render_value(v, path, depth + 1) for v in value[:30]) + (
            f" … {len(value) - 30} more" if len(value) > 30 else ""
        )
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _check(path, value, fmt_num) if depth <= 1 else fmt_num(value)
    return esc(value)


def _lists_survivors(summary: Any) -> bool:
    """Whether a global summary already lists clusters with their survivors."""
    return isinstance(summary, dict) and any(
        isinstance(v, list) and v and isinstance(v[0], dict) and "survivor" in v[0]
        for v in summary.values()
    )


def _size_plot(summary: dict[str, Any], stage: str) -> str:
    """A bar chart for the first mapping of number -> count in a summary (clusters by size)."""
    if not isinstance(summary, dict):
        return ""
    for key, value in summary.items():
        if (
            isinstance(value, dict)
            and value
            and all(str(k).isdigit() and isinstance(v, int | float) for k, v in value.items())
        ):
            xs = sorted(value, key=lambda k: int(k))
            return plots.bars(
                f"{key}", [int(x) for x in xs], [value[x] for x in xs], "size", f"summary-{stage}"
            )
    return ""


__all__ = ["write_report"]
