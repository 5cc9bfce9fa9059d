"""``url_filter``: reject documents whose URL is on a block list, as FineWeb's first step does.

The decisions are datatrove's ``URLFilter``'s with its integrated lists (the UT1 blacklists'
adult domains and URLs, and its banned, soft-banned and sub-word lists), shipped inside tamis
(``tamis/urls/data``, see its README for sources and licences); see :mod:`tamis.urls.check` for
the checks and their order. Extra block lists and allow lists come from files, one entry a
line, ``#`` lines skipped.

The URL is ``meta[field]`` (``url`` by default, where the WARC and JSONL readers put it). A
document without one is kept and counted under ``passed: no_url`` in stats.json.

Signals (``signals[<stage name>]``), only for documents the stage does not simply pass:

* ``reason`` (string): ``domain``, ``subdomain``, ``url``, ``word``, ``soft_words`` or
  ``subword``: why the URL is blocked (stored in annotate mode too);
* ``match`` (string): the listed entry that matched (domain, URL, word(s), sub-word);
* ``passed`` (string): ``no_url`` for a document kept because it has no URL.

Verdict: reason as above, details ``{"url", "match"}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field

from tamis.document import Document
from tamis.stages.base import Stage, StageOptions, register

LIST_FILES = (
    "extra_domains",
    "extra_urls",
    "extra_banned_words",
    "extra_soft_banned_words",
    "extra_banned_subwords",
    "allow_domains",
    "allow_urls",
)


class UrlFilterOptions(StageOptions):
    field: str = Field("url", description="the meta field holding the document's URL")
    use_default_lists: bool = Field(
        True, description="the packaged UT1 and word lists (datatrove's integrated lists)"
    )
    soft_word_threshold: int = Field(
        2, ge=1, description="reject when at least this many soft-banned words are in the URL"
    )
    extra_domains: list[str] = Field([], description="files of more blocked domains / hosts")
    extra_urls: list[str] = Field([], description="files of more blocked URLs (exact)")
    extra_banned_words: list[str] = Field([], description="files of more banned URL words")
    extra_soft_banned_words: list[str] = Field([], description="files of more soft-banned words")
    extra_banned_subwords: list[str] = Field([], description="files of more banned sub-words")
    allow_domains: list[str] = Field(
        [], description="files of domains / hosts never rejected (checked before any list)"
    )
    allow_urls: list[str] = Field([], description="files of URLs never rejected")
    mode: Literal["filter", "annotate"] = Field(
        "filter", description="filter: reject blocked URLs; annotate: only store reason and match"
    )


@register
class UrlFilter(Stage):
    name = "url_filter"
    Options = UrlFilterOptions
    named_instances: ClassVar[bool] = True
    signals: ClassVar[dict[str, Any]] = {"passed": str, "reason": str, "match": str}
    #: the pipeline counts kept documents by their ``passed`` signal (``no_url``)
    counts_passed: ClassVar[bool] = True
    options: UrlFilterOptions

    @classmethod
    def check_options(cls, opts: UrlFilterOptions, where: str) -> None:
        for key in LIST_FILES:
            for i, path in enumerate(getattr(opts, key)):
                if not Path(path).is_file():
                    raise ValueError(f"{where}.{key}[{i}]: no such file {path!r}")

    def __init__(self, options: UrlFilterOptions | None = None) -> None:
        super().__init__(options)
        self._checker = None

    @property
    def checker(self):
        """Built on first use, in the worker (the lists open in milliseconds)."""
        if self._checker is None:
            from tamis.urls.check import UrlChecker
            from tamis.urls.lists import build_lists

            o = self.options
            lists = build_lists(o.use_default_lists, **{k: getattr(o, k) for k in LIST_FILES})
            self._checker = UrlChecker(lists, o.soft_word_threshold)
        return self._checker

    def process(self, doc: Document) -> None:
        url = doc.meta.get(self.options.field)
        if not url or not isinstance(url, str):
            doc.signal(self.name, passed="no_url")
            return
        found = self.checker.check(url)
        if found is None:
            return
        reason, match = found
        doc.signal(self.name, reason=reason, match=match)
        if self.options.mode == "filter":
            doc.reject(self.name, reason, {"url": url, "match": match})
