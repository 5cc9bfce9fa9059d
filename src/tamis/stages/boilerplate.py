"""The ``boilerplate`` stage: what each site repeats, learned from the corpus, then removed.

Observe: for every document, the site it comes from (see :mod:`tamis.clean.sitekey`) and a
64-bit key for each distinct line and line segment (see :mod:`tamis.clean.segments`). A shard's
state is only those keys, sorted and counted (12 bytes per distinct key), plus the number of
documents per site bucket in a fixed 2^24-slot table; no text is kept.

Merge: shard states are split by key into ``partitions`` files in the work directory, then each
partition is counted on its own, so memory is bounded by one partition whatever the corpus
size. A key is boilerplate when its document frequency is at least ``min_docs`` and at least
``min_share`` of its site's documents. Only those keys, with their evidence, form the decision.

Apply: a line whose key is in the decision is removed; otherwise a segment whose key is in it
is removed as a line prefix, suffix or inline span. Every edit says how many of the site's
documents carry it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field

from tamis.document import Document, Replacement
from tamis.stages.base import GlobalStage, StageOptions, register

_OBSERVE_CHUNK = 256

_RULES = {
    "line": "learned_line",
    "first": "learned_prefix",
    "last": "learned_suffix",
    "middle": "learned_inline",
}


class BoilerplateOptions(StageOptions):
    min_docs: int = Field(
        4,
        ge=2,
        description="a line or segment must recur in at least this many documents of its site",
    )
    min_share: float = Field(
        0.3, gt=0.0, le=1.0, description="... and in at least this share of the site's documents"
    )
    url_fields: tuple[str, ...] = Field(
        ("url", "metadata.url"),
        description="meta fields holding the page URL (dotted paths for nested fields), tried in order",
    )
    source_field: str | None = Field(
        None,
        description="a meta field naming the source directly (for example a feed or publisher id)",
    )
    min_segment_chars: int = Field(
        12,
        ge=1,
        description='segments shorter than this (normalised) are not learned: "U.S." is not furniture',
    )
    partitions: int = Field(
        64,
        ge=1,
        le=4096,
        description="spill files the merge counts one at a time (memory ~ 1/partitions of the keys)",
    )


@dataclass
class ShardState:
    """Sorted distinct keys with their document counts, and documents per site bucket.

    ``add`` keeps them sorted and distinct: the keys of a new batch merged into the held ones.
    """

    keys: Any = None  # numpy uint64, sorted, unique
    counts: Any = None  # numpy uint32, documents holding each key
    site_docs: dict[int, int] = field(default_factory=dict)  # site bucket -> documents

    def add(self, keys, counts) -> None:
        import numpy as np

        if self.keys is None or len(self.keys) == 0:
            self.keys, self.counts = keys, counts
            return
        # both key arrays are sorted and distinct: a batch's keys already held add their
        # counts, the others are inserted in place (a merge, linear in the state, where a
        # sort of the whole state per batch grew with every batch of the shard)
        at = np.searchsorted(self.keys, keys)
        held = at < len(self.keys)
        held[held] = self.keys[at[held]] == keys[held]
        total = self.counts.astype(np.uint32)  # a copy: the given arrays stay as they were
        total[at[held]] += counts[held].astype(np.uint32)
        new = ~held
        self.keys = np.insert(self.keys, at[new], keys[new])
        self.counts = np.insert(total, at[new], counts[new].astype(np.uint32))


@dataclass
class Decision:
    keys: frozenset[int]
    evidence: dict[int, tuple[int, int]]  # key -> (documents holding it, documents of its site)
    sites: int
    learned: int


@register
class BoilerplateStage(GlobalStage):
    name = "boilerplate"
    signals: dict = {}  # its removals are edits
    Options = BoilerplateOptions

    def _site(self, doc: Document) -> str:
        from tamis.clean.sitekey import site_of

        return site_of(doc, self.options.url_fields, self.options.source_field)

    def new_state(self) -> ShardState:
        return ShardState()

    def observe(self, docs: list[Document], state: ShardState) -> None:
        import numpy as np

        from tamis.clean.segments import count_documents, key_pairs, source_bits
        from tamis.clean.sitekey import site_of

        if not docs:
            return
        min_chars = self.options.min_segment_chars
        bits: dict[str, int] = {}
        his = []
        url_fields, source_field = self.options.url_fields, self.options.source_field
        for doc in docs:
            site = site_of(doc, url_fields, source_field)
            hi = bits.get(site)
            if hi is None:
                hi = bits[site] = source_bits(site)
            state.site_docs[hi] = state.site_docs.get(hi, 0) + 1
            his.append(hi)
        # a few hundred documents at a time: the joined text stays in the processor's cache;
        # the keys of all chunks are then counted in one sort
        found, owners = [], []
        for start in range(0, len(docs), _OBSERVE_CHUNK):
            chunk = docs[start : start + _OBSERVE_CHUNK]
            keys, doc_index = key_pairs(
                [doc.text for doc in chunk], his[start : start + _OBSERVE_CHUNK], min_chars
            )
            found.append(keys)
            owners.append(doc_index + start)
        keys, n = count_documents(np.concatenate(found), np.concatenate(owners))
        if len(keys):
            state.add(keys, n)

    def merge(self, states, workdir: Path) -> Decision:
        import numpy as np

        from tamis.clean.segments import ITEM_BITS, SOURCE_BITS

        parts = self.options.partitions
        workdir = Path(workdir)
        workdir.mkdir(parents=True, exist_ok=True)
        files = [open(workdir / f"keys-{p:04d}.bin", "wb") for p in range(parts)]  # noqa: SIM115
        record = np.dtype([("key", "<u8"), ("count", "<u4")])
        # documents per site bucket: a fixed table (2^24 x 4 bytes = 64 MB) whatever the corpus
        site_docs = np.zeros(1 << SOURCE_BITS, dtype=np.uint32)
        try:
            for state in states:
                for hi, n in state.site_docs.items():
                    site_docs[hi] += n
                if state.keys is None or len(state.keys) == 0:
                    continue
                rows = np.empty(len(state.keys), dtype=record)
                rows["key"] = state.keys
                rows["count"] = state.counts
                bucket = (state.keys % np.uint64(parts)).astype(np.int64)
                order = np.argsort(bucket, kind="stable")
                bounds = np.searchsorted(bucket[order], np.arange(parts + 1))
                for p in range(parts):
                    if bounds[p] < bounds[p + 1]:
                        rows[order[bounds[p] : bounds[p + 1]]].tofile(files[p])
        finally:
            for f in files:
                f.close()
        evidence: dict[int, tuple[int, int]] = {}
        min_docs, min_share = self.options.min_docs, self.options.min_share
        for p in range(parts):
            path = workdir / f"keys-{p:04d}.bin"
            rows = np.fromfile(path, dtype=record)
            os.unlink(path)
            if len(rows) == 0:
                continue
            uniq, inverse = np.unique(rows["key"], return_inverse=True)
            df = np.bincount(inverse, weights=rows["count"], minlength=len(uniq))
            n_site = site_docs[(uniq >> np.uint64(ITEM_BITS)).astype(np.int64)]
            keep = np.nonzero((df >= min_docs) & (df >= min_share * n_site))[0]
            for i in keep:
                evidence[int(uniq[i])] = (int(df[i]), int(n_site[i]))
        sites = int(np.count_nonzero(site_docs))
        return Decision(frozenset(evidence), evidence, sites, len(evidence))

    def apply(self, docs: list[Document], decision: Decision) -> None:
        from tamis.clean.segments import source_bits, unit_key, units

        if not decision.keys:
            return
        min_chars = self.options.min_segment_chars
        for doc in docs:
            site = self._site(doc)
            hi = source_bits(site)
            found = []
            removed_lines: list[tuple[int, int]] = []
            for u in units(doc.text, min_chars):
                key = unit_key(hi, u)
                if key not in decision.keys:
                    continue
                df, n = decision.evidence[key]
                why = f"in {df} of {n} documents of {site}"
                if u.kind == "line":
                    removed_lines.append((u.start, u.end))
                    found.append((u.start, u.end, "line", why))
                elif not any(s <= u.start and u.end <= e for s, e in removed_lines):
                    found.append((u.start, u.end, u.kind, why))
            if found:
                doc.apply(self.name, self._replacements(doc.text, found))

    @staticmethod
    def _replacements(text: str, found: list[tuple[int, int, str, str]]) -> list[Replacement]:
        from tamis.clean.rules import remove_lines

        out: list[Replacement] = []
        lines = [(s, e) for s, e, kind, _ in found if kind == "line"]
        whys = [why for _, _, kind, why in found if kind == "line"]
        for rep, why in zip(remove_lines(text, lines, "", ""), whys, strict=True):
            out.append(Replacement(rep.start, rep.end, "", _RULES["line"], why))
        for start, end, kind, why in found:
            if kind == "line":
                continue
            if kind == "first":
                # take the separator and spaces that joined it to the rest of the line
                stop = end
                while stop < len(text) and text[stop] in " \t|–—·•-:":
                    stop += 1
                out.append(Replacement(start, stop, "", _RULES[kind], why))
            else:
                # take the spaces or separator before it, keep the previous sentence's end
                begin = start
                while begin > 0 and text[begin - 1] in " \t|–—·•-":
                    begin -= 1
                out.append(Replacement(begin, end, "", _RULES[kind], why))
        out.sort()
        merged: list[Replacement] = []
        for r in out:
            if merged and r.start < merged[-1].end:
                continue  # two learned pieces touching: the first one's removal stands
            merged.append(r)
        return merged

    def summary(self, decision: Decision) -> dict[str, Any]:
        return {"sites": decision.sites, "learned_keys": decision.learned}
