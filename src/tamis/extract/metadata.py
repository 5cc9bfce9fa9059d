"""Page metadata and structured data (title, date, language hint, JSON-LD), read in one cheap
pass of resiliparse's lexbor parser.

JSON-LD matters beyond metadata: many sites publish the whole article text as ``articleBody``
(and products their description) for search engines, which is the publisher's own statement of
what the main content is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
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


@dataclass(slots=True)
class PageInfo:
    title: str | None = None
    date: str | None = None
    language: str | None = None
    description: str | None = None
    json_ld_body: str | None = None
    json_ld_types: list[str] = field(default_factory=list)
    og_type: str | None = None


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


def read_page_info(tree: Any) -> PageInfo:
    """Metadata from a resiliparse ``HTMLTree``."""
    info = PageInfo()
    head_meta: dict[str, str] = {}
    for el in tree.document.query_selector_all("meta[content]"):
        key = (el.getattr("property") or el.getattr("name") or el.getattr("itemprop") or "").lower()
        if key and key not in head_meta:
            head_meta[key] = el.getattr("content") or ""
        equiv = (el.getattr("http-equiv") or "").lower()
        if equiv == "content-language" and "content-language" not in head_meta:
            head_meta["content-language"] = el.getattr("content") or ""
    title = head_meta.get("og:title") or head_meta.get("twitter:title")
    if not title and tree.title:
        title = tree.title
    if not title:
        h1 = tree.document.query_selector("h1")
        title = h1.text if h1 is not None else None
    info.title = " ".join(title.split()) if title else None
    for key in _DATE_META:
        if head_meta.get(key):
            info.date = head_meta[key].strip()
            break
    html = tree.document.query_selector("html")
    lang = html.getattr("lang") if html is not None else None
    lang = lang or head_meta.get("content-language") or head_meta.get("og:locale")
    info.language = lang.strip().replace("_", "-") if lang else None
    info.description = head_meta.get("og:description") or head_meta.get("description")
    info.og_type = (head_meta.get("og:type") or "").lower() or None

    scripts = [
        el.text for el in tree.document.query_selector_all('script[type="application/ld+json"]')
    ]
    best = ""
    for node in _parse_json_ld(scripts):
        types = _types(node)
        info.json_ld_types.extend(types)
        if not info.date and isinstance(node.get("datePublished"), str):
            info.date = node["datePublished"].strip()
        body = node.get("articleBody") or node.get("text")
        if isinstance(body, str) and (not types or _ARTICLE_TYPES.intersection(types)):
            if len(body) > len(best):
                best = body
    info.json_ld_body = best.strip() or None
    return info
