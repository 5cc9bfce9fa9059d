"""Thai words as datatrove splits them, newmm run once per distinct phrase (nlpo3 on Thai runs).

datatrove 0.10.1 calls ``pythainlp.tokenize.word_tokenize(text, keep_whitespace=False,
engine="newmm-safe")`` and strips the tokens. ``newmm-safe`` first cuts a text of 140 or more
characters into chunks (``newmm._split_chunks``: after the last space of characters 100-140 of
the rest, else at the longest token of newmm's own split of those 40 characters), then runs
``newmm._onecut`` on each chunk. That search (TCC boundaries, dictionary prefixes, a BFS over
the candidate graph) is pure Python and was nearly all of the Thai time.

Inside a chunk, the end of a run of spaces, tabs and newlines is a point where ``_onecut``
starts afresh: no dictionary word holds a tab, a newline or two spaces in a row, no Thai
character cluster reaches over such a character, and the out-of-dictionary skip
(``_find_skip_end``) stops at the first space or newline. So every candidate position coming
from before the run ends at or before the run's end, the search commits there (the run itself
is the last token), and it resumes with an empty graph, exactly as on the rest alone. The one
exception is a single space that a dictionary entry holds (611 entries such as ``เพื่อน ๆ``):
where such an entry could be read across the space, the chunk is not cut there.

So a chunk is cut at those points into phrases, each distinct phrase is split once and its
tokens are memoised. A new phrase is cut further where Thai letters meet other characters (the
same kind of restart point, :meth:`ThaiWords._phrase_split`); a run of Thai letters goes to
nlpo3 (pythainlp's newmm in Rust, same dictionary), which splits such runs exactly as
``_onecut`` does and about three to five times faster, unless the run holds a cluster pattern
where the two may differ and they do cut it into other character clusters
(:func:`nlpo3_cuts_alike`, :mod:`tamis.quality.segment_th_clusters`); pieces without a Thai
letter are split by newmm's own non-Thai pattern (:mod:`tamis.quality.segment_th_plain`); the
other pieces go to ``_onecut``
(pythainlp's own function: nlpo3 also reads periods, digits, Latin letters and spaced entries
otherwise). The chunking itself is pythainlp's, walked with offsets; the post-processing
(``rejoin_formatted_num``, then whitespace tokens dropped and the rest stripped) is
pythainlp's and datatrove's, over the whole token list.
``tests/test_quality_segment_th.py`` holds the result equal to datatrove's tokenizer on the
Thai lingua sentences and on random texts built from dictionary words, Thai characters,
digits, punctuation, Latin letters and whitespace.
"""

from __future__ import annotations

import re
import tempfile
from bisect import bisect_left
from collections.abc import Collection, Iterable
from functools import cache, partial
from itertools import accumulate
from operator import methodcaller
from pathlib import Path

from tamis.quality.segment_th_clusters import clusters_agree
from tamis.quality.segment_th_plain import _THAI_LETTERS, plain_splitter

#: phrases (and windows) whose tokens are kept: a phrase and its tokens cost ~0.6 kB (measured
#: on the lingua Thai sentences), so ~60 MB at most; each memo is emptied past its limit
_CACHE_LIMIT = 100_000
#: chunks of ~120 characters whose tokens are kept (their tokens are the phrases' strings)
_CHUNK_LIMIT = 20_000

#: runs after which newmm's search starts afresh (tested against dictionary entries below)
_BREAKS = re.compile(r"[ \t\n]+")
#: a piece nlpo3 splits as ``_onecut`` does: Thai letters, vowels and marks (no digit, no ฿,
#: no ๏ ๚ ๛; ``_THAI_LETTERS``)
_THAI_RUN = re.compile(f"[{_THAI_LETTERS}]+").fullmatch
#: runs nlpo3 may cut otherwise: its character clusters may differ from pythainlp's around a
#: karan (``์``) and the look-ahead rules of ``เ-ีย`` (``เดียว์``, ``เหลี่ยมี``), so such a run
#: goes to nlpo3 only where both cut the same clusters; outside them none of 139,925 random
#: runs differed
_CLUSTERS_DIFFER = re.compile("เ[ก-ฮ]{1,2}[ิีุู][่-๋]?ย|์").search


