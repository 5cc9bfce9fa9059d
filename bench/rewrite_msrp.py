"""A document-level test of rewritten copies built from MSRP (news sentence pairs judged by
people), for ``bench_rewrite.py``: human rewrites that must be found, and same-story sentence
pairs judged not paraphrases that must not be paired.

The Microsoft Research Paraphrase Corpus (train part) holds 4,080 pairs of sentences from
news stories of one event, written by different agencies; two judges marked each pair a
paraphrase (Quality 1) or not (Quality 0). It is sentence-level, so documents are built from
it, each sentence used once (a sentence found in several pairs goes to the first of them):

- a *paraphrase pair* of documents: ``DOC_SENTENCES`` Quality-1 pairs drawn at random; one
  document is their first sentences in order, the other their second sentences in the same
  order. The second is a rewrite of the first by other reporters, sentence by sentence: a
  human's rewording, not a spinner's (clauses moved, words and figures given otherwise);
- a *non-paraphrase pair*: the same from ``DOC_SENTENCES`` Quality-0 pairs. Each sentence of
  one document faces, at the same position of the other, a sentence of the same story that
  the judges found does not say the same thing (one adds or leaves out a clause, gives other
  figures, or tells another part of the event). Pairing the two documents is a false pair.

Every document of both kinds goes into one corpus. Scored: recall over paraphrase pairs (the
pair declared, in either direction), false pairs (a declared pair that is not a paraphrase
pair: a non-paraphrase pair, or two documents of different draws), and ``partial_copy_of``
reports of the same two kinds. Each pair's word 5-gram containment (the smaller document's
share found in the other) is given beside, as for the Reuters stories.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

DOC_SENTENCES = 6
SEED = 2021


def read_pairs(path: Path) -> list[tuple[int, str, str]]:
    """(quality, first sentence, second sentence), each sentence id kept in its first pair
    only, so that no sentence appears in two documents."""
    seen: set[str] = set()
    out = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)
        for quality, id1, id2, s1, s2 in rows:
            if id1 in seen or id2 in seen or id1 == id2:
                continue
            seen.update((id1, id2))
            out.append((int(quality), s1.strip(), s2.strip()))
    return out


def build(path: Path, out: Path, seed: int = SEED) -> dict:
    """Writes the corpus to ``out`` (JSONL) and returns what scoring needs: the document pairs
    by kind, and each document's text."""
    pairs = read_pairs(path)
    rng = random.Random(seed)
    docs: dict[str, str] = {}
    kinds: dict[tuple[str, str], str] = {}
    for quality, kind in ((1, "paraphrase"), (0, "non")):
        chosen = [p for p in pairs if p[0] == quality]
        rng.shuffle(chosen)
        for k in range(len(chosen) // DOC_SENTENCES):
            group = chosen[k * DOC_SENTENCES : (k + 1) * DOC_SENTENCES]
            a, b = f"msrp-{kind}-{k}-a", f"msrp-{kind}-{k}-b"
            docs[a] = " ".join(p[1] for p in group)
            docs[b] = " ".join(p[2] for p in group)
            kinds[(a, b)] = kind
    with open(out, "w", encoding="utf-8") as fh:
        for doc_id, text in docs.items():
            fh.write(json.dumps({"id": doc_id, "text": text}) + "\n")
    return {"docs": docs, "kinds": kinds}


def score(corpus: dict, result: dict, containment) -> dict:
    """Recall over paraphrase pairs; every other declared or reported pair listed."""
    kinds = corpus["kinds"]
    docs = corpus["docs"]

    def kind_of(x: str, y: str) -> str:
        return kinds.get((x, y)) or kinds.get((y, x)) or "different draws"

    found = set()
    false = []
    for p in result["pairs"]:
        a, b = p["removed"], p["survivor"]
        kind = kind_of(a, b)
        if kind == "paraphrase":
            found.add(frozenset((a, b)))
        else:
            false.append((a, b, kind, p.get("similarity"), containment(docs[a], docs[b])))
    reported_true = 0
    reported_false = []
    for p in result.get("partial", []):
        a, b = p["copy"], p["of"]
        kind = kind_of(a, b)
        if kind == "paraphrase":
            reported_true += frozenset((a, b)) not in found
        else:
            reported_false.append((a, b, kind, p["share"], containment(docs[a], docs[b])))
    para = [k for k, v in kinds.items() if v == "paraphrase"]
    found_pairs = [(containment(docs[a], docs[b]), frozenset((a, b)) in found) for a, b in para]
    return {
        "paraphrase_pairs": len(para),
        "non_pairs": sum(v == "non" for v in kinds.values()),
        "found": len(found),
        "found_pairs": found_pairs,
        "reported_only": reported_true,
        "false": false,
        "reported_false": reported_false,
        "containment": {
            kind: sorted(containment(docs[a], docs[b]) for (a, b), v in kinds.items() if v == kind)
            for kind in ("paraphrase", "non")
        },
    }
