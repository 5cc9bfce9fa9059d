"""The extractors tamis can call, each as ``html -> text`` with paragraphs and headings on their
own lines (blank line between blocks). Imports are lazy so that the stage registry stays cheap.
"""

from __future__ import annotations

import re
from typing import Any

from tamis.extract.tables import text_blocks

_BLANKS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def tidy(text: str) -> str:
    """One blank line between blocks, no trailing spaces, no leading/trailing blank lines."""
    text = _TRAILING_SPACE.sub("\n", text.replace("\r\n", "\n"))
    return _BLANKS.sub("\n\n", text).strip()


def _blocks(text: str) -> str:
    """trafilatura separates blocks by single newlines; make them paragraphs (a data table's
    rows stay on consecutive lines, layout tables become paragraphs: :mod:`.tables`)."""
    return tidy("\n\n".join(text_blocks(text)))


def trafilatura_text(html: str | Any, *, mode: str = "default", fast: bool = False) -> str:
    """trafilatura's main text; ``mode`` is default, precision or recall."""
    import trafilatura

    out = trafilatura.extract(
        html,
        fast=fast,
        favor_precision=mode == "precision",
        favor_recall=mode == "recall",
        include_comments=True,
        include_tables=True,
        deduplicate=False,
    )
    return _blocks(out or "")


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
