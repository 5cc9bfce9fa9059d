"""The extractors tamis can call, each as ``html -> text`` with paragraphs and headings on their
own lines (blank line between blocks). Imports are lazy so that the stage registry stays cheap.
"""

from __future__ import annotations

import re
from typing import Any

from tamis.extract.tables import render_table

_BLANKS = re.compile(r"\n{3,}")
_WHITE_SPACE = re.compile(r"\s+")
_BARE_MARKER = "-"
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def tidy(text: str) -> str:
    """One blank line between blocks, no trailing spaces, no leading/trailing blank lines."""
    text = _TRAILING_SPACE.sub("\n", text.replace("\r\n", "\n"))
    return _BLANKS.sub("\n\n", text).strip()


def _block(tag: str, text: str) -> list[str]:
    """One element of trafilatura's result as tamis's blocks: code verbatim (its indentation
    and line breaks are its meaning), a table as :func:`.tables.render_table` sees it, any
    other element (paragraph, heading, list, quote) one block of its trimmed lines, so that a
    list's items and a paragraph's ``<br>`` lines stay on consecutive lines."""
    if tag == "code":
        return [text.strip("\n")]
    lines = [_line(line) for line in text.split("\n")]
    lines = [line for line in lines if line]
    if tag == "table":
        return render_table(lines)
    # an item whose text starts on a new line leaves its marker alone on a line
    out: list[str] = []
    for line in lines:
        if out and out[-1] == _BARE_MARKER:
            out[-1] = f"- {line}"
        else:
            out.append(line)
    return ["\n".join(out)]


def _line(line: str) -> str:
    """A line with single spaces, indented only as a nested list item (``  - ``) is."""
    words = " ".join(line.split())
    if words.startswith("- ") and line[:1] == " ":
        return line[: len(line) - len(line.lstrip())] + words
    return words


def _collapse_white_space(element: Any) -> None:
    """White space of the page's source inside text, as a browser shows it: one space (in
    place; code keeps its own). Line breaks then come only from ``<br>`` and the structure."""
    stack = [element]
    while stack:
        node = stack.pop()
        if node.tag != "code":
            if node.text:
                node.text = _WHITE_SPACE.sub(" ", node.text)
            stack.extend(node)
        if node.tail:
            node.tail = _WHITE_SPACE.sub(" ", node.tail)


def trafilatura_text(
    html: str | Any, *, mode: str = "default", fast: bool = False, comments: bool = True
) -> str:
    """trafilatura's main text (``mode`` default, precision or recall), a blank line between
    its blocks. trafilatura's own text output ends every line alike, so a code block or a
    list came out with a blank line after each of its lines, and it can glue a block's first
    word to the last of the block before ("ebuild --helpusage"); rendering each element of
    its result on its own keeps the blocks apart and each block whole. ``comments`` keeps the
    readers' comments trafilatura finds below an article."""
    import trafilatura
    from trafilatura.utils import normalize_unicode
    from trafilatura.xml import xmltotxt

    result = trafilatura.bare_extraction(
        html,
        output_format="txt",
        fast=fast,
        favor_precision=mode == "precision",
        favor_recall=mode == "recall",
        include_comments=comments,
        include_tables=True,
        deduplicate=False,
    )
    if result is None:
        return ""
    blocks: list[str] = []
    for body in (result.body, result.commentsbody):
        if body is None:
            continue
        if body.text and body.text.strip():
            blocks.append(body.text.strip())
        rows: list[str] = []  # rows trafilatura left outside a table (its fallbacks do)
        for element in body:
            _collapse_white_space(element)
            text = xmltotxt(element, False)
            if element.tag == "row":
                rows.append(text)
                continue
            if rows:
                blocks.extend(_block("table", "\n".join(rows)))
                rows = []
            blocks.extend(_block(element.tag, text))
        if rows:
            blocks.extend(_block("table", "\n".join(rows)))
    return tidy(normalize_unicode("\n\n".join(block for block in blocks if block)))


#: below this many words of visible text, a page is taken to be a script-rendered shell whose
#: server-side fallback content sits in ``<noscript>`` (Discourse forums, many shop fronts)
NOSCRIPT_FALLBACK_WORDS = 50


def resiliparse_raw(tree: Any, *, main_content: bool, links: bool = False) -> str:
    """resiliparse's text, read from ``<noscript>`` too when the visible page is a JS shell.
    ``tree`` comes from :func:`tamis.extract.core._parse` (its alt texts removed)."""
    from resiliparse.extract.html2text import extract_plain_text

    def run(noscript: bool) -> str:
        return (
            extract_plain_text(
                tree,
                main_content=main_content,
                preserve_formatting=True,
                list_bullets=False,
                alt_texts=True,  # figures kept; the tree has no alt texts (core._parse)
                links=links,
                form_fields=False,
                noscript=noscript,
            )
            or ""
        )

    text = run(False)
    if len(text.split()) < NOSCRIPT_FALLBACK_WORDS:
        with_noscript = run(True)
        if len(with_noscript.split()) > len(text.split()):
            return with_noscript
    return text


def resiliparse_text(tree: Any, *, main_content: bool = True) -> str:
    """resiliparse's text (its main-content heuristic, or the whole visible page)."""
    return tidy(resiliparse_raw(tree, main_content=main_content))
