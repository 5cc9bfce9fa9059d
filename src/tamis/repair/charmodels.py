"""Letter n-gram models of 75 languages, read from the ``lingua`` wheel, to score a word.

A lost byte leaves a few readings of a letter (Cyrillic ``Ñ`` is ``с э я ѐ ѝ``); a word list
decides only for the words it holds. For the others (``японським``, ``заявиха``, inflected
forms and names) the likelier spelling is the one whose letter runs the language writes more
often. ``lingua`` (the language identifier tamis already depends on) ships, for each of its
languages, the relative frequencies of the 1- to 5-letter runs of a large corpus of sentences:
each run's count over the count of its first n-1 letters (a conditional probability), stored as
brotli-compressed JSON (``{"language": "RUSSIAN", "ngrams": {"27466/5341287": "рр ..."}}``)
that its Rust library embeds in its extension module with ``include_dir``. They are read here
straight from that file: the embedded directory entries are (path, contents) slices whose
addresses the loader relocates, so the ELF's RELATIVE relocations give every file's place.
Only the files of a language a damaged word needs are decompressed, once per process, and
the runs a word needs are looked up in them one by one (:class:`Runs`). Where
the module is not an ELF file of a known machine (or lingua is absent), :func:`available` is
False and the callers keep their word lists alone.
"""

from __future__ import annotations

import importlib.util
import json
import math
import mmap
import re
import struct
from functools import cache
from pathlib import Path

ORDERS = (1, 2, 3, 4, 5)
_FILES = {f"{name}.json.br": n for n, name in zip(ORDERS, ("unigrams", "bigrams", "trigrams", "quadrigrams", "fivegrams"), strict=True)}  # fmt: skip
# RELATIVE relocation types: x86-64, AArch64.
_RELATIVE = {62: 8, 183: 1027}
# Log-probability of a letter no run of the language holds, and the cost of each step down
# from a longer run to a shorter one (stupid backoff, factor 0.4).
_UNSEEN = math.log(1e-7)
_BACKOFF = math.log(0.4)


def _library() -> Path | None:
    spec = importlib.util.find_spec("lingua")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    found = sorted(folder.glob("lingua*.so"))
    return found[0] if found else None


class _Elf:
    """The few parts of a 64-bit little-endian ELF shared object needed to follow pointers."""

    def __init__(self, data: mmap.mmap) -> None:
        self.data = data
        phoff, shoff = struct.unpack_from("<QQ", data, 0x20)
        phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from("<HHHHH", data, 0x36)
        self.machine = struct.unpack_from("<H", data, 0x12)[0]
        self.segments = []
        for i in range(phnum):
            kind, _, off, vaddr, _, filesz = struct.unpack_from(
                "<IIQQQQ", data, phoff + i * phentsize
            )
            if kind == 1:  # PT_LOAD
                self.segments.append((vaddr, off, filesz))
        self.sections = []
        for i in range(shnum):
            fields = struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
            self.sections.append(fields)
        names = self.sections[shstrndx][4]
        self.named = {}
        for fields in self.sections:
            start = names + fields[0]
            self.named[data[start : data.find(b"\0", start)].decode()] = fields

    def offset(self, vaddr: int) -> int | None:
        for start, off, size in self.segments:
            if start <= vaddr < start + size:
                return vaddr - start + off
        return None

    def relocated(self) -> dict[int, int]:
        """Place -> target address of every RELATIVE relocation."""
        kind = _RELATIVE.get(self.machine)
        rela = self.named.get(".rela.dyn")
        if kind is None or rela is None:
            return {}
        _, _, _, _, off, size, *_ = rela
        out = {}
        for place, info, addend in struct.iter_unpack("<QQq", self.data[off : off + size]):
            if info & 0xFFFFFFFF == kind:
                out[place] = addend
        return out


_LANGUAGE = re.compile(rb'"language":"([^"\\]*)"')


