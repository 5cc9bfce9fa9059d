"""Word splitting that gives the words datatrove's quality filters see, without spaCy.

datatrove 0.10.x splits words with ``spacy.blank(lang)`` (its ``SpaCyTokenizer``) and drops
whitespace-only tokens. Every Gopher/FineWeb signal that counts or measures words depends on
exactly where that tokenizer cuts ("don't" is "do" + "n't", "U.S." is one word, "end." is two),
so a near-enough splitter would move documents across thresholds. This module reproduces
spaCy's tokenizer *algorithm* (``Tokenizer._split_affixes`` + ``_attach_tokens``: special
cases, prefix/suffix peeling, URL match, infix splitting) in Python, over spaCy's own tables
shipped as data (``data/spacy_<lang>.json``, written by ``data/generate_spacy_tables.py``).

Speed comes from the cache, not from the algorithm: a whitespace-delimited chunk always splits
the same way, and chunks follow Zipf's law, so after a few documents nearly every chunk is a
dictionary hit and a document costs one ``str.split`` plus one lookup per chunk.

spaCy then re-matches special cases that affix splitting would break apart (``Mr.`` after
``(``, ``:)`` before ``,``) with a phrase matcher (``_apply_special_cases``); that step is
reproduced per chunk (a match can never cross whitespace).

Languages: each language uses the tables of the spaCy language datatrove's tokenizer table
assigns it (its own, a proxy's, or the language-neutral "xx"; see
:mod:`tamis.quality.languages`). Languages that datatrove splits otherwise (Chinese, Thai, the
Indic languages...) are split by :mod:`tamis.quality.backends`, not here.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from functools import cache
from itertools import chain
from pathlib import Path

from tamis.quality.suffix import PrefixSearch, SuffixSearch

DATA = Path(__file__).resolve().parent / "data"

#: spaCy's Sentencizer default punctuation (a token that is exactly one of these ends a sentence).
SENTENCE_PUNCT = frozenset(
    "!.?։؟۔܀܁܂߹।॥၊။።፧፨᙮᜵᜶᠃᠉᥄᥅᪨᪩᪪᪫᭚᭛᭞᭟᰻᰼᱾᱿‼‽⁇⁈⁉⸮⸼꓿꘎꘏꛳꛷꡶꡷꣎꣏꤯꧈꧉꩝꩞꩟꫰꫱꯫﹒﹖﹗！．？"
    "𐩖𐩗𑁇𑁈𑂾𑂿𑃀𑃁𑅁𑅂𑅃𑇅𑇆𑇍𑇞𑇟𑈸𑈹𑈻𑈼𑊩𑑋𑑌𑗂𑗃𑗉𑗊𑗋𑗌𑗍𑗎𑗏𑗐𑗑𑗒𑗓𑗔𑗕𑗖𑗗𑙁𑙂𑜼𑜽𑜾𑩂𑩃𑪛𑪜𑱁𑱂𖩮𖩯𖫵𖬷𖬸𖭄𛲟𝪈｡。"
)

_CACHE_LIMIT = 500_000


class WordSplitter:
    """spaCy's tokenizer algorithm over one language's tables, memoised per chunk."""

    def __init__(self, tables: dict) -> None:
        self._specials: dict[str, tuple[str, ...]] = {
            k: tuple(v) for k, v in tables["specials"].items()
        }
        self._prefix = _prefix_search(tables["prefix"])
        self._suffix = _suffix_search(tables["suffix"])
        self._infix = re.compile(tables["infix"]).finditer
        self._url = re.compile(tables["url"]).match if tables.get("url") else None
        token = tables.get("token_match")
        self._token = re.compile(shared_tails(token)).match if token else None
        self._cache: dict[str, tuple[str, ...]] = dict(self._specials)
        # A special case that affix splitting breaks apart is found again among a chunk's
        # tokens by what they spell; its own split (without special cases) is worked out the
        # first time it is met, not for every special case up front (Indonesian has 16,000 of
        # them, most split at their hyphen: most of a second of every process's start).
        self._longest_special = max(map(len, self._specials), default=0)
        self._special_parts: dict[str, tuple[str, ...]] = {}

    def split(self, text: str) -> list[str]:
        """Words of ``text`` as datatrove's ``split_into_words`` returns them."""
        return self.split_chunks(text.split())

    def split_chunks(self, chunks: list[str]) -> list[str]:
        """Words of whitespace-delimited ``chunks`` (``text.split()``), in order."""
        cache = self._cache
        try:
            return list(chain.from_iterable(map(cache.__getitem__, chunks)))
        except KeyError:
            pass  # first-time chunks: learn them all, then look up again
        missing = set(chunks).difference(cache)
        if len(cache) + len(missing) > _CACHE_LIMIT:
            self._clear()
            missing = set(chunks).difference(cache)
        for chunk in missing:
            cache[chunk] = self._split_new(chunk)
        return list(chain.from_iterable(map(cache.__getitem__, chunks)))

    @property
    def specials(self) -> dict[str, tuple[str, ...]]:
        """The special cases: chunk -> the words spaCy splits it into ("don't": do, n't)."""
        return self._specials

    def is_special(self, chunk: str) -> bool:
        """Whether spaCy splits ``chunk`` by a special-case rule ("cannot", "don't")."""
        return chunk in self._specials

    def chunk_words(self, chunk: str) -> tuple[str, ...]:
        """Words of one whitespace-free chunk, computed without the cache (for callers that
        memoise more than the words)."""
        words = self._specials.get(chunk)
        return self._split_new(chunk) if words is None else words

    def _clear(self) -> None:
        self._cache.clear()
        self._cache.update(self._specials)

    def _split_new(self, chunk: str) -> tuple[str, ...]:
        """Words of a chunk that is not a special case."""
        if chunk.isalpha():
            # No affix, infix or URL pattern can match letters alone (checked in the tests).
            return (chunk,)
        head = chunk[:-1]
        if head.isalpha() and self._token is None and self._prefix(chunk) is None:
            # Letters and one mark ("film.", "said,"), the commonest chunk that is not a word:
            # when the mark is the suffix, _split_chunk peels it and stops at the letters
            # (which are a special case or a word), so its tokens are known without its loop.
            m = self._suffix(chunk)
            if m is not None and m.end() - m.start() == 1:
                return self._rematch_specials((*self._specials.get(head, (head,)), chunk[-1]))
        return self._rematch_specials(self._split_chunk(chunk))

    def _rematch_specials(self, tokens: tuple[str, ...]) -> tuple[str, ...]:
        """spaCy's ``_apply_special_cases``: merge token runs that spell a special case.

        A run of two tokens or more matches when what it spells is a special case that affix
        splitting alone (no special cases) cuts into exactly those tokens. Candidate matches
        are taken longest first (ties: earliest start first) and kept when neither end token is
        already claimed, as ``Tokenizer._filter_special_spans`` does.
        """
        n = len(tokens)
        if n < 2:
            return tokens
        specials, longest = self._specials, self._longest_special
        found: list[tuple[int, int, tuple[str, ...]]] = []
        for i in range(n - 1):
            spelled = tokens[i]
            for j in range(i + 1, n):
                spelled += tokens[j]
                if len(spelled) > longest:
                    break
                orths = specials.get(spelled)
                if orths is not None and self._parts_of(spelled) == tokens[i : j + 1]:
                    found.append((i, j + 1, orths))
        if not found:
            return tokens
        found.sort(key=lambda m: (m[1] - m[0], -m[0]))
        seen: set[int] = set()
        kept: dict[int, tuple[int, tuple[str, ...]]] = {}
        for start, end, orths in reversed(found):
            if start not in seen and end - 1 not in seen:
                kept[start] = (end, orths)
            seen.update(range(start, end))
        out: list[str] = []
        i = 0
        while i < len(tokens):
            hit = kept.get(i)
            if hit is None:
                out.append(tokens[i])
                i += 1
            else:
                out.extend(hit[1])
                i = hit[0]
        return tuple(out)

    def _parts_of(self, special: str) -> tuple[str, ...]:
        """How affix splitting alone cuts a special case (memoised)."""
        parts = self._special_parts.get(special)
        if parts is None:
            parts = self._special_parts[special] = self._split_chunk(special, with_specials=False)
        return parts

    def _split_chunk(self, string: str, with_specials: bool = True) -> tuple[str, ...]:
        specials = self._specials if with_specials else {}
        token_match, prefix_search, suffix_search = self._token, self._prefix, self._suffix
        prefixes: list[str] = []
        suffixes: list[str] = []
        last_size = -1
        while string and len(string) != last_size:
            if token_match is not None and token_match(string):
                break
            if string in specials:
                break
            if string.isalpha():
                break  # letters alone: no prefix, suffix or infix can match (tested)
            last_size = len(string)
            pre_len = 0
            m = prefix_search(string)
            if m is not None:
                pre_len = m.end() - m.start()
            if pre_len:
                prefix = string[:pre_len]
                minus_pre = string[pre_len:]
                if minus_pre and minus_pre in specials:
                    string = minus_pre
                    prefixes.append(prefix)
                    break
            suf_len = 0
            m = suffix_search(string[pre_len:] if pre_len else string)
            if m is not None:
                suf_len = m.end() - m.start()
            if suf_len:
                suffix = string[-suf_len:]
                minus_suf = string[:-suf_len]
                if minus_suf and minus_suf in specials:
                    string = minus_suf
                    suffixes.append(suffix)
                    break
            if pre_len and suf_len and pre_len + suf_len <= len(string):
                string = string[pre_len:-suf_len]
                prefixes.append(prefix)
                suffixes.append(suffix)
            elif pre_len:
                string = minus_pre
                prefixes.append(prefix)
            elif suf_len:
                string = minus_suf
                suffixes.append(suffix)
        tokens = prefixes
        if string:
            special = specials.get(string)
            if special is not None:
                tokens.extend(special)
            elif string.isalpha():
                tokens.append(string)
            elif (self._token is not None and self._token(string)) or (
                self._url is not None and self._url(string)
            ):
                tokens.append(string)
            else:
                start = 0
                for m in self._infix(string):
                    i_start, i_end = m.start(), m.end()
                    if i_start == 0:
                        continue
                    if i_start != start:
                        tokens.append(string[start:i_start])
                    if i_start != i_end:
                        tokens.append(string[i_start:i_end])
                    start = i_end
                if string[start:]:
                    tokens.append(string[start:])
        tokens.extend(reversed(suffixes))
        return tuple(tokens)


