"""Deduplication stages: ``exact_dedup``, ``minhash_dedup`` and ``line_dedup``.

All three are global (two-phase) stages. The algorithms live in :mod:`tamis.dedup`; these
classes only turn documents into compact records (observe), hand them to the algorithms
(merge) and turn the decision back into verdicts, signals and edits (apply).
"""

from __future__ import annotations

import shutil
from abc import abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field, model_validator

from tamis.dedup.normalize import Normalization
from tamis.document import Document, Replacement
from tamis.stages.base import GlobalStage, StageOptions, register

SurvivorCriterion = Literal["quality", "length", "order"]


def check_lsh_layout(bands: int | None, rows: int | None, num_perm: int) -> None:
    """An LSH layout given by hand must be whole and fit in the signature."""
    if (bands is None) != (rows is None):
        raise ValueError("give both bands and rows, or neither (derived from threshold)")
    if bands is not None and rows is not None and bands * rows > num_perm:
        raise ValueError(f"bands x rows ({bands * rows}) exceeds num_perm ({num_perm})")


class _SurvivorOptions(StageOptions):
    """What every document-level dedup stage shares: survivors, memory, indexes."""

    survivor: tuple[SurvivorCriterion, ...] = Field(
        default=("quality", "length", "order"),
        description="ranking that picks the kept document of a cluster, first criterion first",
    )
    quality_signal: str | None = Field(
        default=None,
        description="'stage.key' of a signal where higher is better; unset: fewer upstream edits is better",
    )
    memory_budget_mb: float = Field(default=2048, gt=0)
    index: Path | None = Field(default=None, description="a previous run's index to dedup against")
    write_index: Path | None = Field(default=None, description="where to write this run's index")


class _DocDedupOptions(_SurvivorOptions):
    normalization: Normalization = Normalization()


def _among(uids: np.ndarray, rejected: np.ndarray) -> np.ndarray:
    """Which of ``uids`` are in the sorted array ``rejected``."""
    if not len(rejected) or not len(uids):
        return np.zeros(len(uids), dtype=bool)
    pos = np.minimum(np.searchsorted(rejected, uids), len(rejected) - 1)
    return rejected[pos] == uids


def _not_after_signals_of(stage: str | None, earlier: tuple[GlobalStage, ...]) -> bool:
    """Whether a 'stage.key' quality signal is not one an ``earlier`` stage sets in apply."""
    return stage is None or stage.partition(".")[0] not in {g.name for g in earlier}