def _language_of(blob: bytes) -> str | None:
    """The ``language`` field at the head of a compressed model file, decompressing only as
    many 64-byte slices as it takes to read it (the field opens the file)."""
    import brotli

    decompressor, head = brotli.Decompressor(), b""
    for start in range(0, min(len(blob), 4096), 64):
        head += decompressor.process(blob[start : start + 64])
        found = _LANGUAGE.search(head)
        if found:
            return found.group(1).decode()
    return None


@cache
def _mapped() -> mmap.mmap | None:
    """lingua's extension module, mapped read-only (the pages of a language's tables are read
    only when they are decompressed); None when it is absent or no 64-bit little-endian ELF."""
    path = _library()
    if path is None or importlib.util.find_spec("brotli") is None:
        return None
    with path.open("rb") as fh:
        data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    return data if data[:6] == b"\x7fELF\x02\x01" else None


@cache
def _index() -> dict[tuple[str, int], tuple[int, int]]:
    """(lingua language name, order) -> (file offset, length) of every embedded run table."""
    data = _mapped()
    if data is None:
        return {}
    elf = _Elf(data)
    out: dict[tuple[str, int], tuple[int, int]] = {}
    longest = max(len(name) for name in _FILES)
    relocated = elf.relocated()
    # The directory entries are constant data: each place and the length after it are read
    # in the one segment that holds that section.
    section = elf.named.get(".data.rel.ro")
    if section is None:
        return {}
    start, size_ = section[3], section[5]
    delta = (elf.offset(start) or 0) - start
    for place, target in relocated.items():
        if not start <= place < start + size_:
            continue
        length = struct.unpack_from("<Q", data, place + 8 + delta)[0]
        if not 0 < length <= longest:
            continue
        name_at = elf.offset(target)
        if name_at is None:
            continue
        order = _FILES.get(data[name_at : name_at + length].decode("latin-1"))
        contents = relocated.get(place + 16)
        if order is None or contents is None:
            continue
        size = struct.unpack_from("<Q", data, place + 24 + delta)[0]
        at = elf.offset(contents)
        if at is None or not size:
            continue
        language = _language_of(data[at : at + size])
        if language:
            out[(language, order)] = (at, size)
    return out


def available() -> bool:
    return bool(_index())


@cache
def _lingua_name(iso: str) -> str | None:
    try:
        from lingua import IsoCode639_1, Language
    except ImportError:
        return None
    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(iso)).name
    except (ValueError, AttributeError):
        return None


def _decompressed(name: str, order: int) -> bytes:
    """The JSON of lingua's ``order``-letter runs of language ``name`` (empty when absent)."""
    import brotli

    at, size = _index().get((name, order), (0, 0))
    data = _mapped()
    if not size or data is None:
        return b""
    return brotli.decompress(data[at : at + size])


def _log(fraction: str) -> float:
    """``"27466/5341287"`` as a log probability."""
    top, _, bottom = fraction.partition("/")
    return math.log(int(top) / int(bottom))


@cache
def _table(name: str, order: int) -> dict[str, float]:
    """Log conditional probability of each ``order``-letter run of lingua's language ``name``,
    every run at once (the five-letter table of a language takes a few tenths of a second)."""
    raw = _decompressed(name, order)
    table: dict[str, float] = {}
    if raw:
        for fraction, runs in json.loads(raw)["ngrams"].items():
            table.update(dict.fromkeys(runs.split(" "), _log(fraction)))
    return table


# Characters of the JSON's frame (keys are fractions of digits, runs are separated by spaces
# inside strings): a run holding one is looked up in the built table.
_FRAME = frozenset(' "\\/:,{}0123456789')


