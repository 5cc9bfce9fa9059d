"""The line-cleaning rules: each reads the current text and proposes replacements, never edits.

A rule is a function ``text -> list[Replacement]`` whose replacements are non-overlapping and in
coordinates of the text it was given. The ``clean`` stage applies each rule's replacements
through ``Document.apply`` before running the next rule, so every rule sees the result of the
previous ones and every change lands in the edit log with the rule's name.

Rules are written to be conservative: a line is removed only when its shape leaves no doubt
(a whole-line pattern, a sign-off at the very end, a line with no letter or digit), because a
wrong removal loses a sentence of the author's, while a missed one only leaves a little noise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import accumulate, compress

from tamis.document import Replacement

Rule = Callable[[str], list[Replacement]]


#: builds a Replacement from its five fields in C: the NamedTuple constructor and ``_make`` are
#: Python functions, and newswire rules make about ten replacements per story
_tuple_new = tuple.__new__


def _line_removal(text: str, start: int, end: int) -> tuple[int, int]:
    """The span that removes the line ``text[start:end]`` together with one line break."""
    if end < len(text) and text[end] == "\n":
        return start, end + 1
    if start > 0 and text[start - 1] == "\n":
        return start - 1, end
    return start, end


def remove_lines(
    text: str, spans: list[tuple[int, int]], rule: str, reason: str
) -> list[Replacement]:
    """Replacements deleting whole lines (given as content spans), without overlaps."""
    out: list[Replacement] = []
    last_end = 0
    for start, end in spans:
        s, e = _line_removal(text, start, end)
        if s < last_end:  # the previous removal already took the shared newline
            s = max(start, last_end)
            e = max(e, s)
        out.append(Replacement(s, e, "", rule, reason))
        last_end = e
    return out


# --- wire and markup remnants ---------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")
_CONTROL_SET = tuple(chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127])
# Only ^M (carriage return) at a line end: "^^" and "T^T" are emoticons, not control codes.
_CARET_CONTROL = re.compile(r"(?<!\^)\^M(?=\r?\n|$)")
_CRLF = re.compile(r"\r\n?")


def line_endings(text: str) -> list[Replacement]:
    """CR LF and lone CR become LF, so every later rule sees one kind of line break."""
    if "\r" not in text:
        return []
    return [Replacement(m.start(), m.end(), "\n", "line_endings") for m in _CRLF.finditer(text)]


def control_chars(text: str) -> list[Replacement]:
    """C0 control bytes (not tab or newline), and wire control codes kept in caret notation
    (``^M`` at a line end, as the Reuters-21578 release stores carriage returns)."""
    out = []
    if any(c in text for c in _CONTROL_SET):
        out = [
            Replacement(m.start(), m.end(), "", "control_chars", "C0 control characters")
            for m in _CONTROL.finditer(text)
        ]
    if "^" in text:
        out += [
            Replacement(
                m.start(), m.end(), "", "control_chars", "wire control code in caret notation"
            )
            for m in _CARET_CONTROL.finditer(text)
        ]
        out.sort()
    return out


# Lower-case paragraph tags only: "<P>" in newswire is a ticker symbol, not markup.
_BREAK_TAGS = re.compile(r"<(?:br|BR|Br)\s*/?>|</?p>|</div>|<hr\s*/?>")


# Markup a page shows rather than leaks: any other tag ("<h1>", "<button", "</span>"), or a
# break tag with attributes ('<div class="box">'). A tutorial's HTML or JSX is the author's code.
# Tag names are lower case: "<P>" and "<Modular Computer Systems Inc>" are newswire tickers.
_SHOWN_MARKUP = re.compile(
    r"<(?!/?(?:br|p|div|hr)\s*/?>)/?[a-z][a-z0-9-]*(?:\s+[a-z][\w:-]*(?:=[^<>\n]*)?)*\s*/?>"
)


# A break tag alone on an indented line is laid out as code ("    <div>"), not leaked inline.
_INDENTED_TAG = re.compile(r"^[ \t]{2,}</?(?:div|p)>[ \t]*$", re.MULTILINE)


def _shows_markup(text: str) -> bool:
    """A tag with attributes, several other tags, or a tag laid out as code: a code sample, not
    a leaked ``<em>`` or a reviewer's ``<grin>``."""
    if ("  <" in text or "\t<" in text) and _INDENTED_TAG.search(text):
        return True
    shown = 0
    for m in _SHOWN_MARKUP.finditer(text):
        if "=" in m.group():
            return True
        shown += 1
        if shown >= 4:
            return True
    return False


