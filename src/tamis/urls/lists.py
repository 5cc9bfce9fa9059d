"""The lists a URL is checked against: packaged defaults (UT1 and datatrove's word lists) plus
the user's own files, read exactly as datatrove's ``URLFilter`` reads its lists.

A list file holds one entry a line; lines starting with ``#`` are skipped. Domains and URLs are
taken as written (stripped); words are normalised: every run of characters other than ASCII
letters and digits removed, then lowercased (``"2 girls 1 cup"`` becomes ``2girls1cup``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import zstandard

from tamis.urls.blocklist import BlockedSet

DATA = Path(__file__).parent / "data"
NON_ALNUM = re.compile(r"[^a-zA-Z0-9]+")


def normalize(text: str) -> str:
    return NON_ALNUM.sub("", text).lower()


def _split_nl(text: str) -> list[str]:
    """Lines as a Python text file yields them, each with its ``\\n`` (the last maybe without)."""
    parts = text.split("\n")
    out = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def parse_lines(lines: Iterable[str], normalize_words: bool) -> set[str]:
    """datatrove's ``parse_list``: ``#`` lines skipped, the rest stripped or normalised."""
    if normalize_words:
        return {normalize(x) for x in lines if x[0] != "#"}
    return {x.strip() for x in lines if x[0] != "#"}


def read_list_file(path: str | Path, normalize_words: bool) -> set[str]:
    """A list file's entries. Unlike datatrove, an entry that is empty (a blank line, or a word
    of punctuation only) is dropped: it would block every URL without a domain, or ending in
    ``/``. The packaged lists have none, so their decisions are datatrove's."""
    text = Path(path).read_text(encoding="utf-8")
    lines = _split_nl(text.replace("\r\n", "\n").replace("\r", "\n"))
    return parse_lines(lines, normalize_words) - {""}


@lru_cache(maxsize=1)
def default_domains() -> BlockedSet:
    return BlockedSet(DATA / "ut1_domains.bin")


@lru_cache(maxsize=1)
def default_urls() -> frozenset[str]:
    raw = zstandard.ZstdDecompressor().decompress((DATA / "ut1_urls.txt.zst").read_bytes())
    return frozenset(raw.decode("utf-8").split("\n"))


@lru_cache(maxsize=3)
def default_words(name: str) -> frozenset[str]:
    return frozenset(read_list_file(DATA / f"{name}.txt", normalize_words=True))


@dataclass
class UrlLists:
    """Everything one ``url_filter`` stage checks against."""

    domains: set[str] = field(default_factory=set)  # extra blocked domains (exact)
    packaged_domains: BlockedSet | None = None
    urls: set[str] | frozenset[str] = field(default_factory=set)
    banned_words: set[str] | frozenset[str] = field(default_factory=set)
    soft_banned_words: set[str] | frozenset[str] = field(default_factory=set)
    banned_subwords: set[str] | frozenset[str] = field(default_factory=set)
    allow_domains: set[str] = field(default_factory=set)
    allow_urls: set[str] = field(default_factory=set)

    def domain_listed(self, domain: str) -> bool:
        if domain in self.domains:
            return True
        return self.packaged_domains is not None and domain in self.packaged_domains


def _read_all(paths: Iterable[str], normalize_words: bool) -> set[str]:
    out: set[str] = set()
    for p in paths:
        out |= read_list_file(p, normalize_words)
    return out


def build_lists(
    use_default_lists: bool,
    extra_domains: Iterable[str] = (),
    extra_urls: Iterable[str] = (),
    extra_banned_words: Iterable[str] = (),
    extra_soft_banned_words: Iterable[str] = (),
    extra_banned_subwords: Iterable[str] = (),
    allow_domains: Iterable[str] = (),
    allow_urls: Iterable[str] = (),
) -> UrlLists:
    """The packaged lists (when used) merged with the entries of the given files."""
    lists = UrlLists(
        domains=_read_all(extra_domains, False),
        urls=_read_all(extra_urls, False),
        banned_words=_read_all(extra_banned_words, True),
        soft_banned_words=_read_all(extra_soft_banned_words, True),
        banned_subwords=_read_all(extra_banned_subwords, True),
        allow_domains=_read_all(allow_domains, False),
        allow_urls=_read_all(allow_urls, False),
    )
    if use_default_lists:
        lists.packaged_domains = default_domains()
        lists.urls = default_urls() | lists.urls if lists.urls else default_urls()
        lists.banned_words = default_words("banned_words") | lists.banned_words
        lists.soft_banned_words = default_words("soft_banned_words") | lists.soft_banned_words
        lists.banned_subwords = default_words("banned_subwords") | lists.banned_subwords
    return lists