def _top_level(pattern: str) -> Iterator[tuple[int, str]]:
    """(index, character) of ``pattern``'s characters outside any group, character class or
    escape, with each ``(`` that opens a group at that level."""
    depth, in_class, escaped = 0, False, False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            if depth == 0:
                yield i, ch
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0:
            yield i, ch


def shared_tails(pattern: str) -> str:
    """``pattern`` (an alternation of anchored branches ``(?:^HEAD(?-i:...)...)``, as spaCy's
    French ``token_match`` is) with the branches that end alike merged into one,
    ``(?:^(?:HEAD1|HEAD2...)TAIL)``: the same strings match (concatenation distributes over
    alternation), and ``re`` compiles each tail once instead of once per branch. French's
    pattern repeats two classes of every letter of every script 278 times; it compiled in
    about 0.7 s, every process that met French text. Any other shape comes back unchanged."""
    flags = re.match(r"\(\?[aiLmsux]+\)", pattern)
    lead = flags.group(0) if flags else ""
    body = pattern[len(lead) :]
    cuts = [i for i, ch in _top_level(body) if ch == "|"]
    branches = [body[a + 1 : b] for a, b in zip([-1, *cuts], [*cuts, len(body)], strict=True)]
    if len(branches) < 2 or not all(b.startswith("(?:^") and b.endswith(")") for b in branches):
        return pattern
    tails: dict[str, list[str]] = {}
    whole: list[str] = []
    for branch in branches:
        inner = branch[4:-1]
        top = list(_top_level(inner))
        at = next((i for i, ch in top if ch == "(" and inner.startswith("(?-i:", i)), 0)
        if at == 0 or any(ch == "|" for _, ch in top):  # an alternation of its own: kept whole
            whole.append(branch)
        else:
            tails.setdefault(inner[at:], []).append(inner[:at])
    merged = [
        f"(?:^{heads[0] if len(heads) == 1 else '(?:' + '|'.join(heads) + ')'}{tail})"
        for tail, heads in tails.items()
    ]
    return lead + "|".join([*merged, *whole])


