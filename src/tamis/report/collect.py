"""One bounded pass over an output's records: everything the report needs that stats.json lacks.

stats.json has exact counts per stage, reason and rule. What it cannot have is examples, the
shape of distributions, per-source and per-language figures, and the characters each stage
removed by rejecting. Those come from reading the records once, keeping only fixed-size
summaries (see :mod:`tamis.report.sampling`), so a million-record output is read in memory
that does not depend on its size.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tamis.document import replay
from tamis.io.output import KINDS, shard_files
from tamis.io.schema import verdict_in
from tamis.report.columns import SIGNAL_SAMPLE, SignalColumns, merge_columns
from tamis.report.columns import number as _num
from tamis.report.sampling import (
    BoundedCounter,
    LogHistogram,
    NumberSummary,
    Samples,
    record_hash,
    sub_hash,
)
from tamis.report.scan import iter_shard, shard_ordinal
from tamis.report.thresholds import ThresholdEvidence

EXAMPLES_PER_REASON = 5
EXAMPLES_PER_RULE = 4
SNIPPET = 240
CONTEXT = 60

_INSERTED, _REMOVED = itemgetter("inserted"), itemgetter("removed")
_STAGE_RULE = itemgetter("stage", "rule")


_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([A-Za-z0-9.-]+)(?::\d+)?(?:[/?#]|$)")


def source_of(rec: dict[str, Any]) -> str:
    """The source a record is counted under: its URL's host (without ``www.``), else its file.

    The host, not the registered domain: telling ``news.example.com`` from ``blog.example.com``
    is what a per-source view is for, and it needs no public-suffix list.
    """
    meta = rec.get("meta") or {}
    url = meta.get("url") or meta.get("URL") or meta.get("warc_target_uri")
    if isinstance(url, str) and url:
        host = _url_host(url)
        if host:
            return host
    return _file_source((rec.get("source") or {}).get("path"))


@lru_cache(maxsize=1 << 16)
def _url_host(url: str) -> str | None:
    m = _HOST.match(url)
    if m:
        return m.group(1).lower().removeprefix("www.")
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        host = None
    return host.removeprefix("www.") if host else None


@lru_cache(maxsize=1024)
def _file_source(path: Any) -> str:
    return f"file:{Path(path).name}" if path else "(unknown)"


def snippet(text: str, n: int = SNIPPET) -> str:
    text = " ".join(text[: n * 2].split())
    return text if len(text) <= n else text[: n - 1] + "…"


PII_STAGE = "pii"


def pii_redactor(edits: list[dict[str, Any]]) -> Any:
    """A function that replaces, in any string, the values the ``pii`` stage redacted in this
    document by their placeholders. The report is a file people share: it must not carry what
    the pii stage removed (the inspector, local only, shows everything)."""
    pairs = sorted(
        {
            (e["removed"], e["inserted"] or "<PII>")
            for e in edits
            if e.get("stage") == PII_STAGE and len(e.get("removed") or "") >= 3
        },
        key=lambda p: -len(p[0]),
    )
    if not pairs:
        return lambda text: text

    def redact(text: str) -> str:
        for value, placeholder in pairs:
            if value in text:
                text = text.replace(value, placeholder)
        return text

    return redact


@dataclass(slots=True)
class Loc:
    kind: str
    shard: int
    row: int
    id: str


@dataclass
class Collected:
    records: Counter = field(default_factory=Counter)  # per kind
    lengths: LogHistogram = field(default_factory=LogHistogram)
    rejected_chars_at: Counter = field(default_factory=Counter)  # stage -> chars when rejected
    kept_chars: int = 0
    input_chars: int = 0
    reasons: Samples = field(default_factory=lambda: Samples(EXAMPLES_PER_REASON, seed=1))
    quarantine: Samples = field(default_factory=lambda: Samples(EXAMPLES_PER_REASON, seed=2))
    rules: Samples = field(default_factory=lambda: Samples(EXAMPLES_PER_RULE, seed=3))
    signals: dict[tuple[str, str], NumberSummary] = field(default_factory=dict)
    categories: dict[tuple[str, str], BoundedCounter] = field(default_factory=dict)
    thresholds: ThresholdEvidence = field(default_factory=ThresholdEvidence)
    sources: BoundedCounter = field(default_factory=lambda: BoundedCounter(4))
    languages: BoundedCounter = field(default_factory=lambda: BoundedCounter(3, cap=1000))
    # (language, stage) -> documents of that language the stage rejected: per-language funnels
    language_rejections: Counter = field(default_factory=Counter)
    boilerplate: BoundedCounter = field(default_factory=lambda: BoundedCounter(3))
    boilerplate_spans: BoundedCounter = field(default_factory=lambda: BoundedCounter(2))
    duplicates: Samples = field(default_factory=lambda: Samples(EXAMPLES_PER_REASON, seed=4))
    similarity: dict[str, NumberSummary] = field(default_factory=dict)
    clusters: dict[str, BoundedCounter] = field(default_factory=dict)
    skipped_signal_keys: int = 0
    unreadable: int = 0  # records whose fields did not have the output's shape

    def merge(self, other: Collected) -> None:
        """Add the summaries of a later part of the output (another shard file's)."""
        self.records.update(other.records)
        self.lengths.merge(other.lengths)
        self.rejected_chars_at.update(other.rejected_chars_at)
        self.kept_chars += other.kept_chars
        self.input_chars += other.input_chars
        for samples in ("reasons", "quarantine", "rules", "duplicates"):
            getattr(self, samples).merge(getattr(other, samples))
        merge_columns(self, other)
        self.thresholds.merge(other.thresholds)
        for table in ("sources", "languages", "boilerplate", "boilerplate_spans"):
            getattr(self, table).merge(getattr(other, table))
        for key, n in other.language_rejections.items():
            if key in self.language_rejections or len(self.language_rejections) < 100_000:
                self.language_rejections[key] += n
        for stage, summary in other.similarity.items():
            mine = self.similarity.setdefault(stage, NumberSummary(SIGNAL_SAMPLE))
            mine.merge(summary)
        for stage, clusters in other.clusters.items():
            self.clusters.setdefault(stage, BoundedCounter(1, cap=50_000)).merge(clusters)
        self.unreadable += other.unreadable


SOURCE_COLUMNS = ("docs", "kept", "chars in", "chars kept")


class Collector:
    def __init__(self) -> None:
        self.data = Collected()
        self.columns = SignalColumns(self.data)

    def add(self, kind: str, shard: int, row: int, rec: dict[str, Any]) -> None:
        d = self.data
        d.records[kind] += 1
        loc = Loc(kind, shard, row, str(rec.get("id", "")))
        h = record_hash(loc.id)
        verdict = rec.get("verdict") or {}
        if kind == "quarantine":
            res = d.quarantine.sample(verdict.get("reason", ""))
            if res is not None:
                src = rec.get("source") or {}
                res.add(
                    h,
                    (shard, row),
                    {
                        "loc": loc,
                        "error": snippet(str(rec.get("error", "")), 300),
                        "where": f"{src.get('path', '?')} #{src.get('index', '?')}",
                    },
                )
            return
        text = rec.get("text") or ""
        edits = rec.get("edits") or []
        net = sum(map(len, map(_INSERTED, edits))) - sum(map(len, map(_REMOVED, edits)))
        kept = kind == "kept"
        original_len = len(text) - net if kept else len(text)
        final_len = len(text) if kept else len(text) + net
        d.input_chars += original_len
        d.lengths.add("input documents (original)", original_len)
        source = source_of(rec)
        if kept:
            d.kept_chars += final_len
            d.lengths.add("kept documents (cleaned)", final_len)
        else:
            d.lengths.add("rejected documents (original)", original_len)
            d.rejected_chars_at[verdict.get("stage", "")] += final_len
            self._rejection(loc, h, rec, verdict, text, source)
        d.sources.add(
            source,
            (1, 1 if kept else 0, original_len, final_len if kept else 0),
            first=loc,
        )
        signals = rec.get("signals") or {}
        self.columns.add(signals, None if kept else verdict.get("stage"), kept, h)
        lang = (signals.get("langid") or {}).get("lang")
        if isinstance(lang, str):
            score = _num((signals.get("langid") or {}).get("score"))
            d.languages.add(lang, (1, 1 if kept else 0, score or 0.0))
            if not kept and len(d.language_rejections) < 100_000:
                d.language_rejections[(lang, verdict.get("stage", ""))] += 1
        if edits:
            self._edits(loc, h, rec, edits, text, kept, source)

    def finish(self) -> Collected:
        """The summaries, once every record was added."""
        self.columns.flush()
        return self.data

    def _rejection(
        self,
        loc: Loc,
        h: int,
        rec: dict[str, Any],
        verdict: dict[str, Any],
        text: str,
        source: str,
    ) -> None:
        d = self.data
        stage, reason = verdict.get("stage", ""), verdict.get("reason", "")
        details = verdict.get("details")
        res = d.reasons.sample((stage, reason))
        if res is not None:
            res.count(1)
        if res is not None and res.wants(h):  # the example is built only when it may be kept
            redact = pii_redactor(rec.get("edits") or [])
            res.offer(
                h,
                (loc.shard, loc.row),
                {
                    "loc": loc,
                    "text": snippet(redact(text[: SNIPPET * 3])),
                    "details": details,
                    "source": source,
                },
            )
        if details is not None:
            d.thresholds.observe(stage, details, (rec.get("signals") or {}).get(stage) or {})
        if isinstance(details, dict) and "survivor" in details:
            sim = _num(details.get("similarity"))
            if sim is not None:
                d.similarity.setdefault(stage, NumberSummary(SIGNAL_SAMPLE)).add(sim, None, h)
            cluster = details.get("cluster")
            if cluster is not None:
                d.clusters.setdefault(stage, BoundedCounter(1, cap=50_000)).add(
                    str(cluster), (1,), first=(loc, str(details.get("survivor")))
                )
            res = d.duplicates.sample(stage)
            if res is not None:
                res.add(
                    h,
                    (loc.shard, loc.row),
                    {
                        "loc": loc,
                        "survivor": str(details.get("survivor")),
                        "similarity": sim,
                        "cluster": cluster,
                        "text": snippet(pii_redactor(rec.get("edits") or [])(text[:600]), 160),
                    },
                )

    def _edits(
        self,
        loc: Loc,
        h: int,
        rec: dict[str, Any],
        edits: list[dict[str, Any]],
        text: str,
        kept: bool,
        source: str,
    ) -> None:
        d = self.data
        try:
            keys = list(map(_STAGE_RULE, edits))
        except (KeyError, TypeError):
            self._claim_one_by_one(edits)  # fails where the edit-by-edit walk always failed
            raise
        # an edit's rank in its rule's sample: the record's hash mixed with the edit's index
        wanted: list[tuple[int, Any, int]] = []
        for i, key in enumerate(keys):
            res = d.rules.sample(key)
            if res is None:
                continue  # counted per edit in the samples' overflow
            res.count(1)
            rank = sub_hash(h, i)
            if res.wants(rank):
                wanted.append((i, res, rank))
        if wanted:
            self._edit_examples(loc, edits, text, kept, wanted)
        if not any(stage == "boilerplate" for stage, _ in keys):
            return
        bp = [e for e in edits if e["stage"] == "boilerplate"]
        redact = pii_redactor(edits)
        d.boilerplate.add(source, (len(bp), sum(len(e["removed"]) for e in bp), 1), first=loc)
        for e in bp:
            span = snippet(redact(e["removed"]), 160)
            if span:
                d.boilerplate_spans.add(f"{source}\0{span}", (1, 0), first=(loc, e["reason"]))

    def _claim_one_by_one(self, edits: list[dict[str, Any]]) -> None:
        """Draws for a malformed edit log, edit by edit up to the first bad edit, which raises."""
        for e in edits:
            res = self.data.rules.sample((e["stage"], e["rule"]))
            if res is not None:
                res.count(1)

    def _edit_examples(
        self,
        loc: Loc,
        edits: list[dict[str, Any]],
        text: str,
        kept: bool,
        wanted: list[tuple[int, Any, int]],
    ) -> None:
        """Each sampled edit with the text around it, as it was just before the edit."""
        from tamis.document import undo

        try:
            current = undo(text, edits) if kept else text
        except ValueError:
            return
        redact = pii_redactor(edits)
        done = 0
        for k, res, rank in wanted:
            try:
                current = replay(current, edits[done:k])
            except ValueError:
                return
            done = k
            e = edits[k]
            pos = e["pos"]
            end = pos + len(e["removed"])
            res.offer(
                rank,
                (loc.kind, loc.shard, loc.row, k),
                {
                    "loc": loc,
                    # redact a wider window, then cut: a value cut in half would not match
                    "before": redact(current[max(0, pos - CONTEXT - 200) : pos])[-CONTEXT:],
                    "removed": (
                        f"‹{len(e['removed'])} characters, not shown›"
                        if e["stage"] == PII_STAGE
                        else redact(_clip(e["removed"]))
                    ),
                    "inserted": redact(_clip(e["inserted"])),
                    "after": redact(current[end : end + CONTEXT + 200])[:CONTEXT],
                    "reason": e.get("reason", ""),
                },
            )


def _clip(s: str, n: int = 400) -> str:
    return s if len(s) <= n else s[: n // 2] + f" […{len(s) - n:,} chars…] " + s[-n // 2 :]


def _details_parsed(rec: dict[str, Any]) -> dict[str, Any]:
    """The part of :func:`decode_record` the collection needs: ``verdict.details`` parsed.
    Stages written as null (measured nothing) are skipped where signals are read."""
    verdict = rec.get("verdict")
    if verdict is not None and type(verdict.get("details")) is str:
        rec["verdict"] = verdict_in(verdict)
    return rec


def collect_file(kind: str, path: Path) -> Collected:
    """The summaries of one output shard file: the part of the report it contributes."""
    c = Collector()
    shard = shard_ordinal(path)
    # the pass allocates millions of short-lived objects and no cycles: the cyclic collector
    # would only walk the summaries over and over
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for row, _offset, rec in iter_shard(path, decode=_details_parsed):
            try:
                c.add(kind, shard, row, rec)
            except (KeyError, TypeError, AttributeError, ValueError):
                c.data.unreadable += 1
        return c.finish()
    finally:
        if was_enabled:
            gc.enable()


def merge_parts(parts: Iterable[Collected]) -> Collected:
    """The summaries of a whole output from those of its shard files, given kind by kind and
    shard by shard (:data:`KINDS` order, then shard ordinal): the order fixes only which keys a
    full table keeps and the last bits of float totals; samples do not depend on it."""
    whole = Collected()
    for part in parts:
        whole.merge(part)
    return whole


def collect(out: Path) -> Collected:
    """The report's summaries of an output, from its record files alone."""
    return merge_parts(
        collect_file(kind, path) for kind in KINDS for path in shard_files(out, kind)
    )
