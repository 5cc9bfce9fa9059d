"""``rewrite_dedup``: spun and rewritten copies, which word-shingle deduplication cannot see.

A global stage on the machinery of ``minhash_dedup`` (document table on disk, LSH buckets
spilled past the memory budget, verified clusters split around their survivors, survivor
policy, ``--dedup-index``), with its own signatures and its own verification
(:mod:`tamis.dedup.rewrite`): MinHash over sentence skeletons finds candidates, and a pair is
declared only when the copy's sentences align, in order, to the survivor's. The copy is
rejected as ``rewritten_copy``, naming its survivor (the original) and the evidence: the share
of its sentences aligned, the mean similarity of aligned sentences, and a few aligned pairs
with their character spans in both texts (as each text was when this stage saw it).
"""

from __future__ import annotations

from collections import OrderedDict
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import Field, model_validator

from tamis.document import Document
from tamis.stages.base import StageOptions, register
from tamis.stages.dedup import _DocDedup, _SurvivorOptions, check_lsh_layout

#: aligned sentence pairs kept as evidence per removed copy
EVIDENCE_PAIRS = 3
#: aligned sentences a partial copy needs to be reported (one shared sentence is a quote)
MIN_REPORTED_SENTENCES = 2
_CACHE = 512  # unpacked sentence records kept while verifying (a bucket's centre recurs)
#: documents' stems kept while comparing pairs met on content keys (a few hundred bytes
#: each): the small buckets' every two members revisit the same documents
_STEM_CACHE = 4096
_KNOWN_PAIRS = 1 << 18  # verified pairs remembered (bounded: ~150 bytes each)