# A line laid out as code or a diagram: indented, with an arrow, a quoted label in brackets, or
# a brace or bracket closing it ('    D --> D1["50-75% of RAM<br/>Planner hint"]'). A break tag
# there is the code's own (a Mermaid node label's line break), not a leaked one.
_CODE_LINE = re.compile(
    r"(?:^|\n)(?:[ ]{2,}|\t)\S[^\n]*(?:-->|->|=>|\[\"|\(\"|[{}\])][;,]?[ \t]*$)"
)


def _in_code_line(text: str, pos: int) -> bool:
    start = text.rfind("\n", 0, pos)
    end = text.find("\n", pos)
    line = text[max(0, start) : len(text) if end < 0 else end]
    return _CODE_LINE.match(line) is not None


def markup_breaks(text: str) -> list[Replacement]:
    """Left-over ``<br />``, ``<p>``, ``</p>`` tags from extraction become the line breaks they
    meant; a text that shows other markup (a code sample) keeps all of its tags, and a line of
    code or a diagram keeps its own."""
    if "<" not in text or _shows_markup(text):
        return []
    # a code line starts with two spaces or a tab: without one, no tag is on a code line
    indented = "\n  " in text or "\n\t" in text or text.startswith(("  ", "\t"))
    return [
        Replacement(m.start(), m.end(), "\n", "markup_break", "markup remnant")
        for m in _BREAK_TAGS.finditer(text)
        if not (indented and _in_code_line(text, m.start()))
    ]


# The Reuters sign-off and its variants: "Reuter", "REUTER...", "REUTER E", "REUTER11:43/VB",
# "REUTE", and the wire continuation marker "More" that closes a split story.
_SIGNOFF = re.compile(
    r"(?:reuters?|reute|more)(?:\.{2,}|…)?(?:[ \t]+[a-z]|\d\d?:\d\d/[a-z]+)?[ \t]*\Z",
    re.IGNORECASE,
)
# What may stand before a sign-off that shares the last line: the end of a sentence or a figure.
_BEFORE_SIGNOFF = re.compile(r"(?:[.!?\"”')]|\d)[ \t]+\Z")


def _content_end(text: str, end: int) -> int:
    while end and text[end - 1].isspace():
        end -= 1
    return end


def _may_end_in_signoff(text: str, end: int) -> bool:
    """A cheap necessary condition for ``_SIGNOFF`` to match just before ``end``: a match ends
    on a letter (a folded one too), on "…" or on a second ".", and holds "reut" or "more"."""
    last = text[end - 1]
    if not (last.isalpha() or last == "…" or (last == "." and text[end - 2 : end - 1] == ".")):
        return False
    tail = text[max(0, end - 40) : end].lower()
    return "reut" in tail or "more" in tail


def wire_signoff(text: str) -> list[Replacement]:
    """The news-agency sign-off that closes a wire story (``Reuter``), possibly repeated, and
    the ``More`` continuation marker: removed only at the very end of the text."""
    end = len(text.rstrip())  # what _content_end gives, in one call
    cut = None
    while end and _may_end_in_signoff(text, end):
        m = _SIGNOFF.search(text, max(0, end - 40), end)
        if not m:
            break
        start = m.start()
        line_start = text.rfind("\n", 0, start) + 1
        before = text[line_start:start]
        if before.strip():
            if m.group().lower().startswith("more") or not _BEFORE_SIGNOFF.search(before):
                break  # "... told Reuters" or "... and more" end a sentence of the author's
        elif start > 0 and text[start - 1].isalnum():
            break
        end = _content_end(text, start)
        cut = end
    if cut is None:
        return []
    return [Replacement(cut, len(text), "", "wire_signoff", "news agency sign-off")]