#: the clusters pythainlp takes only before a consonant, a leading vowel or the text's end
#: (``เccีtย(?=[เ-ไก-ฮ]|$)``, ``เc[ิีุู]tย(?=[เ-ไก-ฮ]|$)``): a piece may not be cut after one
_ENDS_LOOKING_AHEAD = re.compile("เ[ก-ฮ]{1,2}[ิีุู][่-๋]?ย$").search
_START = methodcaller("start")
#: a run of Thai letters and the blanks after it (its one meeting point is where they meet)
_RUN_THEN_BLANKS = re.compile(f"([{_THAI_LETTERS}]+)[ \t\n]*").fullmatch


def nlpo3_cuts_alike(piece: str) -> bool:
    """Whether nlpo3's newmm splits ``piece`` exactly as ``_onecut``: a run of Thai letters
    outside the cluster patterns where the two may differ, or inside them where both cut the
    same character clusters (:func:`clusters_agree`)."""
    return _THAI_RUN(piece) is not None and (
        _CLUSTERS_DIFFER(piece) is None or clusters_agree(piece)
    )


#: where a Thai letter and a character outside the Thai block meet (either way round); not a
#: carriage return, which newmm's pattern for non-Thai text only takes before a line feed, so
#: its out-of-dictionary skip reads on across a lone one (``ก\rก`` is one token)
_MEETS = re.compile(
    f"(?<=[{_THAI_LETTERS}])(?=[^\u0e00-\u0e7f\r])|(?<=[^\u0e00-\u0e7f\r])(?=[{_THAI_LETTERS}])"
).finditer