class _DocDedup(GlobalStage):
    """Shared machinery: records -> ranks -> verified clusters -> on-disk decision."""

    width: ClassVar[int]
    rejects_only = True  # apply rejects copies and signals clusters; no text is edited

    @abstractmethod
    def _sketch(self, docs: list[Document]) -> tuple[np.ndarray, list[np.ndarray] | None]:
        """(n, width) uint32 signatures, and shingle sets when exact Jaccard is on."""

    @abstractmethod
    def _band_layout(self) -> tuple[int, int, float]:
        """(bands, rows, verification cut)."""

    @abstractmethod
    def _params(self) -> dict[str, Any]:
        """What signatures depend on: an index made with other values cannot be reused."""

    def _with_shingles(self) -> bool:
        return False

    def new_state(self) -> Any:
        from tamis.dedup.table import SketchState

        return SketchState(self.width, shingles=[] if self._with_shingles() else None)

    def _quality(self, doc: Document) -> float:
        key = self.options.quality_signal
        if key is None:
            return -float(len(doc.edits))
        stage, _, name = key.partition(".")
        value = doc.signals.get(stage, {}).get(name)
        return float(value) if isinstance(value, int | float) else float("nan")

    def observe(self, docs: list[Document], state: Any) -> None:
        if not docs:
            return
        sig, shingles = self._sketch(docs)
        state.uid.append(np.fromiter((d.uid for d in docs), dtype=np.uint64, count=len(docs)))
        state.quality.append(np.array([self._quality(d) for d in docs], dtype=np.float64))
        state.length.append(
            np.fromiter((len(d.text) for d in docs), dtype=np.int64, count=len(docs))
        )
        state.order.append(np.array([d.order for d in docs], dtype=np.int64).reshape(len(docs), 2))
        state.sig.append(sig)
        state.ids.extend(d.id for d in docs)
        if state.shingles is not None and shingles is not None:
            state.shingles.extend(shingles)

    def observes_beside(self, earlier: tuple[GlobalStage, ...]) -> bool:
        # observe reads text, edits, order and the quality signal: only that last one may be
        # set by an earlier stage's apply
        return _not_after_signals_of(self.options.quality_signal, earlier)

    def without(self, state: Any, rejected: np.ndarray) -> Any:
        from tamis.dedup.table import SketchState

        if len(state) == 0:
            return state
        uid = np.concatenate(state.uid)
        keep = ~_among(uid, rejected)
        if keep.all():
            return state
        rows = np.flatnonzero(keep)
        out = SketchState(state.width, shingles=None if state.shingles is None else [])
        out.uid.append(uid[keep])
        for name in ("quality", "length", "order", "sig"):
            getattr(out, name).append(np.concatenate(getattr(state, name))[keep])
        out.ids.extend(state.ids[i] for i in rows.tolist())
        if state.shingles is not None:
            out.shingles.extend(state.shingles[i] for i in rows.tolist())
        return out

    def rejected_uids(self, decision: Any) -> np.ndarray:
        return np.asarray(decision.arrays()["removed_uid"], dtype=np.uint64)

    def merge(self, states: Iterator[Any], workdir: Path) -> Any:
        from tamis.dedup.cluster import (
            BUCKET_RECORD,
            find_clusters,
            jaccard_similarity,
            signature_similarity,
        )
        from tamis.dedup.decision import write_decision
        from tamis.dedup.index import check_index, load_index, write_index
        from tamis.dedup.spill import KeyedSpill
        from tamis.dedup.survivor import rank_documents, rank_of_rows
        from tamis.dedup.table import DocTable

        workdir = Path(workdir)
        opts = self.options
        params = self._params()
        table = DocTable(workdir / "table", self.width, self._with_shingles())
        external = 0
        if opts.index is not None:
            check_index(opts.index, params)
            external = load_index(opts.index, table)
        for state in states:
            if len(state) == 0:
                continue
            table.append(
                uid=np.concatenate(state.uid),
                quality=np.concatenate(state.quality),
                length=np.concatenate(state.length),
                order=np.concatenate(state.order),
                sig=np.concatenate(state.sig),
                ids=state.ids,
                external=False,
                shingles=state.shingles,
            )
        table.finish()
        perm = rank_documents(
            tuple(opts.survivor),
            table.quality,
            table.length,
            table.order0,
            table.order1,
            table.uid,
            table.external,
        )
        rank = rank_of_rows(perm)
        bands, rows, cut = self._band_layout()
        budget = int(opts.memory_budget_mb * (1 << 20))
        # a quarter of the budget for bucket records; ranks, the sort and verification use the rest
        spill = KeyedSpill(workdir / "buckets", BUCKET_RECORD, budget // 4, ties=("rank",))
        if self._with_shingles():
            similarity = jaccard_similarity(table, perm, prefilter=self._prefilter())
        else:
            similarity = signature_similarity(table, perm)
        similarity = self._similarity(table, perm, similarity)
        extra = self._extra_buckets(table, rank)
        extra_spill = None
        extra_similarity = None
        if extra is not None:
            extra_similarity = self._extra_similarity(similarity)
            extra_spill = KeyedSpill(
                workdir / "extra-buckets", BUCKET_RECORD, budget // 8, ties=("rank",)
            )
        result = find_clusters(
            table,
            perm,
            rank,
            bands,
            rows,
            self._seed(),
            cut,
            similarity,
            spill,
            extra,
            extra_spill,
            self._extra_cap(),
            extra_similarity,
            self._marked_similarity() if extra is not None else None,
            *self._marked_all_pairs(),
            self._report_only_similarity() if extra is not None else None,
        )
        self._write_evidence(workdir / "decision", table, perm, result)
        decision = write_decision(
            self.name,
            workdir / "decision",
            table,
            perm,
            result.removed,
            result.survivor,
            result.similarity,
            {
                "previous_index_documents": external,
                "bands": bands,
                "rows": rows,
                "verification_cut": round(cut, 4),
                "bucket_records": int(spill.records),
                "spilled_bytes": int(spill.spilled_bytes),
                **(
                    {
                        "extra_bucket_records": int(extra_spill.records),
                        "extra_spilled_bytes": int(extra_spill.spilled_bytes),
                    }
                    if extra_spill is not None
                    else {}
                ),
                **result.stats,
            },
        )
        keep = np.ones(table.n, dtype=bool)
        keep[perm[result.removed]] = False
        index_path = opts.write_index if opts.write_index is not None else workdir / "index"
        write_index(index_path, table, np.flatnonzero(keep), params)
        if opts.write_index is not None:  # a work-directory path would differ run to run
            decision.summary["index"] = str(opts.write_index)
        shutil.rmtree(workdir / "buckets", ignore_errors=True)
        shutil.rmtree(workdir / "extra-buckets", ignore_errors=True)
        return decision

    def _similarity(self, table: Any, perm: np.ndarray, default: Any) -> Any:
        """What candidate pairs are verified with (``default``: signatures or exact Jaccard)."""
        return default

    def _extra_buckets(self, table: Any, rank: np.ndarray) -> Iterator[np.ndarray] | None:
        """More LSH bucket records (key, rank) beside the signature bands', if the stage has
        any; their buckets of more than :meth:`_extra_cap` documents are passed over."""
        return None

    def _extra_cap(self) -> int:
        return 0

    def _extra_similarity(self, similarity: Any) -> Any:
        """What the extra buckets' pairs are verified with (``similarity``: as the others)."""
        return similarity

    def _marked_similarity(self) -> Any:
        """What the pairs of extra buckets whose key has its top bit set are verified with
        (None: as the other extra buckets'); called after :meth:`_extra_similarity`."""
        return None

    def _marked_all_pairs(self) -> tuple[int, Any]:
        """Marked extra buckets of at most this many documents have every two members
        verified (0: their stars only, as other extra buckets), the pairs without the
        bucket's best-ranked member with the similarity given (None: as the stars)."""
        return 0, None

    def _report_only_similarity(self) -> Any:
        """What the pairs of marked extra buckets whose key also has its second bit set are
        verified with, every two members of a small bucket alike (None: no such buckets,
        they are verified as the other marked ones); it declares nothing."""
        return None

    def _write_evidence(self, directory: Path, table: Any, perm: np.ndarray, result: Any) -> None:
        """Extra arrays beside the decision, for stages whose verdicts carry more evidence."""

    def _seed(self) -> int:
        return 1

    def _prefilter(self) -> float:
        return 0.0

    def apply(self, docs: list[Document], decision: Any) -> None:
        from tamis.dedup.decision import cluster_id

        if not docs:
            return
        uids = np.fromiter((d.uid for d in docs), dtype=np.uint64, count=len(docs))
        is_removed, surv, sim, size = decision.lookup(uids)
        surv_uid = decision.arrays()["surv_uid"]
        for i, doc in enumerate(docs):
            if is_removed[i]:
                s = int(surv[i])
                doc.reject(
                    self.name,
                    "duplicate",
                    {
                        "survivor": decision.survivor_id(s),
                        "similarity": round(float(sim[i]), 4),
                        "cluster": cluster_id(int(surv_uid[s])),
                    },
                )
            elif size[i] > 1:
                doc.signal(self.name, cluster=cluster_id(int(uids[i])), cluster_size=int(size[i]))

    def summary(self, decision: Any) -> dict[str, Any]:
        return dict(decision.summary)


@register
class ExactDedup(_DocDedup):
    """Documents whose normalised text has the same 128-bit hash: one is kept."""

    name = "exact_dedup"
    signals = {"cluster": str, "cluster_size": int}
    width = 4  # the 128-bit fingerprint as four 32-bit words

    class Options(_DocDedupOptions):
        pass

    def _sketch(self, docs: list[Document]) -> tuple[np.ndarray, None]:
        from tamis.dedup.hashing import fingerprints128
        from tamis.dedup.normalize import fold_many, spaced

        norm = self.options.normalization
        texts = [spaced(f, norm) for f in fold_many([d.text for d in docs], norm)]
        return fingerprints128(texts).view(np.uint32).reshape(len(docs), 4), None

    def _band_layout(self) -> tuple[int, int, float]:
        return 1, 4, 1.0

    def _params(self) -> dict[str, Any]:
        return {"stage": self.name, "normalization": self.options.normalization.model_dump()}


@register
class MinhashDedup(_DocDedup):
    """Near-duplicates by MinHash + LSH, verified before clustering, survivors by policy."""

    name = "minhash_dedup"
    signals = {"cluster": str, "cluster_size": int}

    class Options(_DocDedupOptions):
        threshold: float = Field(default=0.75, gt=0.0, le=1.0, description="Jaccard similarity")
        ngram: int = Field(default=5, ge=1, le=8, description="words per shingle")
        num_perm: int = Field(default=112, ge=8, le=1024)
        bands: int | None = Field(default=None, ge=1, description="override the derived layout")
        rows: int | None = Field(default=None, ge=1)
        verify: Literal["signature", "jaccard"] = "signature"
        verify_slack: float = Field(
            default=2.0,
            ge=0.0,
            description="accept a signature estimate this many standard errors below threshold",
        )
        seed: int = 1

        @model_validator(mode="after")
        def _layout(self) -> MinhashDedup.Options:
            check_lsh_layout(self.bands, self.rows, self.num_perm)
            return self

    def __init__(self, options: StageOptions | None = None) -> None:
        super().__init__(options)
        self.width = self.options.num_perm
        self._hasher = None

    def _with_shingles(self) -> bool:
        return self.options.verify == "jaccard"

    def _seed(self) -> int:
        return self.options.seed

    def _minhasher(self) -> Any:
        if self._hasher is None:
            from tamis.dedup.minhash import MinHasher

            o = self.options
            self._hasher = MinHasher(o.num_perm, o.ngram, o.seed, o.normalization)
        return self._hasher

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_hasher"] = None
        return state

    def _sketch(self, docs: list[Document]) -> tuple[np.ndarray, list[np.ndarray] | None]:
        hasher = self._minhasher()
        texts = [d.text for d in docs]
        hashes, doc_of = hasher.shingle_batch(texts)
        sig = hasher.signatures_from_shingles(hashes, doc_of, len(texts))
        sets = None
        if self._with_shingles():
            order = np.lexsort((hashes, doc_of))
            h, d = hashes[order], doc_of[order]
            bounds = np.searchsorted(d, np.arange(len(texts) + 1))
            sets = [np.unique(h[bounds[i] : bounds[i + 1]]) for i in range(len(texts))]
        return sig, sets

    def _band_layout(self) -> tuple[int, int, float]:
        from tamis.dedup.lsh import choose_bands, verification_cut

        o = self.options
        if o.verify == "jaccard":
            cut = o.threshold
            slack_for_bands = 4.0
        else:
            cut = verification_cut(o.threshold, o.num_perm, o.verify_slack)
            slack_for_bands = o.verify_slack
        if o.bands is not None and o.rows is not None:
            return o.bands, o.rows, cut
        bands, rows = choose_bands(o.threshold, o.num_perm, slack_for_bands)
        return bands, rows, cut

    def _prefilter(self) -> float:
        from tamis.dedup.lsh import verification_cut

        return verification_cut(self.options.threshold, self.options.num_perm, 4.0)

    def _params(self) -> dict[str, Any]:
        o = self.options
        return {
            "stage": self.name,
            "normalization": o.normalization.model_dump(),
            "ngram": o.ngram,
            "num_perm": o.num_perm,
            "seed": o.seed,
            "shingles": o.verify == "jaccard",
        }


@register
class LineDedup(GlobalStage):
    """Lines or paragraphs repeated across the corpus: kept at their first occurrence only."""

    name = "line_dedup"
    signals = {"removed_units": int}

    class Options(StageOptions):
        unit: Literal["line", "paragraph"] = "line"
        min_length: int = Field(default=30, ge=1, description="characters after normalisation")
        min_count: int = Field(default=3, ge=2, description="occurrences that make a unit repeated")
        whole_only: bool = Field(
            default=True,
            description="never count a hard-wrapped piece of a sentence (ends on a comma, or the next line goes on in lower case)",
        )
        normalization: Normalization = Normalization()
        memory_budget_mb: float = Field(default=2048, gt=0)

    def new_state(self) -> Any:
        from tamis.dedup.lines import LineState

        return LineState()

    def observe(self, docs: list[Document], state: Any) -> None:
        from tamis.dedup.lines import LINE_RECORD, hashed_units

        o = self.options
        rows: list[tuple[int, int, int, int, int]] = []
        for d in docs:
            uid = d.uid
            o0, o1 = d.order
            for ordinal, _s, _e, h in hashed_units(
                d.text, o.unit, o.min_length, o.normalization, o.whole_only
            ):
                rows.append((h, o0, o1, ordinal, uid))
        if rows:
            state.records.append(np.array(rows, dtype=LINE_RECORD))

    def observes_beside(self, earlier: tuple[GlobalStage, ...]) -> bool:
        return True  # observe reads only the text, which a rejects-only stage leaves alone

    def without(self, state: Any, rejected: np.ndarray) -> Any:
        from tamis.dedup.lines import LineState

        kept = [r[~_among(r["uid"], rejected)] for r in state.records]
        return LineState([r for r in kept if len(r)])

    def merge(self, states: Iterator[Any], workdir: Path) -> Any:
        from tamis.dedup.lines import merge_lines

        budget = int(self.options.memory_budget_mb * (1 << 20)) // 4
        return merge_lines(states, Path(workdir), self.options.min_count, budget, self.name)

    def apply(self, docs: list[Document], decision: Any) -> None:
        from tamis.dedup.lines import hashed_units

        o = self.options
        arr = decision.arrays()
        keys = arr["key"]
        if len(keys) == 0:
            return
        for d in docs:
            found = hashed_units(d.text, o.unit, o.min_length, o.normalization, o.whole_only)
            if not found:
                continue
            hashes = np.array([h for *_, h in found], dtype=np.uint64)
            pos = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
            hit = keys[pos] == hashes
            if not hit.any():
                continue
            uid = d.uid
            repl = []
            for (ordinal, start, end, _h), p, h in zip(
                found, pos.tolist(), hit.tolist(), strict=True
            ):
                if not h:
                    continue
                if int(arr["first_uid"][p]) == uid and int(arr["first_pos"][p]) == ordinal:
                    continue
                count = int(arr["count"][p])
                repl.append(
                    Replacement(
                        start,
                        end,
                        "",
                        "line_dedup",
                        f"{o.unit} occurs {count} times in the corpus; first occurrence kept",
                    )
                )
            if repl:
                d.apply(self.name, repl)
                d.signal(self.name, removed_units=len(repl))

    def summary(self, decision: Any) -> dict[str, Any]:
        return dict(decision.summary)
