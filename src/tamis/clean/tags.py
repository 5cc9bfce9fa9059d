"""Site tags glued to the end of a paragraph, recognised in one document alone.

Content farms and feed scrapers close a copied paragraph with their own label, glued to the
last sentence without a space: ``...some actions in.”Brinkwire Summary News”.``,
``...the deal.Read more``, ``...on Tuesday.Source: Reuters``. The ``boilerplate`` stage learns
such tags when other pages of the site are in the run; this rule needs no other page, because
the shape alone gives the tag away:

- it is glued: sentence-final punctuation (and any closing quote) then, with no space, a capital;
- it is a label, not a sentence: two to six title-case words (``of``, ``and``, ``&`` may join
  them), or a site name (``Example.com``), or a lead that labels (``Read more``, ``Source: X``),
  and it runs to the end of the line, with nothing after it but closing marks;
- the text it is glued to is a sentence: a few words, ending in a lower-case word, a figure or a
  closing quote before the punctuation (``U.S.Army``, ``fmt.Println``, ``p.m.Eastern`` are not).

A single title-case word is a label only when glued after a closing quote (``in.”Brinkwire``):
glued after a bare full stop it is as often an identifier (``call os.Path``) as a tag.

The tag also tells how the paragraph was made: the scraper cut the text at a length and glued
its label on. When that paragraph ends the document and its last sentence ends on a word no
finished sentence ends on before its full stop (a preposition, an article, a conjunction:
``some actions in.``), the sentence was cut where the original went on, and it is removed as
``truncated_sentence`` does for other cut endings.
"""

from __future__ import annotations

import re

from tamis.document import Replacement

# A title-case word: a capital then lower-case letters (an inner hyphen or apostrophe allowed),
# or a short all-capital acronym; "iPhone"-like and "WriteLine"-like words are not title case.
_WORD = r"(?:[A-Z][a-z]+(?:[-'’][A-Za-z][a-z]*)*|[A-Z]{2,5})"
_JOIN = r"(?:of|and|the|for|on|in|&|-|–|\|)"
_NAME = re.compile(rf"{_WORD}(?:[ ](?:{_JOIN}[ ])?{_WORD}){{0,5}}")
_SITE = re.compile(r"[A-Z][A-Za-z0-9-]{2,30}\.(?:com|net|org|co\.uk|info|news|io)")
# Labels that a site glues on whatever the text: a link on, a source credit, a share widget.
_LEAD = re.compile(
    r"(?:Read|Continue|Keep)[ ](?:[Mm]ore|[Rr]eading|the[ ][Ff]ull[ ](?:[Ss]tory|[Aa]rticle))"
    r"(?:[ ](?:at|on)[ ][^\n]{1,40})?"
    r"|(?:Source|Sources|Via|Photo|Image|Credit|Credits|Picture)[ ]?:[ ]?[^\n.!?]{2,60}"
    r"|Click[ ][Tt]o[ ][Tt]weet|Tweet[ ][Tt]his"
)
#: the last word of a site's name: a name glued on that ends so is the site's, not a heading
_MEDIA_WORDS = frozenset(
    "News Times Post Daily Herald Tribune Journal Wire Press Media Magazine Online Today "
    "Gazette Digest Network Radio TV Blog Chronicle Telegraph Observer Insider Weekly "
    "Headlines Newswire Newsroom".split()
)
# What the tag's template may close with: quotes, a full stop, arrows, an ellipsis.
_CLOSE = re.compile(r"[\"'”’»)\].…:>→ ]*")
_CLOSING_QUOTE = "”’\"'»"
_OPENING_QUOTE = "“‘\"'«"
_GLUE = r"[.!?…][\"'”’»)\]]*"

# A capital glued to sentence-final punctuation; the tag runs from it to the line's end.
_GLUE_BEFORE_CAPITAL = re.compile(rf"{_GLUE}(?=[A-Z])")
_TAG_MAX = 80
# The same test as _GLUE_BEFORE_CAPITAL on ASCII text, as bytes with the sentence ends folded
# to "." and the closing marks to '"' and capitals to "A": a pattern that opens with a literal
# is scanned by the regex engine's fast path, one that opens with a class is tried at every
# character (the pii detectors read digits the same way).
_ASCII_FOLD = bytes.maketrans(b"!?')]BCDEFGHIJKLMNOPQRSTUVWXYZ", b'.."""' + b"A" * 25)
_ASCII_GLUE = re.compile(rb'\."*A')