# --- whole-line rules ------------------------------------------------------------------------

_TRAILING = " \t\xa0"


def trailing_space(text: str) -> list[Replacement]:
    """Spaces, tabs and no-break spaces at the end of a line.

    Found from the line ends rather than by a regex over every space of the text: each run
    ends just before a "\n" (or at the end of the text) and is read backwards from there.
    """
    ends = []
    for pair in (" \n", "\t\n", "\xa0\n"):
        if pair[0] != " " and pair[0] not in text:
            continue  # a search for one rare character costs a fraction of one for the pair
        at = text.find(pair)
        while at >= 0:
            ends.append(at + 1)
            at = text.find(pair, at + 2)
    if text and text[-1] in _TRAILING:
        ends.append(len(text))
    if not ends:
        return []
    ends.sort()
    out = []
    for end in ends:
        start = end - 1
        while start and text[start - 1] in _TRAILING:
            start -= 1
        out.append(_tuple_new(Replacement, (start, end, "", "trailing_space", "")))
    return out


# A line with at least one visible character and no letter or digit.
_SYMBOL_LINE = re.compile(r"\n([^\w\n]*[^\w\s][^\w\n]*)(?=\n|\Z)")  # led by a newline: fast scan
# "*** / *****" and "**/****" are a reviewer's star rating, ":-)" and "^^" are the author's
# smile: neither is a divider.
_STAR_RATING = re.compile(r"\*+\s*(?:/|of|out of|from)\s*\*+")
_EMOTICON = re.compile(
    r"[:;=8xX]['\-^o]?[()\[\]DPp/\\|*3O@$]+|[()\[\]][\-^o]?[:;=]|\^[_.-]?\^|<3|[oO0T>][_.][oO0T<]|\\o/"
)


# What a line of code or a diagram is made of, never a divider: brackets, box drawing, an
# indented ">" or ";" or comment end ("}", "});", "  */", "    >", "├────┤"); a lone ">" or
# ";" at the margin is stray punctuation.
_CODE_SYMBOLS = re.compile(
    r"[{}\[\]()\u2500-\u257f]"  # brackets, box drawing
    r"|^(?:[ ]{2,}|\t).*[<>;*/|]"  # an indented ">", ";", "*/", "|" (JSX, a compiler's margin)
    r"|^[ \t]*(?:\*/|/>|-->|//|/\*|\"\"\"|''')"  # comment marks, docstring quotes
    r"|\+"  # a diff's added line, an ASCII diagram's corner, a console table ("-----+----")
    r"|^(?:[ ]{2,}|\t).*[\"',]"  # an indented list member of code ('    "...",')
    r"|[★☆]"  # a star rating ("★★★★☆")
    r"|[\u2190-\u21ff]"  # a diagram's arrows ("     ↓")
    r"|[\U0001f300-\U0001faff]"  # an emoji: the author's smile, not a divider
    r"|^[ \t]*>>>|^[ \t]*[\"'].*[\"'][ \t]*$"  # a Python prompt, a quoted literal
    r"|<.*>"  # a JSX fragment, a shell session's elision ("<>", "<...>")
    r"|^(?:={7}|<{7}|>{7})$|^[ \t]{8,}-{3}[ \t]*$"  # a merge marker, an indented fence
)
# A rule line under code: a query result's header, a merge marker, a front-matter fence.
_RULE_LINE = re.compile(r"[ \t]*(?:-{2,}|={2,})[ \t]*")
_CODE_END = re.compile(r"[{;(,=:\[][ \t]*$|^(?:[ ]+|\t)\S[^.!]{0,40}$")
# An elision in a code sample ("...", "    ...", "# ...", "// …"), or a Python prompt's
# continuation: code when the line before it is code, a prompt or a table row.
_ELISION = re.compile(
    r"[ \t]*(?:#|//|--)?[ \t]*(?:\.{3,4}|…|\.(?: \.){2})(?:[ \t]+(?:\.{3}|…))*[ \t]*"
)
_CODE_LINE_END = re.compile(r"(?:[{;(,=:\[)]|^[ \t]{2,}\S.*|^(?:>>>|\.\.\.)[ \t].*|\|.*)$")


