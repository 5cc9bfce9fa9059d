"""Site tags glued to a paragraph's end, and the cut sentence before one, from one document.

The seed (``../shared/seeds``) is cleaned alone, through the command line, as a user with one
``.txt`` would; the shapes the rule must take and must leave are real ones, seen on the
extraction benchmark pages, DCLM's crawl documents and IMDb reviews (see
``bench/results/clean_samples.md``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tamis.clean.tags import glued_tags
from tamis.document import Document, undo
from tamis.io.output import read_records
from tamis.stages.base import stage_class

from .helpers import tamis

CleanStage = stage_class("clean")
BODY = "The council met on Tuesday to discuss the new budget for the coming year."
AFTER = "Its members will vote on the plan at the next meeting in May."


def clean(text: str, **options) -> Document:
    doc = Document("d", text, {"path": "p.txt", "index": 0})
    CleanStage(CleanStage.Options(**options)).process(doc)
    assert undo(doc.text, doc.edits) == text
    return doc


def removed(doc: Document, rule: str) -> list[str]:
    return [e.removed for e in doc.edits if e.rule == rule]


# --- the seed, alone ---------------------------------------------------------------------------


def test_seed_alone_through_the_command_line(seeds, tmp_path: Path):
    seed_file = seeds / "000_a469bc7d964748ed.txt"
    original = seed_file.read_text(encoding="utf-8")
    out = tmp_path / "out"
    assert tamis("clean", seed_file, "-o", out, "--quiet", "--no-report") == 0
    (record,) = [r for p in sorted((out / "kept").iterdir()) for r in read_records(p)]
    text = record["text"]
    title = "Russia wants to ‘actively operate in Kabul,’ claiming the Taliban are ‘democratic.’"
    assert text.startswith(title + "\n") and text.count(title) == 1  # repaired, and once
    assert "Brinkwire" not in text and "Summary News" not in text
    assert "Comments are closed." not in text
    assert "would inspire some actions in" not in text  # the cut last sentence is gone
    assert text.endswith("particularly in the north, posing a threat to Russia and its neighbors.")
    # every body paragraph but the cut one is there, word for word
    body = original.split("\n\n\nRussia wants to", 1)[1].split("\n", 1)[1]
    paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
    assert paragraphs[-2:] == [
        "“Perhaps certain al-Qaeda cells, possibly Isis cells, stationed in Afghanistan, "
        "would inspire some actions in.”Brinkwire Summary News”.",
        "Comments are closed.",
    ]
    for paragraph in paragraphs[:-2]:
        assert paragraph in text, paragraph
    why = {e["rule"]: e["reason"] for e in record["edits"] if e["stage"] == "clean"}
    assert "glued" in why["glued_tag"] and "'in'" in why["truncated_sentence"]


# --- tags that go ------------------------------------------------------------------------------

GLUED = [
    # (paragraph end as written, the tag that goes)
    ("would inspire some actions in.”Brinkwire Summary News”.", "Brinkwire Summary News”."),
    ("the mayor said on Monday.”Riverside Daily”.", "Riverside Daily”."),
    ("prices rose again in the spring.Example Valley Times", "Example Valley Times"),
    ("signals that the manager is serious…Read More", "Read More"),
    ("before the vote on Tuesday.Source: Reuters", "Source: Reuters"),
    ("apply to online business just like offline business.Click To Tweet", "Click To Tweet"),
    ("and the talks ended without a deal.Continue reading »", "Continue reading »"),
    ("the new line opens next spring.Brinkwire.com", "Brinkwire.com"),
]


@pytest.mark.parametrize("end, tag", GLUED)
def test_a_glued_tag_goes_and_the_sentence_stays(end, tag):
    text = f"{BODY}\n\nIn other news, {end}\n\n{AFTER}"
    doc = clean(text)
    assert removed(doc, "glued_tag") == [tag]
    assert doc.text == text.replace(tag, "")
    assert not removed(doc, "truncated_sentence")  # not the last paragraph: nothing cut


# --- the author's words that stay --------------------------------------------------------------

KEPT = [
    "it puts pressure on the entire industry and it takes a hit,” he said.Safety Rules",  # heading
    "if so I deeply suggest you stay out of watching this movie!Evren Buyruk",  # signature
    "James By The Coward Robert Ford, this should be on your list to see.Shotgun Stories",
    "at all exciting cinema but yes, its excellent cinema and a must watch.Brilliant Attempt..",
    "keep pressing right until the logo appears on the screen 8.Press Enter",
    "Wait, check that: don't watch it, it is crap. (www.ResidentHazard.com)",
    "he opened a bank account with the help of the U.S.New York Times",
    "print the value of the path with a call to os.Path",
    "the match ended in a draw.Final Score",
    "Plans start at $0 plus the filing fees of your state.Start My LLC",
    "The first port to this system was done by Akira Kiyama <akiyama@jp.FreeBSD.org>.",
    "Write to the list maintainers at the address maintainers@lists.Example.com",
]


@pytest.mark.parametrize("end", KEPT)
def test_title_case_alone_does_not_make_a_tag(end):
    text = f"{BODY}\n\n{end}\n\n{AFTER}"
    assert clean(text).text == text
    assert clean(f"{BODY}\n\n{end}").text == f"{BODY}\n\n{end}"


def test_a_tag_inside_a_paragraph_or_after_a_space_is_left():
    for text in (
        f"{BODY}.”Brinkwire Summary News”. And the story goes on here.",
        f"{BODY} Brinkwire Summary News",
        "Short.”Riverside Daily”.",  # no sentence before it
    ):
        assert not glued_tags(text), text


# --- the cut sentence before a tag -------------------------------------------------------------


def test_a_cut_last_sentence_goes_with_the_tag_and_the_complete_ones_stay():
    text = f"{BODY}\n\nThe first sentence is whole. The second was cut off in the.”Valley News”."
    doc = clean(text)
    assert doc.text == f"{BODY}\n\nThe first sentence is whole."
    assert removed(doc, "truncated_sentence") == [" The second was cut off in the.”"]
    assert "ends on 'the'" in doc.edits[0].reason


@pytest.mark.parametrize(
    "last",
    [
        "The plan was the one the mayor asked for.",  # a preposition can end a sentence...
        "They said the bridge would reopen in June.",
        "The whole town turned out to see it.",
    ],
)
def test_a_complete_last_sentence_before_a_tag_stays(last):
    text = f"{BODY}\n\n{last}”Valley News”."
    doc = clean(text)
    assert doc.text == f"{BODY}\n\n{last}”"
    assert not removed(doc, "truncated_sentence")


def test_a_cut_looking_sentence_without_a_tag_is_not_this_rules_business():
    text = f"{BODY}\n\nHe said it would inspire some actions in."
    assert clean(text).text == text  # "...the one I live in." may be whole: no tag, no proof


def test_the_option_turns_the_rule_off():
    text = f"{BODY}\n\nIt was cut off in.”Valley News”."
    assert clean(text, glued_tag=False).text == text


# --- any text --------------------------------------------------------------------------------

_pieces = st.sampled_from(
    [BODY, "in.”", "the.", "Brinkwire Summary News”.", "Read More", "Source: Reuters", "\n",
     "\n\n", " ", ".", "”", "Valley News", "www.", "Example.com", "he said.", "Safety Rules"]
)  # fmt: skip


@given(st.lists(_pieces, max_size=14).map("".join))
def test_edits_are_sorted_disjoint_and_undoable(text):
    reps = glued_tags(text)
    for a, b in zip(reps, reps[1:], strict=False):
        assert a.end <= b.start
    doc = clean(text)
    assert undo(doc.text, doc.edits) == text


_ascii_pieces = st.sampled_from(
    [".", "!", "?", "'", '"', ")", "]", "A", "Z", "b", " ", "\n", "...", ".”", "é", "x.Y", "B2"]
)


@given(st.lists(_ascii_pieces, max_size=30).map("".join))
def test_the_folded_byte_scan_finds_every_glue_the_plain_scan_finds(text):
    from tamis.clean import tags

    plain = [m.span() for m in tags._GLUE_BEFORE_CAPITAL.finditer(text)]
    assert [m.span() for m in tags._glues(text)] == plain