class Runs:
    """The ``order``-letter runs of one language, looked up one at a time in lingua's
    decompressed JSON (``{"ngrams": {"27466/5341287": "рр ду ..."}}``) instead of building
    the whole table: a damaged word needs a few dozen runs, and a byte search for each costs
    about a millisecond where building a five-letter table costs a few tenths of a second.
    A match of a run free of the frame's characters, bounded by a quote or a space on each
    side, is one whole run of a runs string; its fraction is the key before the string. The
    last match wins, as in the table (later fractions overwrite). After
    ``BUILD_AFTER`` distinct runs looked up (a text with many damaged words), the table is
    built once and answers the rest."""

    BUILD_AFTER = 256

    def __init__(self, name: str, order: int) -> None:
        self.name, self.order = name, order
        self._raw: bytes | None = None
        self._start = 0
        self._memo: dict[str, float | None] = {}
        self._built: dict[str, float] | None = None

    def _json(self) -> bytes:
        if self._raw is None:
            raw = _decompressed(self.name, self.order)
            if b"\\" in raw:  # an escaped character: only the JSON parser reads it right
                self._built = _table(self.name, self.order)
            self._raw, self._start = raw, raw.find(b'"ngrams":{') + 1
        return self._raw

    def get(self, run: str, default: float | None = None) -> float | None:
        if self._built is not None:
            return self._built.get(run, default)
        if run in self._memo:
            found = self._memo[run]
            return default if found is None else found
        if len(self._memo) >= self.BUILD_AFTER:
            self._built = _table(self.name, self.order)
            return self._built.get(run, default)
        raw = self._json()
        if self._built is not None or not run or not _FRAME.isdisjoint(run):
            found = _table(self.name, self.order).get(run)
        else:
            found = self._search(raw, run.encode("utf-8"))
        self._memo[run] = found
        return default if found is None else found

    def _search(self, raw: bytes, run: bytes) -> float | None:
        end = len(raw)
        while (at := raw.rfind(run, self._start, end)) > 0:
            end = at + len(run) - 1
            after = raw[at + len(run) : at + len(run) + 1]
            if raw[at - 1 : at] not in (b'"', b" ") or after not in (b'"', b" "):
                continue
            opening = raw.rfind(b'"', 0, at)
            if raw[opening - 1 : opening] != b":":
                continue  # a key, not a runs string
            key_start = raw.rfind(b'"', 0, opening - 2) + 1
            return _log(raw[key_start : opening - 2].decode("ascii"))
        return None


@cache
def _runs(name: str, order: int) -> Runs:
    return Runs(name, order)


def table(iso: str, order: int) -> dict[str, float]:
    """Every ``order``-letter run of the language ``iso`` with its log conditional probability,
    built whole (what :class:`Runs` looks up one run at a time); empty without a model."""
    name = _lingua_name(iso)
    return _table(name, order) if name else {}


def model(iso: str, longest: int = len(ORDERS)) -> tuple[Runs, ...] | None:
    """The runs of the language ``iso`` (ISO 639-1), of one letter up to ``longest``; None
    when lingua has no model for it."""
    name = _lingua_name(iso)
    if name is None or (name, 1) not in _index():
        return None
    return tuple(_runs(name, order) for order in ORDERS[:longest])


def score(word: str, iso: str, longest: int = len(ORDERS)) -> float | None:
    """Log-likelihood of ``word`` (lower-cased) under ``iso``'s letter model: each letter
    scored by the longest run of up to ``longest`` letters ending at it that the model holds,
    less a backoff cost per letter of context dropped. None when there is no model."""
    tables = model(iso, longest)
    if tables is None:
        return None
    w = word.lower()
    total = 0.0
    for i in range(len(w)):
        reach = min(i + 1, len(tables))
        for n in range(reach, 0, -1):
            logp = tables[n - 1].get(w[i + 1 - n : i + 1])
            if logp is not None:
                total += logp + _BACKOFF * (reach - n)
                break
        else:
            total += _UNSEEN
    return total


# Runs read to name a language among several: four letters tell languages apart, and the
# longer tables of every candidate language would cost seconds to read.
NAMING_ORDER = 4


def likeliest(words: list[str], languages: tuple[str, ...]) -> str | None:
    """The language of ``languages`` (ISO 639-1) under whose letter model ``words`` score
    highest under runs of up to ``NAMING_ORDER`` letters; None when no word is given or no model is."""
    best, top = None, -math.inf
    for iso in languages:
        scores = [score(w, iso, NAMING_ORDER) for w in words]
        if not words or scores[0] is None:
            continue
        total = sum(s for s in scores if s is not None)
        if total > top:
            best, top = iso, total
    return best