def _line_above(text: str, start: int) -> str:
    """The line right above the line starting at ``start`` (blank or not), found without
    copying the text before it."""
    if start <= 1:
        return ""
    return text[text.rfind("\n", 0, start - 1) + 1 : start - 1]


def _adjacent(text: str, start: int, end: int) -> list[str]:
    """The lines right above and below the line ``text[start:end]`` with no blank line between:
    the rows of the same block (a grid, a diagram, a program's output)."""
    stop = text.find("\n", end + 1)
    below = text[end + 1 : stop if stop >= 0 else len(text)]
    return [line for line in (_line_above(text, start), below) if line.strip()]


# A row of a grid or a diagram: no word of three letters or more (a run of one letter, "OOO",
# is a grid's cells), and a letter, a digit or a box-drawing stroke in it ("#O#O",
# ".......#OOO#..", "B J", "A-C-I-K-Z", "└──┬──┘"); a row of symbols alone ("* * *") is a
# divider of its own.
_WORD3 = re.compile(r"[^\W\d_]{3,}")
_ART_MARK = re.compile(r"[\w\u2500-\u257f]")
# A line of YAML's "key: value" (a front matter's, a configuration file's, a list's first
# member: "- name: Update web servers").
_YAML_FIELD = re.compile(r"[ \t]*(?:-[ \t]+)?[\w.-]+:[ \t]+\S")


def _row_of_art(line: str) -> bool:
    words = _WORD3.findall(line)
    return not any(len(set(w.lower())) > 1 for w in words) and bool(_ART_MARK.search(line))


def _neighbour(text: str, start: int, end: int, after: bool) -> str:
    """The nearest non-blank line before (or after) the line ``text[start:end]``."""
    if after:
        for line in text[end : end + 2000].split("\n")[1:]:
            if line.strip():
                return line
        return ""
    for line in reversed(text[max(0, start - 2000) : start].split("\n")[:-1]):
        if line.strip():
            return line
    return ""


def _part_of_code_or_table(text: str, start: int, end: int) -> bool:
    """Whether a symbol line belongs to a code sample, a diagram or a Markdown table, where it
    is the author's (a closing brace, a table's separator row), not a divider."""
    line = text[start:end]
    if _CODE_SYMBOLS.search(line):
        return True
    if "|" in line:
        before, after = _neighbour(text, start, end, False), _neighbour(text, start, end, True)
        if before.lstrip().startswith("|") or after.lstrip().startswith("|"):
            return True
    adjacent = _adjacent(text, start, end)
    if any(_row_of_art(a) for a in adjacent):
        return True  # a row of a grid, an arrow of a diagram ("..##" under "#X#X", "▼" under "└┬┘")
    if _ELISION.fullmatch(line):
        above = _line_above(text, start)
        # an elision right under a code line, or a list or an output line that has no sentence's
        # end ("2", "/dev/loop1 ... are the same", "'x-ratelimit-limit': '5000'"): it goes on
        return bool(
            _CODE_LINE_END.search(_neighbour(text, start, end, False))
            or above.strip()
            and not above.rstrip().endswith((".", "!", "?", ":"))
        )
    if _RULE_LINE.fullmatch(line) and any(_YAML_FIELD.match(a) for a in adjacent):
        return True  # the fence of a front matter ("alwaysApply: false" then "---")
    if _RULE_LINE.fullmatch(line):
        previous = _neighbour(text, start, end, False)
        # under an indented header of one or two words ("      name", " did |  name"), or
        # after a line of code; a table of figures' own rules ("    ---") stay dividers
        return bool(
            _CODE_END.search(previous)
            and not re.search(r"\d", previous)
            or _CODE_LINE_END.search(previous)
            and previous.rstrip().endswith(("{", ";", "("))
        )
    return False


