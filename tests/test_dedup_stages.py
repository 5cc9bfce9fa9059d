"""exact_dedup and minhash_dedup end to end: verdicts, survivors, determinism, spill, index."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from tamis.dedup.minhash import MinHasher, jaccard
from tamis.document import Document
from tamis.stages.base import stage_class

VOCAB = [f"w{i}" for i in range(20000)]


def make_doc(i: int, text: str, path: str = "corpus.jsonl") -> Document:
    return Document(id=f"d{i}", text=text, source={"path": path, "index": i}, order=(0, i))


def random_words(rng: np.random.Generator, n: int) -> list[str]:
    return [VOCAB[i] for i in rng.integers(0, len(VOCAB), n)]


def edited(rng: np.random.Generator, words: list[str], rate: float) -> list[str]:
    out = list(words)
    for i in np.flatnonzero(rng.random(len(out)) < rate):
        out[i] = VOCAB[int(rng.integers(0, len(VOCAB)))]
    return out


def corpus(seed: int = 0, originals: int = 40) -> list[Document]:
    """Originals, near copies (2% of words changed), exact copies, and unrelated texts."""
    rng = np.random.default_rng(seed)
    texts = []
    for _ in range(originals):
        words = random_words(rng, int(rng.integers(150, 300)))
        texts.append(" ".join(words))
        texts.append(" ".join(edited(rng, words, 0.02)))
        if rng.random() < 0.3:
            texts.append(" ".join(words).upper())  # same after normalisation
    texts += [" ".join(random_words(rng, 200)) for _ in range(originals)]
    order = rng.permutation(len(texts))
    return [make_doc(i, texts[j]) for i, j in enumerate(order)]


def run(
    name: str,
    docs: list[Document],
    workdir: Path,
    shards: int = 1,
    reverse: bool = False,
    **options,
) -> tuple[list[Document], dict]:
    stage = stage_class(name)(stage_class(name).Options(**options))
    docs = [copy.deepcopy(d) for d in docs]
    bounds = np.linspace(0, len(docs), shards + 1).astype(int)
    parts = [docs[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    states = []
    for part in parts:
        state = stage.new_state()
        stage.observe(part, state)
        states.append(state)
    if reverse:
        states.reverse()
    decision = stage.merge(iter(states), workdir)
    for part in parts:
        stage.apply(part, decision)
    return docs, stage.summary(decision)


def outcome(docs: list[Document]) -> dict[str, tuple]:
    return {d.id: (d.verdict.status, repr(d.verdict.details), repr(d.signals)) for d in docs}


@pytest.mark.parametrize("name", ["exact_dedup", "minhash_dedup"])
def test_same_survivors_whatever_the_shards_and_their_order(name: str, tmp_path: Path) -> None:
    docs = corpus()
    one, _ = run(name, docs, tmp_path / "a", shards=1)
    four, _ = run(name, docs, tmp_path / "b", shards=4)
    four_reversed, _ = run(name, docs, tmp_path / "c", shards=4, reverse=True)
    again, _ = run(name, docs, tmp_path / "d", shards=7)
    assert outcome(one) == outcome(four) == outcome(four_reversed) == outcome(again)
    assert any(not d.kept for d in one)


def test_exact_dedup_removes_normalised_copies_only(tmp_path: Path) -> None:
    docs = [
        make_doc(0, "Shares rose 5 pct on Monday."),
        make_doc(1, "SHARES rose 5 pct, on monday"),
        make_doc(2, "Shares rose 6 pct on Monday."),
    ]
    out, summary = run("exact_dedup", docs, tmp_path)
    assert [d.kept for d in out] == [True, False, True]
    assert out[1].verdict.stage == "exact_dedup" and out[1].verdict.reason == "duplicate"
    details = out[1].verdict.details
    assert details["survivor"] == "d0" and details["similarity"] == 1.0
    assert out[0].signals["exact_dedup"] == {"cluster": details["cluster"], "cluster_size": 2}
    assert summary["removed"] == 1 and summary["clusters_by_size"] == {"2": 1}
    assert summary["largest_clusters"][0]["removed"] == ["d1"]


def test_minhash_finds_near_copies_and_names_a_similar_survivor(tmp_path: Path) -> None:
    docs = corpus(seed=3)
    out, summary = run("minhash_dedup", docs, tmp_path)
    by_id = {d.id: d for d in docs}
    hasher = MinHasher()
    removed = [d for d in out if not d.kept]
    # every original has at least one copy: 40 originals -> >= 40 removals
    assert len(removed) >= 38
    for d in removed:
        survivor = by_id[d.verdict.details["survivor"]]
        a, b = hasher.shingle_sets([d.text, survivor.text])
        assert jaccard(a, b) >= 0.6
    assert summary["removed"] == len(removed)
    assert (
        sum(int(k) * v for k, v in summary["clusters_by_size"].items())
        == len(removed) + summary["clusters"]
    )


def test_verification_rejects_unrelated_candidates(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    # a tiny vocabulary makes unrelated texts share many shingle minima; one row per band then
    # makes almost every pair a candidate
    small = VOCAB[:30]
    docs = [make_doc(i, " ".join(small[j] for j in rng.integers(0, 30, 120))) for i in range(30)]
    out, summary = run("minhash_dedup", docs, tmp_path, ngram=1, bands=112, rows=1, threshold=0.95)
    pairs = MinHasher(ngram=1).shingle_sets([d.text for d in docs])
    true_dups = sum(
        jaccard(pairs[i], pairs[j]) >= 0.95 for i in range(30) for j in range(i + 1, 30)
    )
    assert summary["candidate_pairs"] > 100
    assert summary["removed"] <= true_dups


def test_chains_do_not_remove_a_document_unlike_its_survivor(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    base = random_words(rng, 260)
    a = base[0:200]
    b = base[25:225]  # ~0.78 similar to a and to c
    c = base[50:250]  # ~0.6 similar to a
    docs = [make_doc(0, " ".join(a)), make_doc(1, " ".join(b)), make_doc(2, " ".join(c))]
    out, _ = run("minhash_dedup", docs, tmp_path, verify="jaccard", survivor=["order"])
    assert out[0].kept
    assert not out[1].kept and out[1].verdict.details["survivor"] == "d0"
    assert out[2].kept  # joined to a only through b: not removed in a's favour


def test_survivor_policy_is_configurable(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    words = random_words(rng, 200)
    short = make_doc(0, " ".join(words))
    long = make_doc(1, " ".join(words + ["extra"]))
    good = make_doc(2, " ".join(words[:-1] + ["other"]))
    good.signal("fineweb", score=0.9)
    short.signal("fineweb", score=0.1)
    long.signal("fineweb", score=0.2)
    docs = [short, long, good]
    out, _ = run("minhash_dedup", docs, tmp_path / "q", quality_signal="fineweb.score")
    assert [d.kept for d in out] == [False, False, True]
    out, _ = run("minhash_dedup", docs, tmp_path / "l", survivor=["length", "order"])
    assert [d.kept for d in out] == [False, True, False]
    out, _ = run("minhash_dedup", docs, tmp_path / "o", survivor=["order"])
    assert [d.kept for d in out] == [True, False, False]
    # default without a quality signal: fewer upstream edits wins, then the longest
    out, _ = run("minhash_dedup", docs, tmp_path / "d")
    assert [d.kept for d in out] == [False, True, False]


@pytest.mark.parametrize("name", ["exact_dedup", "minhash_dedup"])
def test_spilling_to_disk_gives_the_same_decision(name: str, tmp_path: Path) -> None:
    docs = corpus(seed=4)
    in_memory, s1 = run(name, docs, tmp_path / "m")
    spilled, s2 = run(name, docs, tmp_path / "s", shards=3, memory_budget_mb=0.001)
    assert s1["spilled_bytes"] == 0 and s2["spilled_bytes"] > 0
    assert outcome(in_memory) == outcome(spilled)


@pytest.mark.parametrize("name", ["exact_dedup", "minhash_dedup"])
def test_incremental_run_dedups_against_the_previous_index(name: str, tmp_path: Path) -> None:
    docs = corpus(seed=6)
    first = [d for d in docs if d.source["index"] % 2 == 0]
    later_docs = [d for d in docs if d.source["index"] % 2 == 1]
    later = [make_doc(d.source["index"], d.text, path="later.jsonl") for d in later_docs]
    out1, _ = run(name, first, tmp_path / "r1", write_index=tmp_path / "idx")
    out2, summary = run(name, later, tmp_path / "r2", index=tmp_path / "idx")
    kept_first = {d.id for d in out1 if d.kept}
    assert summary["previous_index_documents"] == len(kept_first)
    removed_for_old = [
        d for d in out2 if not d.kept and d.verdict.details["survivor"] in kept_first
    ]
    assert removed_for_old, "copies of earlier documents must be removed against the index"
    # every later document that is a (near) copy of a kept earlier one is removed
    hasher = MinHasher()
    kept_texts = [d.text for d in out1 if d.kept]
    kept_sets = hasher.shingle_sets(kept_texts)
    threshold = 1.0 if name == "exact_dedup" else 0.9
    for d in out2:
        (mine,) = hasher.shingle_sets([d.text])
        if any(jaccard(mine, k) >= threshold for k in kept_sets):
            assert not d.kept, d.id


def test_index_made_with_other_settings_is_refused(tmp_path: Path) -> None:
    docs = corpus(seed=8, originals=5)
    run("minhash_dedup", docs, tmp_path / "r1", write_index=tmp_path / "idx")
    with pytest.raises(ValueError, match="ngram"):
        run("minhash_dedup", docs, tmp_path / "r2", index=tmp_path / "idx", ngram=3)


def test_options_are_validated() -> None:
    opts = stage_class("minhash_dedup").Options
    with pytest.raises(ValueError):
        opts(bands=10)
    with pytest.raises(ValueError):
        opts(bands=20, rows=10)
    with pytest.raises(ValueError):
        opts(shingle=5)
    with pytest.raises(ValueError):
        opts(survivor=["newest"])


def test_reuters_dedup_is_deterministic(shared_data: Path, tmp_path: Path) -> None:
    import io

    import orjson
    import zstandard

    path = shared_data / "text" / "reuters-21578.jsonl.zst"
    with open(path, "rb") as fh:
        reader = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(fh), encoding="utf-8")
        records = [orjson.loads(line) for _, line in zip(range(3000), reader, strict=False)]
    docs = [
        Document(
            id=str(r["id"]), text=r["text"], source={"path": str(path), "index": i}, order=(0, i)
        )
        for i, r in enumerate(records)
    ]
    a, sa = run("minhash_dedup", docs, tmp_path / "a", shards=1)
    b, sb = run("minhash_dedup", docs, tmp_path / "b", shards=4, reverse=True)
    assert outcome(a) == outcome(b)
    assert sa["removed"] > 0
    hasher = MinHasher()
    texts = {d.id: d.text for d in docs}
    for d in a:
        if not d.kept:
            x, y = hasher.shingle_sets([d.text, texts[d.verdict.details["survivor"]]])
            assert jaccard(x, y) >= 0.5
