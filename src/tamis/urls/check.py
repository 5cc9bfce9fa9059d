"""One URL against the lists, with datatrove's ``URLFilter`` decisions and order of checks.

Checks, first match wins, each named by the reason tamis gives (datatrove's in brackets):

1. ``domain``: the registered domain (public-suffix aware) is listed;
2. ``subdomain``: the full host name is listed;
3. ``url``: the URL, exactly as written, is listed;
4. ``word`` (``hard_blacklisted``): a banned word is one of the URL's words (runs of ASCII
   letters and digits, case kept);
5. ``soft_words`` (``soft_blacklisted``): at least ``soft_word_threshold`` distinct soft-banned
   words are among them;
6. ``subword`` (``blacklisted_subword``): a banned sub-word occurs anywhere in the normalised
   URL (letters and digits only, lowercased).

The match (the domain, URL, word(s) or sub-word) is returned with the reason. Host names are
split with tldextract's bundled Public Suffix List snapshot, never fetched: the same snapshot
datatrove falls back to when it cannot fetch, so the same domains come out offline. An allow
list entry (a URL, or a domain equal to the URL's registered domain or host) passes the URL.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from tamis.urls.lists import NON_ALNUM, UrlLists, normalize


@lru_cache(maxsize=1)
def _extractor() -> Any:
    from tldextract import TLDExtract

    return TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def host_parts(url: str) -> tuple[str, str]:
    """(registered domain, full host name) as datatrove's ``URLFilter`` reads them.

    tldextract reads a URL only through its host (``lenient_netloc``), so the answer is cached
    by host: the pages of one site are split once. A host that does not read back as itself
    (stray spaces or dots around it) is split from the URL as given, uncached."""
    from tldextract.remote import lenient_netloc

    host = lenient_netloc(url)
    if lenient_netloc(host) != host:
        return _split(url)
    return _split_host(host)


def _split(url: str) -> tuple[str, str]:
    info = _extractor()(url)
    return info.top_domain_under_public_suffix, info.fqdn


@lru_cache(maxsize=1 << 16)
def _split_host(host: str) -> tuple[str, str]:
    return _split(host)


#: URLs whose answers are remembered at most (then the memory starts again)
_SEEN_MAX = 1 << 16


class UrlChecker:
    def __init__(self, lists: UrlLists, soft_word_threshold: int = 2) -> None:
        self.lists = lists
        self.soft_word_threshold = soft_word_threshold
        self.subwords = sorted(lists.banned_subwords)
        self._seen: dict[str, tuple[str, str] | None] = {}

    def check(self, url: str) -> tuple[str, str] | None:
        """``(reason, match)`` when the URL is blocked, else None (answers cached by URL:
        a site's pages repeat, as IMDb's review pages of one film do)."""
        seen = self._seen
        if url in seen:
            return seen[url]
        if len(seen) >= _SEEN_MAX:
            seen.clear()
        found = seen[url] = self._check(url)
        return found

    def _check(self, url: str) -> tuple[str, str] | None:
        lists = self.lists
        if url in lists.allow_urls:
            return None
        domain, host = host_parts(url)
        if lists.allow_domains and (domain in lists.allow_domains or host in lists.allow_domains):
            return None
        if lists.domain_listed(domain):
            return "domain", domain
        if lists.domain_listed(host):
            return "subdomain", host
        if url in lists.urls:
            return "url", url
        words = set(NON_ALNUM.split(url))
        banned = words & lists.banned_words
        if banned:
            return "word", min(banned)
        soft = words & lists.soft_banned_words
        if len(soft) >= self.soft_word_threshold:
            return "soft_words", ",".join(sorted(soft))
        if self.subwords:
            flat = normalize(url)
            for sub in self.subwords:
                if sub in flat:
                    return "subword", sub
        return None