def symbol_lines(text: str) -> list[Replacement]:
    """Rules, dividers and stray punctuation lines (``* * *``, ``------``, ``/``); the symbol
    lines of code samples and tables stay."""
    spans = [
        (m.start(1), m.end(1))
        for m in _SYMBOL_LINE.finditer("\n" + text)  # the extra newline lets line 1 match
        if not _STAR_RATING.search(m.group(1)) and not _EMOTICON.search(m.group(1))
    ]
    spans = [(start - 1, end - 1) for start, end in spans]
    spans = [(s, e) for s, e in spans if not _part_of_code_or_table(text, s, e)]
    if (
        spans
        and not text[spans[-1][1] :].strip()
        and not text[spans[-1][0] : spans[-1][1]].strip(" *\t")
    ):
        spans.pop()  # stars closing a review are its rating ("****"), not a divider
    return remove_lines(text, spans, "symbol_line", "line of symbols only")


_OPEN_END = re.compile(r"[\w,;:(\-–]\Z")


def _continues_sentence(text: str, line_start: int) -> bool:
    """Whether the line at ``line_start`` carries on the previous line's sentence (a wrapped
    "share." after "... cents per"), which makes it the author's words, not furniture."""
    if line_start == 0 or text[line_start - 1] != "\n":
        return False
    first = text[line_start : line_start + 2].lstrip()[:1]
    if not first.islower():
        return False
    prev = text[max(0, line_start - 200) : line_start - 1]
    return bool(prev.strip()) and bool(_OPEN_END.search(prev.rstrip()))


#: Furniture lines are short; a cookie notice is the one long kind, and names itself.
_SHORT_LINE = 200
_MAX_SPACES = 14  # the longest listed furniture phrase has fewer words; crumbs have their marks


def _names_long_kind(line: str) -> bool:
    """Whether a long line names a kind of furniture that may be long (a cookie notice)."""
    low = line.lower()
    return "cookie" in low or "куки" in low


# A path written in the text, not a site's crumb trail: a list item or step, an example, a
# sentence, code.
_INSTRUCTION = re.compile(
    r"[ \t]*(?:[-*•][ \t]|\d{1,2}[.)][ \t]|(?:Example|Examples|E\.g\.|e\.g\.|Eg)[:,][ \t])"
    r"|.*[^.]\.[ \t]*$"
    r"|.*[{};][ \t]*$"  # a CSS selector or a line of code ("thead > tr > th {")
)


def _notice_goes_on(text: str, line: str, end: int) -> bool:
    """Whether a copyright line ends with a comma and the next line goes on without a blank
    line: a notice wrapped over lines (a man page's), whose removal would leave its tail."""
    return line.rstrip().endswith(",") and bool(text[end + 1 :].split("\n", 1)[0].strip())


def pattern_lines(matcher) -> Rule:
    """Whole lines matching the maintained furniture lists (see :mod:`tamis.clean.patterns`)."""

    def rule(text: str) -> list[Replacement]:
        found: list[tuple[int, int, str]] = []
        pos = 0
        kind_of = matcher.kind
        for line in text.split("\n"):
            n = len(line)
            if n and (n <= _SHORT_LINE or (n <= 1200 and _names_long_kind(line))):
                kind = kind_of(line)
                if kind == "crumb" and _INSTRUCTION.match(line):
                    kind = None  # "- Select Add > Controller", "Example: Women > Rings"
                elif kind == "copyright" and _notice_goes_on(text, line, pos + n):
                    kind = None  # "Copyright 1998-2026 Free Software Foundation,\n  Inc. This..."
                if kind and not _continues_sentence(text, pos):
                    found.append((pos, pos + n, kind))
            pos += n + 1
        if not found:
            return []
        reps = []
        for (_, _, kind), rep in zip(
            found, remove_lines(text, [(s, e) for s, e, _ in found], "", ""), strict=True
        ):
            rule_name = "boilerplate_line" if kind == "boilerplate" else f"{kind}_line"
            reps.append(Replacement(rep.start, rep.end, "", rule_name, f"known {kind} line"))
        return reps

    return rule


