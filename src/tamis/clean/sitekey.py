"""Which site a document comes from: the unit over which the boilerplate stage learns.

The registered domain of a URL (``news.bbc.co.uk`` and ``www.bbc.co.uk`` are one site,
``a.blogspot.com`` and ``b.blogspot.com`` are two) comes from the public-suffix list bundled in
the ``tld`` package, read from disk, never fetched. Without a URL the configured metadata field
names the source, and without that the input file does: a file is usually one crawl of one
site, or one collection such as a newswire archive.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit


@lru_cache(maxsize=65536)
def registered_domain(url: str) -> str:
    if "://" not in url:
        url = "http://" + url
    try:
        host = urlsplit(url).hostname
    except ValueError:  # not a URL: read as before (and fail as before)
        return _domain_of(url)
    # tld reads a URL only through its host name, so one answer serves all of a site's pages;
    # a host that does not read back as itself is answered from the URL as given
    if host and urlsplit("http://" + host).hostname == host:
        return _domain_of_host(host)
    return _domain_of(url)


@lru_cache(maxsize=65536)
def _domain_of_host(host: str) -> str:
    return _domain_of("http://" + host)


def _domain_of(url: str) -> str:
    from tld import get_fld

    domain = get_fld(url, fail_silently=True)
    if domain:
        return domain.lower()
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def meta_value(meta: dict[str, Any], dotted: str) -> Any:
    if "." not in dotted:  # the common case, read for every document
        return meta.get(dotted) if isinstance(meta, dict) else None
    value: Any = meta
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def site_of(doc, url_fields: tuple[str, ...], source_field: str | None) -> str:
    """``domain:<registered domain>``, ``field:<value>`` or ``file:<input path>``."""
    if source_field:
        value = meta_value(doc.meta, source_field)
        if value not in (None, ""):
            return f"field:{value}"
    for name in url_fields:
        url = meta_value(doc.meta, name)
        if isinstance(url, str) and url:
            domain = registered_domain(url)
            if domain:
                return f"domain:{domain}"
    return f"file:{doc.source.get('path', '')}"
