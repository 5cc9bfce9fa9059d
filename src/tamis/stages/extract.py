"""Stage ``extract``: HTML pages to their main text, as one undoable edit.

The whole HTML is replaced by the extracted text in a single edit (rule ``extract:<name>``,
removed = the HTML), so the page is still there for ``undo`` and for the rejected output. Page
metadata goes to ``meta`` where the input gave none: title, language hint and the page's own
date as ``published``, apart from ``date``, which crawl readers fill with the capture time (a
news archive needs both, and a crawl date is not when an article appeared); and JSON-LD types.
``content_type`` becomes ``text/plain`` so that running the stage twice changes nothing.
Documents that are not HTML pass untouched.

Pages a crawl fetched with a status outside 200-299 (redirects, errors: 7% of the 2008 Common
Crawl sample's pages) are rejected as ``http_status`` before parsing: their body is a notice
such as "The document has moved here", which no extractor should turn into a document.

Guards, because one page must never stop a run: a page over ``max_html_bytes`` is rejected as
``extract_too_large`` before it is parsed (the memory guard), a page that takes longer than
``time_limit`` seconds is rejected as ``extract_timeout`` (trafilatura can hang: its issues
#704 and #216), and an extractor crash is rejected as ``extract_error``; a page that yields no
text is rejected as ``no_main_text``, with why: ``no_text``, ``script_shell`` (only a "needs
JavaScript" notice) or ``wall`` (only a login, paywall, robot-check or cookie-consent wall).
"""

from __future__ import annotations

from pydantic import Field

from tamis.document import Document, Replacement
from tamis.extract.core import Extractor
from tamis.stages.base import Stage, StageOptions, register


class ExtractOptions(StageOptions):
    extractor: Extractor = Field(
        default="auto",
        description=(
            "auto: on a page whose markup says it is an article, trafilatura's default mode"
            " without the headline; elsewhere its precision text plus the blocks it missed,"
            " chosen by a model (listings, forums, products); the publisher's JSON-LD body where"
            " the page's text is much shorter; fast: 8-9x trafilatura's speed; the others are"
            " the libraries' own modes"
        ),
    )
    comments: bool = Field(
        default=False,
        description=(
            "keep the readers' comments below an article (auto and the trafilatura modes);"
            " by default the text is the article alone"
        ),
    )
    time_limit: float = Field(
        default=20.0, ge=0, description="per-page wall-clock limit in seconds (0 disables it)"
    )
    max_html_bytes: int = Field(
        default=5_000_000,
        ge=0,
        description="pages larger than this many characters are rejected unparsed (0 disables it)",
    )
    sniff: bool = Field(
        default=True,
        description="treat documents without a content type as HTML when they look like a page",
    )
    reject_http_errors: bool = Field(
        default=True,
        description=(
            "reject pages the server answered with a status outside 200-299: their HTML is a"
            " redirect or error notice (Moved Permanently, Not Found), not the page"
        ),
    )


def is_html_document(doc: Document, sniff: bool = True) -> bool:
    """HTML by the reader's content type; without one, by the look of the text."""
    content_type = str(doc.meta.get("content_type") or "").lower()
    if content_type:
        return "html" in content_type
    if not sniff:
        return False
    from tamis.io.html import looks_like_html

    return looks_like_html(doc.text)


@register
class ExtractStage(Stage):
    name = "extract"
    Options = ExtractOptions
    signals = {
        "extractor": str,
        "html_chars": int,
        "text_chars": int,
        "blocks_total": int,
        "blocks_added": int,
    }
    meta_fields = (
        "title",
        "language_hint",
        "published",
        "json_ld_types",
        "content_type",
        "extracted_from",
    )

    def process(self, doc: Document) -> None:
        opts: ExtractOptions = self.options  # type: ignore[assignment]
        if not is_html_document(doc, opts.sniff):
            return
        status = doc.meta.get("http_status")
        if opts.reject_http_errors and isinstance(status, int) and not 200 <= status < 300:
            doc.reject(self.name, "http_status", {"http_status": status})
            return
        html = doc.text
        size = len(html.encode("utf-8", "surrogatepass")) if opts.max_html_bytes else 0
        if opts.max_html_bytes and size > opts.max_html_bytes:
            doc.reject(
                self.name,
                "extract_too_large",
                {"bytes": size, "max_html_bytes": opts.max_html_bytes},
            )
            return
        from tamis.extract.core import extract
        from tamis.extract.guard import PageTimeout, run_with_time_limit

        try:
            result = run_with_time_limit(
                lambda: extract(html, opts.extractor, comments=opts.comments), opts.time_limit
            )
        except PageTimeout:
            doc.reject(
                self.name,
                "extract_timeout",
                {"time_limit": opts.time_limit, "extractor": opts.extractor},
            )
            return
        except Exception as exc:  # noqa: BLE001 - one bad page must not stop the run
            doc.reject(self.name, "extract_error", {"error": f"{type(exc).__name__}: {exc}"})
            return
        doc.signal(
            self.name,
            extractor=result.extractor,
            html_chars=len(html),
            text_chars=len(result.text),
            blocks_total=result.blocks_total,
            blocks_added=result.blocks_added,
        )
        for key, value in (
            ("title", result.title),
            ("language_hint", result.language),
            ("published", result.date),
        ):
            if value and not doc.meta.get(key):
                doc.meta[key] = value
        if result.json_ld_types:
            doc.meta["json_ld_types"] = list(result.json_ld_types)
        if not result.text.strip():
            doc.reject(
                self.name,
                "no_main_text",
                {"html_chars": len(html), "why": result.empty_because or "no_text"},
            )
            return
        doc.apply(
            self.name,
            [
                Replacement(
                    0,
                    len(html),
                    result.text,
                    f"extract:{result.extractor}",
                    "HTML replaced by its main text",
                )
            ],
        )
        doc.meta["content_type"] = "text/plain"
        doc.meta["extracted_from"] = "text/html"