_LINE = re.compile(r"[^\n]+")
# the same spans as the _LINE matches that hold a non-space character (what str.strip keeps)
_NONBLANK_LINE = re.compile(r"[^\n]*\S[^\n]*")
_EDGE_PUNCT = " \t-–—•·*|>»›<«‹:.,;!?…()[]\"'“”„‘’#/\\_~=+"


def _norm(line: str) -> str:
    """A line's comparison key: case, spacing and edge punctuation do not count."""
    return " ".join(line.split()).strip(_EDGE_PUNCT).lower()


def repeated_title(text: str, lookahead: int = 3) -> list[Replacement]:
    """The first line printed again within the next few lines (a title shown twice)."""
    lines = []  # the first non-blank line and the few after it
    for m in _NONBLANK_LINE.finditer(text, 0, min(len(text), 1500)):
        lines.append(m)
        if len(lines) > lookahead:
            break
    if len(lines) < 2 or lines[0].group().lstrip()[:1] in "-*•·–—>#|":
        return []  # a list item may open a page and recur in the list below
    first_raw = lines[0].group().strip()
    if len(first_raw) < 20:
        return []
    candidates = []
    for m in lines[1 : 1 + lookahead]:
        candidate = m.group().strip()
        if candidate[:1] in "-*•·–—>#|":
            continue  # a list item that repeats the title belongs to its list
        if abs(len(candidate) - len(first_raw)) > 8:
            continue  # spacing and edge marks aside, a copy has the same length
        candidates.append((m, candidate))
    if not candidates:
        return []
    first = _norm(first_raw)
    if len(first) < 20 or first.count(" ") < 2:
        return []
    for m, candidate in candidates:
        if _norm(candidate) == first:
            return remove_lines(text, [(m.start(), m.end())], "repeated_title", "title repeated")
    return []


_PARAGRAPH_END = re.compile(r"[.!?…][\"'”’)\]]*\s*\Z")


def repeated_paragraphs(text: str, min_words: int = 12) -> list[Replacement]:
    """Later copies of a whole paragraph already printed in the same document.

    Only complete paragraphs count (a long line that ends a sentence): a line broken out of a
    wrapped paragraph, or a table note, may recur without being a copy. Copies compare exactly
    (but for indentation): a paragraph that differs in a word is a correction, not a copy.
    """
    lines = text.split("\n")
    # a copy needs two long lines that are equal once stripped; most documents have none
    long = [line.strip() for line in lines if len(line) >= 4 * min_words]
    if len(set(long)) == len(long):
        return []
    seen: set[str] = set()
    spans = []
    pos = 0
    for line in lines:
        start = pos
        pos += len(line) + 1
        key = line.strip()  # (an indentation's spaces are no words: a man page indents by 20)
        if len(key) < 4 * min_words or key.count(" ") + 1 < min_words:
            continue
        if not _PARAGRAPH_END.search(line[-6:]):
            continue
        if key in seen:
            spans.append((start, start + len(line)))
        else:
            seen.add(key)
    return remove_lines(text, spans, "repeated_paragraph", "paragraph repeated in the document")


# --- C4 line rules (off unless a recipe turns them on) ---------------------------------------

C4_END_PUNCTUATION = (".", "?", "!", '"', "'")
C4_POLICY = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)
C4_CITATION = re.compile(r"\[\d*]|\[edit]|\[citation needed]")