def _is_tag(glue: str, tag: str) -> bool:
    """Whether ``tag``, glued after ``glue``, is a site's label rather than the author's words.

    Title case alone is not enough: on real pages a heading whose line break was lost
    ("...he said.Safety Rules"), a reviewer's name or a film's title has it too. So a label is a
    known lead ("Read more", "Source: X"), a site's name (a domain, or title-case words ending in
    a media word: "... News"), or title-case words wrapped by the template's own quote: glued
    after a closing quote and closed by a quote that nothing in the tag opened.
    """
    if _LEAD.fullmatch(tag.rstrip(" .…»→>")):
        return True
    m = _SITE.match(tag) or _NAME.match(tag)
    if m is None:
        return False
    close = tag[m.end() :]
    if not _CLOSE.fullmatch(close):
        return False
    name = m.group()
    if _SITE.fullmatch(name) or name.rsplit(" ", 1)[-1] in _MEDIA_WORDS and " " in name:
        return True
    wrapped = glue[-1] in _CLOSING_QUOTE and any(c in _CLOSING_QUOTE for c in close)
    return wrapped and not any(c in _OPENING_QUOTE for c in name)


# The sentence end a tag is glued to: the character before the punctuation is lower case, a
# digit, a closing quote or bracket, and the word it ends has no inner dot, slash or underscore,
# and no ``@``: a capital after a dot in an address is its domain (``akiyama@jp.FreeBSD.org``),
# and cutting it would leave half an address for ``pii`` to miss.
_SENTENCE_END = re.compile(r"(?:^|[ \t(“\"‘'])[^ \t./_@\n]*[a-zà-ÿ0-9%\"'”’)\]]\Z")
_MIN_WORDS_BEFORE = 4

# Words no finished sentence ends on before its full stop. Prepositions count here, unlike at a
# bare end ("what it was for"), because the glued tag already says the paragraph was cut; they
# still need a word before them that cannot strand them (below).
_CUT_WORDS = frozenset(
    (
        "a an the and or nor but my your our their its his her whose than whether of in on at "
        "to for from with by into onto about as like over under between through during without "
        "within against among upon toward towards across after before via per"
    ).split()
)
_DETERMINERS = frozenset("a an the and or nor but my your our their its his her whose than".split())
# A preposition can end a whole sentence after a verb or a pronoun ("what she asked for", "the
# town I grew up in", "turn it in"): after those it is no proof of a cut.
_STRANDING = frozenset(
    (
        "it them him her me us you this that what which who whom be is are was were been am get "
        "gets got go goes went come comes came look looks live lives deal care talk think work "
        "rely depend stand sit grew grow up out off down back there here"
    ).split()
)
_LAST_WORDS = re.compile(r"(\w+)\W+(\w+)[.!?…]?[\"'”’»)\]]*\Z")
_BOUNDARY = re.compile(r"[.!?…][\"'”’»)\]]*[ \t]+(?=[\"'“‘«(]?[A-ZÀ-ÞА-Я])")


def _glues(text: str):
    """The matches of ``_GLUE_BEFORE_CAPITAL`` in ``text``, found through the folded bytes
    when the text is ASCII (the same positions, at a fraction of the cost)."""
    if not text.isascii():
        yield from _GLUE_BEFORE_CAPITAL.finditer(text)
        return
    for found in _ASCII_GLUE.finditer(text.encode("ascii").translate(_ASCII_FOLD)):
        m = _GLUE_BEFORE_CAPITAL.match(text, found.start())
        if m is not None:
            yield m


def glued_tags(text: str) -> list[Replacement]:
    """Tags glued to the end of a paragraph removed, and a cut last sentence before one."""
    out: list[Replacement] = []
    last_line_end = len(text.rstrip())
    taken = -1  # the end of the line that already gave a tag
    for m in _glues(text):
        if m.start() < taken:
            continue
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        tag = text[m.end() : line_end].rstrip()
        if len(tag) > _TAG_MAX:
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[line_start : m.start()]
        if len(before.split()) < _MIN_WORDS_BEFORE or not _SENTENCE_END.search(before):
            continue
        if before.endswith("www") or not _is_tag(m.group(), tag):
            continue
        glue_at = m.end()
        end = glue_at + len(tag)
        if end >= last_line_end:
            cut = _cut_sentence(text, line_start, glue_at)
            if cut:
                out.append(cut)
        out.append(
            Replacement(glue_at, end, "", "glued_tag", f"site tag glued to the paragraph: {tag!r}")
        )
        taken = line_end
    return out


def _cut_sentence(text: str, line_start: int, sentence_end: int) -> Replacement | None:
    """The removal of the last sentence of the line when it ends on a word that cannot end it."""
    line = text[line_start:sentence_end]
    m = _LAST_WORDS.search(line)
    if not m or m.group(2) not in _CUT_WORDS:
        return None
    previous = m.group(1).lower()
    if m.group(2) not in _DETERMINERS and (
        previous in _STRANDING or previous.endswith(("ed", "ing"))
    ):
        return None
    boundaries = list(_BOUNDARY.finditer(line))
    if boundaries:  # keep the sentence before it with its punctuation, drop the space
        start = line_start + len(line[: boundaries[-1].end()].rstrip(" \t"))
    else:  # the whole paragraph is the cut sentence: it goes with its line break
        start = line_start - 1 if line_start > 0 else line_start
    return Replacement(
        start,
        sentence_end,
        "",
        "truncated_sentence",
        f"last sentence cut off before a glued site tag: ends on {m.group(2)!r}",
    )