@cache
def _prefix_search(pattern: str) -> PrefixSearch:
    """One search per distinct pattern: spaCy's languages share a few (55 tables, 16 patterns)."""
    return PrefixSearch(pattern)


@cache
def _suffix_search(pattern: str) -> SuffixSearch:
    """One search per distinct pattern (55 tables, 22 patterns)."""
    return SuffixSearch(pattern)


def table_lang(lang: str) -> str:
    """Which shipped spaCy tables split ``lang`` (a code or ``iso3_Script`` pair), as datatrove's
    tokenizer assignment says; "xx" (the language-neutral tables) for a language it splits
    otherwise or does not know."""
    from tamis.quality.backends import is_rule_tokenizer, table_code
    from tamis.quality.languages import resolve, splitter_of

    pair = resolve(lang)
    assigned = splitter_of(pair) if pair else None
    if assigned is None or not is_rule_tokenizer(assigned):
        return "xx"
    return table_code(assigned)


@cache
def spacy_tables(name: str) -> dict:
    """spaCy's tokenizer tables of one language (``en``/``xx`` beside this module, the others
    compressed under ``data/spacy/``)."""
    path = DATA / f"spacy_{name}.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    with gzip.open(DATA / "spacy" / f"{name}.json.gz", "rt", encoding="utf-8") as fh:
        return json.load(fh)