class ThaiWords:
    """``words(text)``: datatrove's Thai word list, newmm run per distinct phrase."""

    def __init__(self) -> None:
        from pythainlp.tokenize import newmm, word_dict_trie
        from pythainlp.tokenize._utils import _DIGITS_WITH_SEPARATOR

        self._trie = word_dict_trie()
        self._onecut = newmm._onecut
        self._find_cut_pos = newmm._find_cut_pos
        self._chunk_min = newmm._TEXT_SCAN_END
        self._scan_begin = newmm._TEXT_SCAN_BEGIN
        self._numbers = _DIGITS_WITH_SEPARATOR
        entries = list(self._trie)  # one walk of the trie's 62,000 words (half a second each)
        self._spaced = _spaced_entries(entries)
        self._across = _entries_across(entries)
        #: per meeting pair, the length of the shortest right part read across it
        self._shortest_right = {
            pair: min(map(len, rights)) for pair, rights in self._across.items()
        }
        self._rust = nlpo3_newmm(entries)
        #: pieces without a Thai letter: newmm's split without its search
        self._not_plain, self._plain = plain_splitter(self._trie)
        #: chunk -> its tokens; phrase -> its tokens; window without a space -> where it is cut
        self._chunk_tokens: dict[str, tuple[str, ...]] = {}
        self._tokens: dict[str, list[str]] = {}
        self._cuts: dict[str, int] = {}
        #: piece (not a run of Thai letters) of a phrase -> its tokens
        self._pieces: dict[str, list[str]] = {}

    def words(self, text: str) -> list[str]:
        if not text:
            return []
        segments: list[str] = []
        memo = self._chunk_tokens
        for start, end in self.chunks(text):
            chunk = text[start:end]
            found = memo.get(chunk)
            if found is None:
                tokens: list[str] = []
                self._phrase_tokens(text, start, end, tokens)
                if len(memo) > _CHUNK_LIMIT:
                    memo.clear()
                found = memo[chunk] = tuple(tokens)
            segments.extend(found)
        first = self._numbers.search(text)
        if first is not None:  # the same matches as finditer over the whole text
            segments = rejoin_formatted_num(segments, self._numbers.finditer(text, first.start()))
        # pythainlp's strip_whitespace (spaces) then datatrove's strip_strings: strip() covers both
        return [s for s in map(str.strip, segments) if s]

    def forget(self) -> None:
        """Empty the memos (a benchmark's first reading of every phrase)."""
        self._chunk_tokens.clear()
        self._tokens.clear()
        self._cuts.clear()
        self._pieces.clear()

    def chunks(self, text: str) -> list[tuple[int, int]]:
        """``newmm._split_chunks`` as (start, end) offsets: the same cuts, without copying the
        rest of the text at every cut."""
        spans = []
        start, n = 0, len(text)
        while n - start >= self._chunk_min:
            window_start = start + self._scan_begin
            space = text.rfind(" ", window_start, start + self._chunk_min)
            if space >= 0:
                cut = space + 1 - start
            else:
                cut = self._cut_without_space(text[window_start : start + self._chunk_min])
            spans.append((start, start + cut))
            start += cut
        if start < n:
            spans.append((start, n))
        return spans

    def _cut_without_space(self, sample: str) -> int:
        """Where ``_find_cut_pos`` cuts a window without a space (it depends on the window
        alone: newmm's split of it), memoised per window."""
        cut = self._cuts.get(sample)
        if cut is None:
            cut = self._find_cut_pos(" " * self._scan_begin + sample, self._trie)
            if len(self._cuts) > _CACHE_LIMIT:
                self._cuts.clear()
            self._cuts[sample] = cut
        return cut

    def _phrase_tokens(self, text: str, start: int, end: int, out: list[str]) -> None:
        """Append ``_onecut(text[start:end])``, phrase by phrase (a phrase end is a restart
        point): remembered phrases from the memo, new ones split by :meth:`_cut_new`."""
        tokens = self._tokens
        pending: list[int] = []  # ends of the new phrases since ``begin``
        begin = group = start
        for cut in self._phrase_ends(text, start, end):
            found = tokens.get(text[begin:cut])
            if found is None:
                pending.append(cut)
            else:
                if pending:
                    self._cut_new(text, group, pending, out)
                    pending = []
                out.extend(found)
                group = cut
            begin = cut
        if pending:
            self._cut_new(text, group, pending, out)

    def _phrase_ends(self, text: str, start: int, end: int) -> list[int]:
        """Where the phrases of the chunk ``text[start:end]`` end: after each run of blanks
        that no dictionary entry can be read across, and at the chunk's end."""
        spaced = self._spaced
        ends = []
        for m in _BREAKS.finditer(text, start, end):
            a, b = m.span()
            if (
                b - a == 1
                and start < a < end - 1
                and text[a] == " "
                and (text[a - 1], text[b]) in spaced
                and self._covered(text, a, start, end)
            ):
                continue
            ends.append(b)
        if not ends or ends[-1] < end:
            ends.append(end)
        return ends

    def _cut_new(self, text: str, begin: int, ends: list[int], out: list[str]) -> None:
        """``_onecut`` of each new phrase ``text[begin:ends[-1]]`` (ends in ``ends``), piece
        by piece (:meth:`_phrase_split`), remembered."""
        tokens = self._tokens
        if len(tokens) > _CACHE_LIMIT:
            tokens.clear()
        for end in ends:
            phrase = text[begin:end]
            found = tokens[phrase] = self._phrase_split(phrase)
            out.extend(found)
            begin = end

    def _phrase_split(self, phrase: str) -> list[str]:
        """``_onecut(phrase)``: the phrase cut where a run of Thai letters meets a character
        outside the Thai block (and no dictionary entry can be read across), each piece split
        alone: a run of Thai letters by nlpo3, the others by ``_onecut``.

        Such a meeting point is one where ``_onecut`` starts afresh: no dictionary entry holds
        it (checked), no character cluster ends there by looking ahead (``เดุย`` is one
        cluster at a text's end, two before a space: checked), newmm's out-of-dictionary skip
        stops at the first character outside the Thai block (but a lone carriage return), and
        its pattern for those stops at the first Thai character.
        """
        n = len(phrase)
        simple = _RUN_THEN_BLANKS(phrase)
        if simple is not None:  # most phrases: the same cut as below, its one meeting point
            at = simple.end(1)
            if at == n:
                return self._piece_tokens(phrase)
            if self._cuttable(phrase, at, n):
                return self._piece_tokens(phrase[:at]) + self._piece_tokens(phrase[at:])
            return self._piece_tokens(phrase)
        cuts = [at for at in map(_START, _MEETS(phrase)) if self._cuttable(phrase, at, n)]
        if not cuts:
            return self._piece_tokens(phrase)
        found: list[str] = []
        begin = 0
        for cut in [*cuts, len(phrase)]:
            found.extend(self._piece_tokens(phrase[begin:cut]))
            begin = cut
        return found

    def _cuttable(self, phrase: str, at: int, n: int) -> bool:
        """Whether the meeting point ``at`` of ``phrase`` (of length ``n``) is a restart point:
        no cluster ends there by looking ahead, and no entry can be read across it (none
        whose right part fits in the rest, mostly a phrase's last space, or none found)."""
        return _ENDS_LOOKING_AHEAD(phrase, max(0, at - 6), at) is None and (
            self._shortest_right.get((phrase[at - 1], phrase[at]), n) > n - at
            or not self._read_across(phrase, at)
        )

    def _piece_tokens(self, piece: str) -> list[str]:
        if self._rust is not None and nlpo3_cuts_alike(piece):
            return self._rust(piece)
        found = self._pieces.get(piece)  # blanks, marks, digits, Latin words recur
        if found is None:
            if len(self._pieces) > _CACHE_LIMIT:
                self._pieces.clear()
            found = self._pieces[piece] = (
                self._plain(piece)
                if self._not_plain(piece) is None
                else list(self._onecut(piece, self._trie))
            )
        return list(found)

    def _read_across(self, phrase: str, at: int) -> bool:
        """Whether a dictionary entry could be read across ``phrase[at - 1 : at + 1]``."""
        for right, (lefts, lengths) in self._across[(phrase[at - 1], phrase[at])].items():
            if phrase.startswith(right, at):
                for n in lengths:
                    if n <= at and phrase[at - n : at] in lefts:
                        return True
        return False

    def _covered(self, text: str, space: int, start: int, end: int) -> bool:
        """Whether a dictionary entry holding a space could be read across ``text[space]``
        inside the chunk ``text[start:end]``."""
        if space == start or space + 1 >= end:
            return False
        for left, right in self._spaced.get((text[space - 1], text[space + 1]), ()):
            if (
                space - len(left) >= start
                and space + 1 + len(right) <= end
                and text.startswith(left, space - len(left))
                and text.startswith(right, space + 1)
            ):
                return True
        return False


