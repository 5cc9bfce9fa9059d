"""The learned boilerplate stage: what a site repeats is found and removed, nothing else is.

Corpora here are generated: articles of one site built from a fixed vocabulary, carrying the
furniture the seed shows (a tag glued after the last sentence, a closing line), so that the
seed's own site has several articles as the issue asks.
"""

from __future__ import annotations

import pickle
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.clean.sitekey import registered_domain, site_of
from tamis.document import Document, undo
from tamis.stages.base import stage_class

Boilerplate = stage_class("boilerplate")
WORDS = (
    "the minister said talks would continue next week while officials in the region warned "
    "that prices for grain and fuel had risen sharply since spring after a dry winter"
).split()


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.sample(WORDS, rng.randint(8, 14))).capitalize() + "."


def site_article(rng: random.Random, i: int, tag: str = "Brinkwire Summary News") -> str:
    title = f"Report {i}: " + " ".join(rng.sample(WORDS, 6))
    paras = [" ".join(_sentence(rng) for _ in range(3)) for _ in range(4)]
    glue = "”" if i % 2 else ""  # sometimes after a closing quote, as in the seed
    paras[-1] = paras[-1] + glue + tag + "”."
    return f"{title}\n\n" + "\n\n".join(paras) + "\n\nComments are closed."


def docs_of(
    texts: list[str], url: str | None = "https://www.brinkwire.com/n/{i}", path: str = "a.jsonl"
):
    out = []
    for i, text in enumerate(texts):
        meta = {"url": url.format(i=i)} if url else {}
        out.append(Document(str(i), text, {"path": path, "index": i}, meta=meta, order=(0, i)))
    return out


def run(stage, shards: list[list[Document]], workdir: Path):
    states = []
    for shard in shards:
        state = stage.new_state()
        stage.observe(shard, state)
        states.append(pickle.loads(pickle.dumps(state)))  # states cross a process boundary
    decision = stage.merge(iter(states), workdir)
    decision = pickle.loads(pickle.dumps(decision))
    for shard in shards:
        stage.apply(shard, decision)
    return decision


def _repair_stage():
    """The repair stage when it can be built (it is another helper's work in progress)."""
    try:
        return stage_class("repair")()
    except Exception:  # noqa: BLE001 - absent or broken repair must not hide this stage's result
        return None


def test_seed_with_its_site_title_once_no_tag_no_closing_line(seeds, tmp_path):
    seed = (seeds / "000_a469bc7d964748ed.txt").read_text(encoding="utf-8")
    rng = random.Random(4)
    docs = docs_of([seed] + [site_article(rng, i) for i in range(1, 7)])
    # clean finds a glued tag in one document alone (tests/test_clean_tags.py): turned off here,
    # so that this stage is seen learning it from the site's pages
    clean = stage_class("clean")(stage_class("clean").Options(glued_tag=False))
    stages = [s for s in (_repair_stage(), clean) if s is not None]
    for stage in stages:
        for doc in docs:
            stage.process(doc)
    before = docs[0].text
    run(Boilerplate(), [docs[:3], docs[3:]], tmp_path)
    out = docs[0].text
    assert undo(out, docs[0].edits) == seed
    title = before.split("\n")[0]
    assert out.count(title) == 1
    assert "Brinkwire Summary News" not in out and "Brinkwire" not in out
    assert "Comments are closed." not in out
    assert out.endswith("would inspire some actions in.”")
    # every other sentence untouched: only the tag went between clean and boilerplate
    learned = [e for e in docs[0].edits if e.stage == "boilerplate"]
    assert [(e.rule, e.removed) for e in learned] == [
        ("learned_suffix", "Brinkwire Summary News”.")
    ]
    assert "in 7 of 7 documents of domain:brinkwire.com" in learned[0].reason
    assert before.replace("Brinkwire Summary News”.", "") == out
    for doc in docs[1:]:
        assert "Brinkwire" not in doc.text and doc.text.endswith((".", ".”"))


def test_decision_does_not_depend_on_how_docs_are_sharded(tmp_path):
    rng = random.Random(1)
    texts = [site_article(rng, i) for i in range(12)]
    one = run(Boilerplate(), [docs_of(texts)], tmp_path / "a")
    split = run(
        Boilerplate(), [docs_of(texts)[:5], docs_of(texts)[5:9], docs_of(texts)[9:]], tmp_path / "b"
    )
    many = run(
        Boilerplate(Boilerplate.Options(partitions=7)),
        [[d] for d in docs_of(texts)],
        tmp_path / "c",
    )
    assert one.evidence == split.evidence == many.evidence and one.learned > 0


