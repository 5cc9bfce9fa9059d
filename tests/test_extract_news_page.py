"""The seed's kind of page: a news article in a real template's dress (navigation, share bar,
lead-image caption, author box, newsletter box, related stories, readers' comments with their
reply form, footer, cookie banner) keeps exactly its body, and its comments only when asked.

The page (tests/pages/news_article.html) is written for this test on the pattern of
WordPress-style news templates: the class names and structure are those such templates use, so
no rule can key on them without keying on the common ones.
"""

from __future__ import annotations

from pathlib import Path

from tamis.document import Document
from tamis.extract import extract
from tamis.stages.extract import ExtractOptions, ExtractStage

PAGE = Path(__file__).parent / "pages" / "news_article.html"

BODY = [
    "Residents of Porthmere voted on Tuesday evening to rebuild the town's Victorian sea wall,"
    " which was breached in three places during the storms of January and February.",
    "The plan, approved by 1,214 votes to 389 at a packed meeting in the parish hall, will raise"
    " the wall by sixty centimetres and replace the old granite facing along the harbour front.",
    "A cost shared with the county",
    "The work is expected to cost 4.2 million euros, of which the county council has agreed to"
    " pay two thirds. The remaining share will come from a harbour levy on moorings and from the"
    " town's reserves, which the treasurer said would not fall below the level the law requires.",
    '"We have patched this wall for forty years, and every winter it has asked for more," said'
    ' the harbour master, Ewan Trelease. "This time we build it for the next century."',
    "Opponents argued that a wider beach, rebuilt with sand from the bay, would protect the houses"
    " behind the wall at a lower cost and without closing the quay for two summers.",
    "Construction is due to begin in October, after the fishing season, and to finish before the"
    " winter of the following year.",
]
COMMENTS = [
    "About time. My kitchen flooded twice this winter and the council kept saying the wall would"
    " hold for another decade.",
    "Two summers without the quay will ruin the boat trips. Nobody on the committee runs a"
    " business down there, that is the real problem with this decision.",
]


def test_the_article_keeps_exactly_its_body():
    result = extract(PAGE.read_text(encoding="utf-8"))
    assert result.text == "\n\n".join(BODY)
    assert result.title == "Harbour town votes to rebuild its sea wall"
    assert result.date == "2024-03-14T08:30:00Z"


def test_comments_are_kept_when_asked_and_nothing_else_comes_with_them():
    text = extract(PAGE.read_text(encoding="utf-8"), comments=True).text
    assert text == "\n\n".join(BODY + COMMENTS)


def test_the_stage_option_keeps_comments():
    html = PAGE.read_text(encoding="utf-8")
    texts = []
    for comments in (False, True):
        doc = Document(
            id="news",
            text=html,
            source={"path": "p", "index": 0},
            meta={"content_type": "text/html"},
        )
        ExtractStage(ExtractOptions(comments=comments)).process(doc)
        texts.append(doc.text)
    assert texts == ["\n\n".join(BODY), "\n\n".join(BODY + COMMENTS)]
