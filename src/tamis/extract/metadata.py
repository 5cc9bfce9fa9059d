"""Page metadata and structured data (title, date, language hint, JSON-LD), read cheaply.

JSON-LD matters beyond metadata: many sites publish the whole article text as ``articleBody``
(and products their description) for search engines, which is the publisher's own statement of
what the main content is.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from html import unescape as html_unescape
from typing import Any

from tamis.langid.codes import language_tag

_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "pubdate",
    "publish-date",
    "sailthru.date",
    "parsely-pub-date",
)
#: JSON-LD types of a news or blog article (the narrow set: not ``WebPage``, ``QAPage``...)
NEWS_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
    }
)
#: every JSON-LD type whose ``articleBody`` is the page's text
_ARTICLE_TYPES = NEWS_TYPES | {
    "scholarlyarticle",
    "techarticle",
    "socialmediaposting",
    "discussionforumposting",
    "liveblogposting",
    "report",
    "webpage",
    "medicalwebpage",
    "qapage",
    "howto",
    "recipe",
    "review",
}
#: JSON-LD types of a page that lists other pages (a category, a search result, a collection):
#: such a page is not one article even when its template says ``og:type=article``
LIST_TYPES = frozenset({"itemlist", "collectionpage", "searchresultspage"})

#: ``<meta name="generator">`` values of documentation generators
_DOC_GENERATORS = re.compile(
    r"sphinx|docutils|mkdocs|docusaurus|gitbook|rustdoc|javadoc|doxygen|vitepress|vuepress"
    r"|starlight|mintlify|docsy|antora|jsdoc|typedoc|pkgdown|bookdown|mdbook|docfx|nextra",
    re.IGNORECASE,
)
#: class names that documentation themes put on their page (Sphinx and Read the Docs' themes,
#: MkDocs Material, Docusaurus) or on Algolia's DocSearch button, a search box made for
#: documentation sites; matched case-sensitively as whole class names
_DOC_CLASSES = re.compile(
    r"""class=["'](?:[^"']*\s)?(?:DocSearch|rst-content|md-content|theme-doc-markdown"""
    r"""|sphinxsidebar|bodywrapper|wy-nav-content)[\s"']"""
)


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{1,2}:\d{2}")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
#: years a publication date can fall in; meta fields also hold placeholders (0001-01-01)
_YEARS = range(1970, 2101)