def test_thresholds_min_docs_and_min_share(tmp_path):
    rng = random.Random(2)
    texts = [" ".join(_sentence(rng) for _ in range(4)) for _ in range(20)]
    for i in range(3):  # a line in 3 documents: below min_docs=4
        texts[i] += "\nRare line shared by a few pages"
    for i in range(3, 8):  # a line in 5 of 20 (25%): below min_share=0.3
        texts[i] += "\nSome line a quarter of the pages carry"
    for i in range(20):
        if i % 10:  # 18 of 20 pages
            texts[i] += "\nSite footer with the address of the newsroom"
    docs = docs_of(texts)
    run(Boilerplate(), [docs], tmp_path)
    joined = "\n".join(d.text for d in docs)
    assert joined.count("Rare line shared by a few pages") == 3
    assert joined.count("Some line a quarter of the pages carry") == 5
    assert "Site footer" not in joined


def test_sites_are_learned_apart(tmp_path):
    rng = random.Random(3)
    a = docs_of(
        [site_article(rng, i, tag="Alpha Daily Wire") for i in range(6)],
        "https://alpha.example.com/{i}",
    )
    # the same line is boilerplate on site a, but appears only twice on the big site b
    b_texts = [" ".join(_sentence(rng) for _ in range(3)) for _ in range(30)]
    b_texts[0] += "\n\nComments are closed."
    b_texts[1] += "\n\nComments are closed."
    b = docs_of(b_texts, "https://news.other.co.uk/{i}")
    run(Boilerplate(), [a + b], tmp_path)
    assert not any("Alpha Daily Wire" in d.text for d in a)
    assert sum("Comments are closed." in d.text for d in b) == 2


def test_without_url_the_input_file_is_the_source(tmp_path):
    rng = random.Random(5)
    texts = [
        " ".join(_sentence(rng) for _ in range(3)) + "\nPrinted from the archive of the Gazette"
        for _ in range(6)
    ]
    docs = docs_of(texts[:3], url=None, path="one.jsonl") + docs_of(
        texts[3:], url=None, path="two.jsonl"
    )
    run(Boilerplate(Boilerplate.Options(min_docs=3, min_share=0.9)), [docs], tmp_path)
    assert not any("Gazette" in d.text for d in docs)
    docs = docs_of(texts[:2], url=None, path="one.jsonl") + docs_of(
        texts[2:4], url=None, path="two.jsonl"
    )
    run(Boilerplate(Boilerplate.Options(min_docs=3, min_share=0.9)), [docs], tmp_path)
    assert all("Gazette" in d.text for d in docs)  # two per file is below min_docs


def test_shard_state_holds_no_text():
    rng = random.Random(6)
    docs = docs_of([site_article(rng, i) for i in range(5)])
    stage = Boilerplate()
    state = stage.new_state()
    stage.observe(docs, state)
    blob = pickle.dumps(state)
    assert b"Brinkwire" not in blob and b"Comments" not in blob and b"minister" not in blob
    assert len(blob) < 40 * sum(len(d.text.split("\n")) for d in docs) + 2000


def test_registered_domain_uses_the_public_suffix_list():
    assert registered_domain("https://news.bbc.co.uk/a") == "bbc.co.uk"
    assert registered_domain("http://www.imdb.com/title/tt1/") == "imdb.com"
    assert registered_domain("https://alice.blogspot.com/x") == "alice.blogspot.com"
    assert registered_domain("example.org/path") == "example.org"
    doc = Document(
        "d",
        "t",
        {"path": "f.jsonl", "index": 0},
        meta={"metadata": {"url": "https://a.b.example.com"}},
    )
    assert site_of(doc, ("url", "metadata.url"), None) == "domain:example.com"
    assert site_of(doc, ("url",), None) == "file:f.jsonl"
    doc.meta["publisher"] = "acme"
    assert site_of(doc, ("url",), "publisher") == "field:acme"


@pytest.mark.parametrize("bad", [{"min_docs": 1}, {"min_share": 0}, {"partitions": 0}, {"k": 3}])
def test_bad_options_are_rejected(bad):
    with pytest.raises(ValueError):
        Boilerplate.Options(**bad)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(
                ["Site tag here now.", "A sentence of the article.", "Title | The Site Name",
                 "Other words.Site tag here now.", "x", "", "Read this | Share | Site tag here now."]
            ),
            max_size=6,
        ),
        min_size=4,
        max_size=8,
    )
)  # fmt: skip
def test_learned_removal_is_always_undoable(tmp_path_factory, docs_lines):
    texts = ["\n".join(lines) for lines in docs_lines]
    docs = docs_of(texts)
    run(
        Boilerplate(Boilerplate.Options(min_docs=2, min_share=0.2, min_segment_chars=4)),
        [docs],
        tmp_path_factory.mktemp("w"),
    )
    for doc, text in zip(docs, texts, strict=True):
        assert undo(doc.text, doc.edits) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab U.S|–-”\"'.!? \tXy3\n")), max_size=120))
def test_observe_and_apply_see_the_same_keys(text):
    from tamis.clean.segments import keys, unit_key, units

    assert keys(text, 5, 4) == {unit_key(5, u) for u in units(text, 4)}