@cache
def splitter(lang: str = "en") -> WordSplitter:
    return tables_splitter(table_lang(lang))


@cache
def tables_splitter(name: str) -> WordSplitter:
    """The splitter of one set of spaCy tables (shared by every language that uses them)."""
    return WordSplitter(spacy_tables(name))


def split_words(text: str, lang: str = "en") -> list[str]:
    return splitter(lang).split(text)


def _unicode_punct(token: str) -> bool:
    import unicodedata

    return all(unicodedata.category(c)[0] == "P" for c in token)


_PUNCT_CACHE: dict[str, bool] = {}


def is_punct(token: str) -> bool:
    """spaCy's ``Token.is_punct``: every character is in a Unicode punctuation category."""
    p = _PUNCT_CACHE.get(token)
    if p is None:
        if len(_PUNCT_CACHE) > _CACHE_LIMIT:
            _PUNCT_CACHE.clear()
        p = _PUNCT_CACHE[token] = _unicode_punct(token)
    return p


def count_sentences(tokens: list[str] | tuple[str, ...]) -> int:
    """Sentences spaCy's Sentencizer finds in a run of tokens (what datatrove's C4 rule counts).

    A sentence ends after a token that is exactly a sentence-final mark; the next sentence starts
    at the first following token that is not punctuation.
    """
    if not tokens:
        return 0
    n = 1
    seen_period = False
    for tok in tokens:
        in_punct_chars = tok in SENTENCE_PUNCT
        if seen_period and not in_punct_chars:
            if not is_punct(tok):
                n += 1
                seen_period = False
        elif in_punct_chars:
            seen_period = True
    return n