def iso_date(raw: str) -> str | None:
    """A page's date as ISO 8601, whatever way the page wrote it (``Jan 17, 2025``,
    ``2013-08-22 21:43:53 UTC``, ``2020-04-12T18:00:00-0700``): to the second with the offset
    when the page gives them (UTC as ``Z``), else only as precise as the page is
    (``2025-01-17``, ``2008-05``). None when it is not a date, so that one junk field does not
    hide a good one after it."""
    text = " ".join(raw.split())
    if _DAY.fullmatch(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return None
        return text if day.year in _YEARS else None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        if not _YEAR.search(text):
            return None  # a year is what makes a free-form string a date, not a "3 days ago"
        from dateutil import parser

        try:
            # parsed twice with defaults that differ in every field: a field that differs
            # was not in the text, and is left out instead of being made up
            with warnings.catch_warnings():  # "EST" and the like: read as local time
                warnings.simplefilter("ignore", parser.UnknownTimezoneWarning)
                when = parser.parse(text, fuzzy=True, default=datetime(2000, 1, 1))
                other = parser.parse(text, fuzzy=True, default=datetime(2001, 2, 2))
        except (ValueError, OverflowError):
            return None
        if when.year != other.year or when.year not in _YEARS:
            return None
        if when.month != other.month:
            return f"{when.year:04d}"
        if when.day != other.day:
            return f"{when.year:04d}-{when.month:02d}"
    if when.year not in _YEARS:
        return None
    if not _TIME.search(text):
        return when.date().isoformat()
    out = when.replace(microsecond=0).isoformat()
    return out[:-6] + "Z" if out.endswith("+00:00") else out  # UTC written as WARC-Date writes it


@dataclass(slots=True)
class PageInfo:
    title: str | None = None
    date: str | None = None
    language: str | None = None
    description: str | None = None
    json_ld_body: str | None = None
    #: the longest JSON-LD ``Product.description`` (kept apart from ``json_ld_body``, whose
    #: presence in a block is a signal the block models were fitted on)
    product_description: str | None = None
    json_ld_types: list[str] = field(default_factory=list)
    og_type: str | None = None
    #: the page's markup is a documentation generator's or theme's (its ``generator`` meta, a
    #: theme's class names); only read when asked (``read_page_info(..., documentation=True)``)
    documentation: bool = False


def _types(node: dict[str, Any]) -> list[str]:
    t = node.get("@type")
    if isinstance(t, str):
        return [t.lower()]
    if isinstance(t, list):
        return [x.lower() for x in t if isinstance(x, str)]
    return []


def _walk(node: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 6:
        return
    if isinstance(node, list):
        for x in node:
            _walk(x, out, depth + 1)
    elif isinstance(node, dict):
        out.append(node)
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "hasPart"):
            if key in node:
                _walk(node[key], out, depth + 1)


def _parse_json_ld(texts: list[str]) -> list[dict[str, Any]]:
    import json

    nodes: list[dict[str, Any]] = []
    for text in texts:
        text = text.strip()
        if not text:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            try:
                data = json.loads(text.replace("\n", " ").replace("\t", " "))
            except ValueError:
                continue
        _walk(data, nodes)
    return nodes


_META_TAG = re.compile(r"<meta\s[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_HTML_LANG = re.compile(r"<html\b[^>]*?\slang\s*=\s*[\"']?([A-Za-z0-9_-]+)", re.IGNORECASE)
_JSON_LD = re.compile(
    r"<script[^>]+application/ld\+json[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL
)


def _attrs(tag: str) -> dict[str, str]:
    return {
        m.group(1).lower(): html_unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTR.finditer(tag)
    }


def read_page_info(html: str, tree: Any, documentation: bool = False) -> PageInfo:
    """Metadata of a page: meta tags and JSON-LD read by pattern from the markup (far cheaper
    than walking the DOM from Python), the title from resiliparse's parsed ``tree``. With
    ``documentation``, also whether the markup is a documentation generator's: the theme class
    names are a scan of the whole page (~0.9 ms on WCXB's pages, ~5% of ``fast``'s time), which
    only ``auto`` uses, so ``fast`` does not pay for it."""
    info = PageInfo()
    head_meta: dict[str, str] = {}
    generators: list[str] = []  # a page can have several (a CMS and its plugins)
    for m in _META_TAG.finditer(html, 0, 400_000):
        attrs = _attrs(m.group(0))
        content = attrs.get("content")
        if content is None:
            continue
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if key == "generator":
            generators.append(content)
        if key and key not in head_meta:
            head_meta[key] = content
        if attrs.get("http-equiv", "").lower() == "content-language":
            head_meta.setdefault("content-language", content)
    title = head_meta.get("og:title") or head_meta.get("twitter:title")
    if not title and tree.title:
        title = tree.title
    if not title:
        h1 = tree.document.query_selector("h1")
        title = h1.text if h1 is not None else None
    info.title = " ".join(title.split()) if title else None
    for key in _DATE_META:
        if head_meta.get(key) and (published := iso_date(head_meta[key])):
            info.date = published
            break
    m = _HTML_LANG.search(html, 0, 20_000)
    for lang in (
        m.group(1) if m else None,
        head_meta.get("content-language"),
        head_meta.get("og:locale"),
    ):
        # a template leftover (``{{ lang }}``) in one field does not hide a language in the next
        info.language = language_tag(lang) if lang else None
        if info.language:
            break
    info.description = head_meta.get("og:description") or head_meta.get("description")
    info.og_type = (head_meta.get("og:type") or "").lower() or None
    if documentation:
        info.documentation = (
            bool(generators and _DOC_GENERATORS.search(" ".join(generators)))
            or _DOC_CLASSES.search(html) is not None
        )

    scripts = [m.group(1) for m in _JSON_LD.finditer(html)]
    best = product = ""
    for node in _parse_json_ld(scripts):
        types = _types(node)
        info.json_ld_types.extend(types)
        if not info.date and isinstance(node.get("datePublished"), str):
            info.date = iso_date(node["datePublished"])
        body = node.get("articleBody") or node.get("text")
        if isinstance(body, str) and (not types or _ARTICLE_TYPES.intersection(types)):
            if len(body) > len(best):
                best = body
        described = node.get("description")
        if isinstance(described, str) and "product" in types and len(described) > len(product):
            product = described
    info.json_ld_body = best.strip() or None
    info.product_description = product.strip() or None
    return info