@register
class RewriteDedup(_DocDedup):
    """Rewritten copies: skeleton MinHash + LSH candidates, verified by sentence alignment."""

    name = "rewrite_dedup"
    signals = {
        "cluster": str,
        "cluster_size": int,
        "partial_copy_of": str,
        "partial_copy_share": float,
    }

    class Options(_SurvivorOptions):
        threshold: float = Field(
            default=0.5,
            gt=0.0,
            le=1.0,
            description="share of the copy's sentences that must align, in order, to the original's",
        )
        sentence_similarity: float = Field(
            default=0.3,
            gt=0.0,
            le=1.0,
            description="Jaccard of two sentences' features (skeleton trigrams, names, numbers, stems) that aligns them",
        )
        candidate_similarity: float = Field(
            default=0.5,
            gt=0.0,
            le=1.0,
            description="skeleton 5-gram Jaccard the LSH layout is chosen to catch",
        )
        report_threshold: float = Field(
            default=0.25,
            ge=0.0,
            le=1.0,
            description="share of the copy's sentences aligned (two at least) at which a pair too weak to remove is reported on the copy as a partial copy; 0: none",
        )
        verbatim_report: float = Field(
            default=0.1,
            ge=0.0,
            le=1.0,
            description="share of the copy's sentences aligned nearly verbatim (two at least) at which a pair is reported on the copy as a partial copy, however few of its other sentences align: copying by pasting; 0: off. Chosen on tuned Clough-Stevenson tasks a-c and the tuned Reuters part (0.05-0.2 gave one outcome); held-out parts unchanged or one true shared block more (bench/results/rewrite.md)",
        )
        revision_similarity: float = Field(
            default=0.25,
            gt=0.0,
            le=1.0,
            description="Jaccard of two sentences' words (stems, names, numbers; no skeleton) that aligns them in a hand revision",
        )
        revision_containment: float = Field(
            default=0.6,
            ge=0.0,
            le=1.0,
            description="share of the smaller document's distinct content stems found in the other under which documents meeting on content keys are not aligned; 0: no content keys",
        )
        revision_weights: bool = Field(
            default=False,
            description="in the revision path, count each shared word by its inverse document frequency within the run (common topic words count less than rare ones); off by default: at the cuts tuned for it (containment 0.35, sentence similarity 0.2) it paired two non-plagiarised held-out Clough-Stevenson answers (bench/results/rewrite.md)",
        )
        paraphrase_report: float = Field(
            default=0.0,
            ge=0.0,
            le=1.0,
            description="share of the copy's sentences that must align in order, at a word Jaccard of 0.2 (three sentences at least, the leads among them), for a pair meeting on content keys with 0.45 of the smaller one's stems or more in the other, and named by no other path, to be reported on the copy as a partial copy (never removed): a paraphrase, each sentence reworded in turn; 0: off. Off by default: at 0.4 (chosen on the tuned parts) it reported three more held-out Clough-Stevenson revisions, but also two held-out non-plagiarised answers, and MSRP's false reports rose from 17 to 32 (bench/results/rewrite.md)",
        )
        prefilter: float = Field(
            default=0.2,
            ge=0.0,
            le=1.0,
            description="signature agreement under which a candidate is not aligned at all",
        )
        min_words: int = Field(
            default=40, ge=1, description="shorter documents are neither copies nor originals"
        )
        sentence_bucket_limit: int = Field(
            default=32,
            ge=0,
            description="a sentence skeleton or content key shared by more documents than this nominates no pair (boilerplate); 0: neither kind of candidate",
        )
        num_perm: int = Field(default=128, ge=8, le=1024)
        bands: int | None = Field(default=None, ge=1, description="override the derived layout")
        rows: int | None = Field(default=None, ge=1)
        seed: int = 1

        @model_validator(mode="after")
        def _layout(self) -> RewriteDedup.Options:
            check_lsh_layout(self.bands, self.rows, self.num_perm)
            if self.report_threshold > self.threshold:
                raise ValueError(
                    f"report_threshold ({self.report_threshold}) exceeds threshold ({self.threshold})"
                )
            return self

    def __init__(self, options: StageOptions | None = None) -> None:
        super().__init__(options)
        from tamis.dedup.rewrite import CONTENT_COLUMNS

        # the skeleton signature, then the content minima and the stem count
        self.width = self.options.num_perm + CONTENT_COLUMNS + 1
        self._declared: dict[tuple[int, int], Any] = {}  # merge only: alignments that passed
        self._unfiltered: Any = None  # merge only: the similarity of sentence-bucket pairs
        self._revised: Any = None  # merge only: the similarity of content-key pairs
        self._reported_only: Any = None  # merge only: the same, reporting, never declaring
        self._reported: dict[tuple[int, int], float] = {}  # merge only: partial copies
        self._paraphrased: dict[tuple[int, int], float] = {}  # merge only: weaker evidence

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_declared"] = {}
        state["_unfiltered"] = None
        state["_revised"] = None
        state["_reported_only"] = None
        state["_reported"] = {}
        state["_paraphrased"] = {}
        return state

    def _with_shingles(self) -> bool:
        return True  # the "shingle" column holds each document's packed sentence records

    def _seed(self) -> int:
        return self.options.seed

    def _sketch(self, docs: list[Document]) -> tuple[np.ndarray, list[np.ndarray]]:
        from tamis.dedup.hashing import mix64
        from tamis.dedup.rewrite import signatures, sketch_batch

        o = self.options
        batch = sketch_batch([d.text for d in docs], o.min_words)
        sig = signatures(batch.doc_hashes, batch.doc_of, len(docs), o.num_perm, o.seed)
        # a document without a skeleton gets slots of its own, so that such documents never
        # share a bucket (all-empty signatures would all collide)
        empty = np.flatnonzero(np.bincount(batch.doc_of, minlength=len(docs)) == 0)
        if len(empty):
            uids = np.array([docs[i].uid for i in empty], dtype=np.uint64)
            slots = np.arange(o.num_perm, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
            own = mix64((uids[:, None] ^ slots[None, :]).reshape(-1)).reshape(len(empty), -1)
            sig[empty] = (own >> np.uint64(32)).astype(np.uint32)
        return np.concatenate([sig, batch.content], axis=1), batch.packed

    def _band_layout(self) -> tuple[int, int, float]:
        from tamis.dedup.lsh import choose_bands

        o = self.options
        if o.bands is not None and o.rows is not None:
            return o.bands, o.rows, o.threshold
        bands, rows = choose_bands(o.candidate_similarity, o.num_perm, slack=0.0)
        return bands, rows, o.threshold

    def _extra_buckets(self, table: Any, rank: np.ndarray) -> Any:
        """One bucket per sentence skeleton key and per content key (see
        :mod:`tamis.dedup.rewrite`), read from the packed records in chunks of documents."""
        if self.options.sentence_bucket_limit == 0:
            return None
        return self._sentence_buckets(table, rank)

    def _sentence_buckets(self, table: Any, rank: np.ndarray) -> Any:
        from tamis.dedup.cluster import BUCKET_RECORD
        from tamis.dedup.rewrite import CONTENT_KEY_BIT, bucket_keys_of, record_chunks

        for start, flat, ends in record_chunks(table):
            keys, rec = bucket_keys_of(flat, ends)
            if not self.options.revision_containment:
                keep = keys < CONTENT_KEY_BIT
                keys, rec = keys[keep], rec[keep]
            records = np.empty(len(keys), dtype=BUCKET_RECORD)
            records["key"] = keys
            records["rank"] = rank[start + rec]
            yield records

    def _extra_cap(self) -> int:
        return self.options.sentence_bucket_limit

    def _params(self) -> dict[str, Any]:
        from tamis.dedup.rewrite import (
            CONTENT_BANDS,
            CONTENT_COLUMNS,
            DECLARING_CONTENT_BANDS,
            MIN_CONTENT_STEMS,
            MIN_SENTENCE_WORDS,
            SENTENCE_KEY_TOKENS,
            SENTENCE_NGRAM,
            SKELETON_NGRAM,
        )

        o = self.options
        return {
            "stage": self.name,
            "num_perm": o.num_perm,
            "seed": o.seed,
            "min_words": o.min_words,
            "skeleton_ngram": SKELETON_NGRAM,
            "sentence_ngram": SENTENCE_NGRAM,
            "min_sentence_words": MIN_SENTENCE_WORDS,
            "sentence_key_tokens": SENTENCE_KEY_TOKENS,
            "content_bands": CONTENT_BANDS,
            "content_columns": CONTENT_COLUMNS,
            "declaring_content_bands": DECLARING_CONTENT_BANDS,
            "min_content_stems": MIN_CONTENT_STEMS,
        }

    def _records(self, table: Any, perm: np.ndarray, read: Any = None) -> Any:
        from tamis.dedup.rewrite import unpack

        cache: OrderedDict[int, Any] = OrderedDict()
        read = read or _packed_reader(table, perm)

        def record(rank: int) -> Any:
            got = cache.get(rank)
            if got is None:
                got = cache[rank] = unpack(read(rank))
                if len(cache) > _CACHE:
                    cache.popitem(last=False)
            return got

        return record

    def _similarity(self, table: Any, perm: np.ndarray, default: Any) -> Any:
        """Share of the second document's sentences aligned to the first's (the better-ranked
        one, which would survive); pairs whose skeleton signatures barely agree are skipped."""
        from tamis.dedup.cluster import signature_similarity
        from tamis.dedup.rarity import Rarity
        from tamis.dedup.rewrite import (
            MIN_ALIGNED_WITHOUT_LEAD,
            PARAPHRASE_CONTAINMENT,
            PARAPHRASE_SIMILARITY,
            Alignment,
            align,
            align_revision,
            content_part,
            declared_share,
            estimate_floor,
            estimated_containment,
            paraphrase_share,
            revision_share,
            sentence_count,
            shared_features,
            stem_features,
            stems_contained,
            verbatim_share,
        )

        o = self.options
        agreement = signature_similarity(table, perm, o.num_perm)
        read = _packed_reader(table, perm)
        record = self._records(table, perm, read)

        def identical(pair: tuple[int, int]) -> Any:
            """The alignment of two documents whose sentence records are equal (a corpus's
            verbatim repeats), without comparing their sentences."""
            first, second = read(pair[0]), read(pair[1])
            if len(first) < 2 or not np.array_equal(first, second):
                return None
            k = sentence_count(first)
            return Alignment(1.0, k, k, 1.0, [(i, i, 1.0) for i in range(k)])

        # a close pair shares most of its LSH buckets and is offered once per bucket; a pair
        # passed over by the prefilter is remembered as None (a shared sentence may bring it
        # back, unfiltered)
        known: OrderedDict[tuple[int, int], float | None] = OrderedDict()

        def judge(
            pair: tuple[int, int],
            al: Any,
            share: float,
            evidence: int,
            evidence_share: float,
            pasted: float = 0.0,
        ) -> float:
            """Keep an alignment whose ``share`` declares the pair, or report it as a partial
            copy when ``evidence`` sentences (``evidence_share`` of the copy's) align, or
            when ``pasted`` of the copy's sentences are pasted (:func:`verbatim_share`)."""
            if share >= o.threshold and len(self._declared) < _KNOWN_PAIRS:
                self._declared[pair] = al  # evidence, should the pair be declared
            elif len(self._reported) >= _KNOWN_PAIRS:
                pass
            elif (
                o.report_threshold
                and evidence_share >= o.report_threshold
                and evidence >= MIN_REPORTED_SENTENCES
            ):
                self._reported[pair] = max(self._reported.get(pair, 0.0), evidence_share)
            elif o.verbatim_report and pasted >= o.verbatim_report:
                self._reported[pair] = max(self._reported.get(pair, 0.0), evidence_share)
            return share

        # the share an alignment must be able to reach before its chain is built
        needed = min(x for x in (o.report_threshold, o.verbatim_report, o.threshold) if x > 0)

        def verify(pair: tuple[int, int], agree: float) -> float:
            al = identical(pair) if agree == 1.0 else None
            if al is None:
                al = align(record(pair[1]), record(pair[0]), o.sentence_similarity, needed)
            share = declared_share(al)
            return judge(pair, al, share, al.aligned, share, verbatim_share(al))

        def similarity_with(prefilter: float) -> Any:
            def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
                pairs = list(zip(a.tolist(), b.tolist(), strict=True))
                out = np.zeros(len(pairs))
                todo = []
                for i, pair in enumerate(pairs):
                    share = known.get(pair, -1.0)
                    if share is None or share < 0:  # forgotten, or filtered: declared stays
                        declared = self._declared.get(pair)
                        share = declared.share if declared is not None else share
                    if share is None and prefilter > 0:
                        share = 0.0
                    if share is None or share < 0:
                        todo.append(i)
                    else:
                        out[i] = share
                if not todo:
                    return out
                pick = np.array(todo, dtype=np.int64)
                agreed = agreement(a[pick], b[pick])
                for i, agree in zip(todo, agreed.tolist(), strict=True):
                    pair = pairs[i]
                    share = known.get(pair, -1.0)  # the same pair twice in one call
                    if share is None or share < 0:
                        share = verify(pair, agree) if agree >= prefilter else None
                        remember(pair, share)
                    out[i] = share or 0.0
                return out

            return similarity

        def remember(pair: tuple[int, int], share: float | None) -> None:
            known[pair] = share
            if len(known) > _KNOWN_PAIRS:
                known.popitem(last=False)

        stem_cache: OrderedDict[int, np.ndarray] = OrderedDict()

        def stems(rank: int) -> np.ndarray:
            got = stem_cache.get(rank)
            if got is None:
                got = stem_cache[rank] = stem_features(read(rank))
                if len(stem_cache) > _STEM_CACHE:
                    stem_cache.popitem(last=False)
            return got

        def revise(pair: tuple[int, int], declare: bool = True) -> float:
            """A pair met on content keys, whose stems passed: its sentences aligned as a spun
            copy, then as a hand revision (declared, or reported on weaker evidence; only
            reported unless ``declare``)."""
            # a pair met on content words alone is declared on three ordered sentences at
            # least, never on a lead and one more: two reports of one event's stages (a
            # commission's staff recommends, then the commission approves) share a reworded
            # lead and background
            share = known.get(pair, -1.0)
            if share is None or share < 0:
                declared = self._declared.get(pair)
                share = declared.share if declared is not None else -1.0
            if share >= 0 and (share >= o.threshold or not declare):
                return share
            # the sentences' shared features, counted once for both alignments
            copy, original = record(pair[1]), record(pair[0])
            weigh = rarity[0].weights if rarity else None
            both = shared_features(copy, original, weigh)
            if share < 0:
                al = align(copy, original, o.sentence_similarity, needed, shared=both)
                share = al.share if al.aligned >= MIN_ALIGNED_WITHOUT_LEAD else 0.0
                declared = share if declare else 0.0
                share = judge(pair, al, declared, al.aligned, share, verbatim_share(al))
            if share < o.threshold:
                rev = align_revision(copy, original, o.revision_similarity, both, weigh)
                if not rev.figures_differ:
                    declared = rev.share if rev.aligned >= MIN_ALIGNED_WITHOUT_LEAD else 0.0
                    evidence = revision_share(rev)
                    declared = declared if declare else 0.0
                    share = max(share, judge(pair, rev, declared, rev.matched, evidence))
            if not declare:
                return 0.0
            remember(pair, share)
            return share

        def paraphrase(pair: tuple[int, int]) -> None:
            """A pair met on content keys, neither declared nor reported, whose stems reach
            :data:`PARAPHRASE_CONTAINMENT`: reported when enough of the copy's sentences
            align to the original's in order at :data:`PARAPHRASE_SIMILARITY`."""
            if pair in self._declared or pair in self._reported:
                return
            if len(self._paraphrased) >= _KNOWN_PAIRS:
                return
            copy, original = record(pair[1]), record(pair[0])
            al = align(copy, original, PARAPHRASE_SIMILARITY, o.paraphrase_report, revision=True)
            share = paraphrase_share(al)
            if share >= o.paraphrase_report:
                self._paraphrased[pair] = share

        # a paraphrase is looked for among the pairs the revision path reads (its estimate's
        # floor is not lowered: on the tuned parts that found the same paraphrases and read
        # fewer pairs)
        paraphrase_cut = PARAPHRASE_CONTAINMENT if o.paraphrase_report else 2.0

        content: list[np.ndarray] = []  # every document's content minima, read once
        rarity: list[Any] = []  # the run's word frequencies, counted once if weighing

        def revision_similarity_with(declare: bool) -> Any:
            revised: OrderedDict[tuple[int, int], float] = OrderedDict()

            def revision_similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
                if not content:
                    content.append(content_part(table, o.num_perm))
                    if o.revision_weights:
                        rarity.append(Rarity.of_table(table))
                out = np.zeros(len(a))
                weigh = rarity[0].weights if rarity else None
                # every pair's stem containment estimated at once from the signatures; the
                # few pairs close enough have their stems counted, and the passing ones are
                # aligned
                estimate = estimated_containment(content[0][perm[a]], content[0][perm[b]])
                near = np.flatnonzero(estimate >= estimate_floor(o.revision_containment, weigh))
                pairs = list(zip(a[near].tolist(), b[near].tolist(), strict=True))
                todo = [k for k, pair in enumerate(pairs) if pair not in revised]
                contained = stems_contained(
                    [stems(pairs[k][0]) for k in todo], [stems(pairs[k][1]) for k in todo], weigh
                )
                for k, c in zip(todo, contained.tolist(), strict=True):
                    pair = pairs[k]
                    if pair not in revised:  # the same pair twice in one call
                        if c >= o.revision_containment:
                            revised[pair] = revise(pair, declare)
                        else:
                            revised[pair] = 0.0
                        if c >= paraphrase_cut:
                            paraphrase(pair)
                        if len(revised) > _KNOWN_PAIRS:
                            revised.popitem(last=False)
                for k, pair in zip(near.tolist(), pairs, strict=True):
                    out[k] = revised.get(pair, 0.0)
                return out

            return revision_similarity

        self._unfiltered = similarity_with(0.0)
        self._revised = revision_similarity_with(True)
        self._reported_only = revision_similarity_with(False)
        return similarity_with(o.prefilter)

    def _extra_similarity(self, similarity: Any) -> Any:
        """Pairs that share a sentence are aligned whatever their signatures: a copy of a few
        sentences of a long document agrees with it on few skeleton shingles."""
        return self._unfiltered

    def _marked_similarity(self) -> Any:
        """Pairs met on content keys (see :data:`tamis.dedup.rewrite.CONTENT_BANDS`) share
        many content words: they are aligned as spun copies and then as hand revisions."""
        return self._revised

    def _marked_all_pairs(self) -> tuple[int, Any]:
        """Content keys' small buckets: every two members compared (see
        :data:`tamis.dedup.rewrite.CONTENT_ALL_PAIRS`), for a report only where neither is
        the bucket's best-ranked member: three stories of one matter share a key led by the
        longest, and the later two share its background, reworded, around events of their
        own (Belgium's bourse tax proposal: an interview, then the proposal blocked)."""
        from tamis.dedup.rewrite import CONTENT_ALL_PAIRS

        return CONTENT_ALL_PAIRS, self._reported_only

    def _report_only_similarity(self) -> Any:
        """Pairs met on a reporting content key alone (see
        :data:`tamis.dedup.rewrite.DECLARING_CONTENT_BANDS`): aligned as the others, for a
        report only."""
        return self._reported_only

    def _write_evidence(self, directory: Path, table: Any, perm: np.ndarray, result: Any) -> None:
        """For every removed copy (sorted by uid, as the decision is): the alignment with the
        survivor it names, and its first aligned sentence pairs with their spans."""
        from tamis.dedup.cluster import signature_similarity
        from tamis.dedup.rewrite import align, spans_of

        directory.mkdir(parents=True, exist_ok=True)
        removed_row = perm[result.removed]
        survivor_rank = result.survivor
        in_run = ~np.asarray(table.external[removed_row], dtype=bool) if len(removed_row) else []
        removed_rank = result.removed[in_run]
        survivor_rank = survivor_rank[in_run]
        uid = np.asarray(table.uid[perm[removed_rank]], dtype=np.uint64)
        order = np.argsort(uid)
        removed_rank, survivor_rank = removed_rank[order], survivor_rank[order]
        n = len(removed_rank)
        counts = np.zeros((n, 2), dtype=np.int64)
        sims = np.zeros((n, 2), dtype=np.float32)
        pairs = np.full((n, EVIDENCE_PAIRS, 6), -1, dtype=np.int64)
        pair_sim = np.zeros((n, EVIDENCE_PAIRS), dtype=np.float32)
        read = _packed_reader(table, perm)
        record = self._records(table, perm, read)
        agreement = signature_similarity(table, perm, self.options.num_perm)
        skeleton = agreement(survivor_rank, removed_rank) if n else np.zeros(0)
        for k in range(n):
            r, sv = int(removed_rank[k]), int(survivor_rank[k])
            al = self._declared.get((sv, r))
            if al is None:
                copy, original = record(r), record(sv)
                al = align(copy, original, self.options.sentence_similarity)
                copy_spans, original_spans = copy.spans, original.spans
            else:  # aligned while verifying: only the spans are needed now
                copy_spans = spans_of(read(r))
                original_spans = spans_of(read(sv))
            counts[k] = (al.aligned, al.copy_sentences)
            sims[k] = (al.mean_similarity, skeleton[k])
            for p, (i, j, s) in enumerate(al.pairs[:EVIDENCE_PAIRS]):
                pairs[k, p] = (i, *copy_spans[i], j, *original_spans[j])
                pair_sim[k, p] = s
        np.save(directory / "evidence_counts.npy", counts)
        np.save(directory / "evidence_similarity.npy", sims)
        np.save(directory / "evidence_pairs.npy", pairs)
        np.save(directory / "evidence_pair_similarity.npy", pair_sim)
        self._write_reported(directory, table, perm, result)
        self._declared = {}

    def _write_reported(self, directory: Path, table: Any, perm: np.ndarray, result: Any) -> None:
        """Partial copies kept in the corpus: for each, the document it copies most of (by
        share aligned) and that share, sorted by the copy's uid. A copy whose original is
        removed is reported all the same: the original's text is in the rejected output."""
        removed = set(result.removed.tolist())
        best: dict[int, tuple[float, int]] = {}
        # a declared pair whose copy is kept (its original went to a cluster whose survivor
        # the copy is not close to) is reported too
        declared = ((pair, al.share) for pair, al in self._declared.items())
        for (original, copy), share in chain(self._reported.items(), declared):
            if copy in removed or bool(table.external[perm[copy]]):
                continue
            if share > best.get(copy, (0.0, 0))[0]:
                best[copy] = (share, original)
        # a paraphrase report is weaker evidence: it names an original only for a copy that
        # nothing else names (its share, at a lower sentence cut, is not comparable)
        paraphrased: dict[int, tuple[float, int]] = {}
        for (original, copy), share in self._paraphrased.items():
            if copy in best or copy in removed or bool(table.external[perm[copy]]):
                continue
            if share > paraphrased.get(copy, (0.0, 0))[0]:
                paraphrased[copy] = (share, original)
        best.update(paraphrased)
        self._reported, self._paraphrased = {}, {}
        copies = sorted(best, key=lambda r: int(table.uid[perm[r]]))
        uid = np.array([int(table.uid[perm[r]]) for r in copies], dtype=np.uint64)
        share = np.array([best[r][0] for r in copies], dtype=np.float32)
        names = [
            table.id_of(int(perm[best[r][1]])).encode("utf-8", "surrogatepass") for r in copies
        ]
        result.stats["partial_copies_reported"] = len(copies)
        np.save(directory / "partial_uid.npy", uid)
        np.save(directory / "partial_share.npy", share)
        np.save(
            directory / "partial_of_end.npy", np.cumsum([len(n) for n in names], dtype=np.int64)
        )
        np.save(directory / "partial_of.npy", np.frombuffer(b"".join(names), dtype=np.uint8))

    def apply(self, docs: list[Document], decision: Any) -> None:
        from tamis.dedup.decision import cluster_id

        if not docs:
            return
        uids = np.fromiter((d.uid for d in docs), dtype=np.uint64, count=len(docs))
        is_removed, surv, share, size = decision.lookup(uids)
        # plain views of the memory maps: read element by element below
        arr = {k: np.asarray(v) for k, v in decision.arrays().items()}

        def survivor_id(index: int) -> str:
            start = int(arr["surv_id_end"][index - 1]) if index else 0
            name = arr["surv_ids"][start : int(arr["surv_id_end"][index])].tobytes()
            return name.decode("utf-8", "surrogatepass")

        surv_uid = arr["surv_uid"]
        pos = np.searchsorted(arr["removed_uid"], uids)
        partial_uid = arr["partial_uid"]
        partial_pos = np.searchsorted(partial_uid, uids)
        for i, doc in enumerate(docs):
            if is_removed[i]:
                s, p = int(surv[i]), int(pos[i])
                aligned, total = (int(x) for x in arr["evidence_counts"][p])
                mean_sim, skeleton_sim = (float(x) for x in arr["evidence_similarity"][p])
                pairs = []
                for row, ps in zip(
                    arr["evidence_pairs"][p].tolist(),
                    arr["evidence_pair_similarity"][p].tolist(),
                    strict=True,
                ):
                    if row[0] < 0:
                        break
                    pairs.append(
                        {
                            "copy_sentence": row[0],
                            "copy_span": [row[1], row[2]],
                            "original_sentence": row[3],
                            "original_span": [row[4], row[5]],
                            "similarity": round(ps, 4),
                        }
                    )
                doc.reject(
                    self.name,
                    "rewritten_copy",
                    {
                        "survivor": survivor_id(s),
                        "similarity": round(float(share[i]), 4),
                        "aligned_sentences": aligned,
                        "copy_sentences": total,
                        "sentence_similarity": round(mean_sim, 4),
                        "skeleton_similarity": round(skeleton_sim, 4),
                        "pairs": pairs,
                        "cluster": cluster_id(int(surv_uid[s])),
                    },
                )
            else:
                if size[i] > 1:
                    doc.signal(
                        self.name, cluster=cluster_id(int(uids[i])), cluster_size=int(size[i])
                    )
                k = int(partial_pos[i])
                if k < len(partial_uid) and int(partial_uid[k]) == int(uids[i]):
                    start = int(arr["partial_of_end"][k - 1]) if k else 0
                    name = bytes(arr["partial_of"][start : int(arr["partial_of_end"][k])])
                    doc.signal(
                        self.name,
                        partial_copy_of=name.decode("utf-8", "surrogatepass"),
                        partial_copy_share=round(float(arr["partial_share"][k]), 4),
                    )


def _packed_reader(table: Any, perm: np.ndarray) -> Any:
    """rank -> that document's packed sentence record, read as ``table.shingles_of`` does,
    with the record ends and the order taken as plain arrays once (indexing a memory map
    element by element costs more than reading the record); the last records read are kept
    (a pair's records are wanted for its stems, its alignment, its evidence)."""
    ends = np.asarray(table.shingle_end)
    order = np.asarray(perm)
    cache: OrderedDict[int, np.ndarray] = OrderedDict()

    def read(rank: int) -> np.ndarray:
        got = cache.get(rank)
        if got is None:
            row = int(order[rank])
            start = int(ends[row - 1]) if row else 0
            got = cache[rank] = table.shingle_range(start, int(ends[row]))
            if len(cache) > 2 * _CACHE:
                cache.popitem(last=False)
        return got

    return read