def c4_lines(
    terminal_punct: bool, javascript: bool, policy: bool, lorem_ipsum: bool, min_words: int
) -> Rule:
    """The C4 line filters (Raffel et al. 2020; datatrove's ``C4QualityFilter`` line part)."""

    def rule(text: str) -> list[Replacement]:
        spans: list[tuple[int, int, str]] = []
        for m in _LINE.finditer(text):
            line = m.group().strip()
            if not line:
                continue
            low = line.lower()
            why = ""
            if javascript and "javascript" in low:
                why = "c4_javascript"
            elif policy and any(p in low for p in C4_POLICY):
                why = "c4_policy"
            elif lorem_ipsum and "lorem ipsum" in low:
                why = "c4_lorem_ipsum"
            elif terminal_punct and (not line.endswith(C4_END_PUNCTUATION) or line.endswith("...")):
                why = "c4_terminal_punct"
            elif min_words and len(line.split()) < min_words:
                why = "c4_min_words"
            if why:
                spans.append((m.start(), m.end(), why))
        reps = remove_lines(text, [(s, e) for s, e, _ in spans], "", "")
        return [
            Replacement(r.start, r.end, "", why, "C4 line rule")
            for r, (_, _, why) in zip(reps, spans, strict=True)
        ]

    return rule


def c4_citations(text: str) -> list[Replacement]:
    if "[" not in text:
        return []
    return [
        Replacement(m.start(), m.end(), "", "c4_citation", "citation marker")
        for m in C4_CITATION.finditer(text)
    ]


# --- truncated last sentence -----------------------------------------------------------------

# A sentence end followed by whitespace and the capital that opens the next sentence.
_SENTENCE_BOUNDARY = re.compile(r"[.!?…][\"'”’»)\]]*[ \t]+(?=[\"'“‘«(]?[A-ZÀ-ÞА-Я])")
_TERMINAL_END = re.compile(r"[.!?…:][\"'”’»)\]]*\s*\Z|[\"'”’»)\]]\s*\Z")
_TABLE_GAP = re.compile(r"\S {3,}\S|\t")
_DIGITS = re.compile(r"\d")


# Words that never end a finished sentence: articles, coordinating conjunctions and possessive
# determiners. Prepositions, auxiliaries and pronouns can ("what it was for", "log in", "I did"),
# so they are not evidence.
_DANGLING_WORDS = frozenset("a an the and or nor my your our their its whose than whether".split())
_LAST_WORD = re.compile(r"(\w+)\W*\Z")


def _looks_cut(fragment: str) -> str:
    """Why ``fragment`` reads as a sentence cut off mid-way, or "" when it may be complete."""
    stripped = fragment.rstrip()
    if stripped.endswith((",", ";")) and not stripped.endswith((".,", "!,", "?,")):
        return "ends on a comma"
    m = _LAST_WORD.search(stripped)
    # lower-case only: a capital "A" at the end is a grade or an initial ("Grade: A", "Piper A")
    if m and m.end(1) == len(stripped) and m.group(1) in _DANGLING_WORDS:
        return f"ends on {m.group(1)!r}"
    return ""


def truncated_end(
    text: str, min_sentence_words: int = 5, min_fragment_words: int = 3
) -> list[Replacement]:
    """A last sentence cut off mid-way, trimmed back to the last complete sentence of its line.

    A missing full stop alone proves nothing (reviews end on "9/10", "Thanks Kevin Smith", ":("),
    and neither does an open bracket (an emoticon) or quote (opened sentences earlier), so the
    fragment must show the cut: it ends on a comma or on a word no finished sentence ends on
    ("the", "and", "their"). The last line must also hold a complete sentence before the
    fragment and not look like a table row.
    """
    body_end = len(text.rstrip())
    if body_end == 0 or _TERMINAL_END.search(text[max(0, body_end - 8) : body_end]):
        return []
    line_start = text.rfind("\n", 0, body_end) + 1
    line = text[line_start:body_end]
    if _TABLE_GAP.search(line):
        return []
    boundaries = list(_SENTENCE_BOUNDARY.finditer(line))
    if not boundaries:
        return []
    last = boundaries[-1]
    fragment = line[last.end() :]
    complete = line[: last.start() + 1]
    if len(fragment.split()) < min_fragment_words or len(complete.split()) < min_sentence_words:
        return []
    why = _looks_cut(fragment)
    if not why:
        return []
    # keep the closing punctuation of the last complete sentence, drop the space before the fragment
    cut_from = line_start + len(line[: last.end()].rstrip())
    return [
        Replacement(cut_from, body_end, "", "truncated_sentence", f"last sentence cut off: {why}")
    ]