def rejoin_formatted_num(segments: list[str], numbers) -> list[str]:
    """pythainlp's ``rejoin_formatted_num`` (``numbers``: its pattern's matches in the joined
    segments), skipping from match to match by offset instead of walking every token: tokens
    before a match's start stay, those starting before its end are glued into one."""
    starts = [0, *accumulate(map(len, segments))]
    starts.pop()
    n = len(segments)
    out: list[str] = []
    i = 0
    for m in numbers:
        j = bisect_left(starts, m.start(), i)
        out.extend(segments[i:j])
        if j == n:
            return out
        k = bisect_left(starts, m.end(), j)
        glued = "".join(segments[j:k])
        if glued:
            out.append(glued)
        i = k
        if i == n:
            return out
    out.extend(segments[i:])
    return out


def _spaced_entries(trie: Iterable[str]) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Each dictionary entry holding a space, cut at each of its spaces into (left, right),
    indexed by the characters on either side of that space."""
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for word in trie:
        if any(c in word for c in "\t\n") or "  " in word:
            raise ValueError(f"newmm's dictionary holds {word!r}: phrase cuts would be unsafe")
        for i, c in enumerate(word):
            if c == " ":
                left, right = word[:i], word[i + 1 :]
                if left and right:
                    out.setdefault((left[-1], right[0]), []).append((left, right))
    return out


def _entries_across(
    trie: Iterable[str],
) -> dict[tuple[str, str], dict[str, tuple[frozenset[str], list[int]]]]:
    """Each dictionary entry cut where a Thai letter and a character outside the Thai block
    meet in it, into (left, right), indexed by the two characters that meet, then by the right
    part (hundreds of entries end in `` ๆ``): the left parts and their lengths."""
    lefts: dict[tuple[str, str], dict[str, set[str]]] = {}
    for word in trie:
        for m in _MEETS(word):
            at = m.start()
            pair = (word[at - 1], word[at])
            lefts.setdefault(pair, {}).setdefault(word[at:], set()).add(word[:at])
    return {
        pair: {
            right: (frozenset(found), sorted({len(left) for left in found}))
            for right, found in by_right.items()
        }
        for pair, by_right in lefts.items()
    }


def nlpo3_newmm(trie: Collection[str]):
    """nlpo3's newmm over the words of ``trie`` (pythainlp's dictionary, or its words), as a
    function of a text; None without nlpo3 (``_onecut`` then splits every phrase)."""
    try:
        import nlpo3
    except ImportError:
        return None
    name = f"tamis-pythainlp-{len(trie)}"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "words.txt"
        path.write_text("\n".join(sorted(trie)), encoding="utf-8")
        nlpo3.load_dict(str(path), name)  # a name already loaded is kept, not reloaded
    return partial(nlpo3.segment, dict_name=name, safe=False, parallel=False)


@cache
def thai_words() -> ThaiWords:
    return ThaiWords()