# --- whitespace ------------------------------------------------------------------------------

_BLANK_RUN = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_LEADING_BLANK = re.compile(r"\A(?:[ \t]*\n)+")


def blank_lines(text: str) -> list[Replacement]:
    """Runs of blank lines collapse to one blank line; blank lines at the edges go."""
    out = [
        Replacement(m.start(), m.end(), "\n\n", "blank_lines") for m in _BLANK_RUN.finditer(text)
    ]
    m = _LEADING_BLANK.match(text)
    if m and m.end() > 0 and (not out or out[0].start >= m.end()):
        out.insert(0, Replacement(0, m.end(), "", "blank_lines"))
    # what _TRAILING_BLANK finds, without trying it at every line break: the first "\n" after
    # the last non-space character, when the text ends in white space
    at = text.find("\n", len(text.rstrip())) if text[-1:].isspace() else -1
    if at >= 0 and (not out or out[-1].end <= at):
        out.append(Replacement(at, len(text), "", "blank_lines"))
    elif at >= 0 and out and out[-1].end == len(text):
        out[-1] = Replacement(out[-1].start, out[-1].end, "", "blank_lines")
    return out


_FIRST_WORD = re.compile(r"\S+")
_LIST_START = re.compile(r"[-*•·–—>#]|\d+[.)]\s|[a-z][.)]\s", re.IGNORECASE)
# the first branch of _LIST_START as a string; the others need a digit or a "." / ")" second
_LIST_MARKS = "-*•·–—>#"
_WRAP_END = ",;:)\"'”’.!?%"


def hard_wraps(text: str, min_width: int = 50, max_width: int = 100) -> list[Replacement]:
    """Rejoin lines broken at a fixed width (newswire, e-mail), only where it is unambiguous.

    The wrap width is the longest line of the document (when it is typical of a fixed-width
    layout). A break is a wrap when the next line's first word would not have fit on the line,
    so the writer had to break there; the next line continues the paragraph (not indented, not
    a list item, not blank), and neither line is a table row. Everything else is left alone.
    """
    if text.count("\n") < 2:
        return []
    lines = text.split("\n")
    lengths = list(map(len, lines))  # trailing spaces are gone by now
    width = max(lengths)
    if not (min_width <= width <= max_width):
        return []
    near_full = sum(map((width - 15).__le__, lengths))
    if near_full < 3 or near_full * 3 < len(lengths) - lengths.count(0):
        return []
    # a break is only forced on a line the next word could not join: cheap tests first, and
    # only on lines long enough for that (the last line has no break after it)
    candidates = compress(range(len(lines) - 1), map((width - 24).__le__, lengths))
    tabs = "\t" in text
    joins = []
    for i in candidates:
        nxt = lines[i + 1]
        if not nxt:
            continue
        first = nxt[0]
        if first == " " or first == "\t":
            continue
        space = nxt.find(" ")
        if lengths[i] + 1 + (lengths[i + 1] if space < 0 else space) <= width:
            continue
        line = lines[i]
        last = line[-1]
        if not (last.isalnum() or last in _WRAP_END):
            continue  # a hyphen at the wrap point may belong to the word; leave it to a reader
        if line.endswith(("...", "…")) and first.isupper():
            continue  # a teaser cut short, then the next one ("... Nostalgia Brin...", "Obama")
        # aligned columns (three spaces inside the line, or a tab) mark a table row
        if (
            "   " in nxt
            or ("   " in line and "   " in line.strip())
            or (tabs and ("\t" in line or "\t" in nxt))
        ):
            continue
        if first in _LIST_MARKS or (
            (first.isdigit() or nxt[1:2] in (".", ")")) and _LIST_START.match(nxt)
        ):
            continue
        joins.append(i)
    if not joins:
        return []
    starts = list(accumulate(map((1).__add__, lengths), initial=0))
    reason = f"line wrapped at {width} columns"
    return [
        _tuple_new(Replacement, (starts[i + 1] - 1, starts[i + 1], " ", "hard_wrap", reason))
        for i in joins
    ]
