"""Decode raw bytes whose encoding is unknown or only declared, and say how it was decided.

Order of evidence, strongest first: a byte-order mark; bytes that are valid UTF-8 (legacy
encodings almost never are, except plain ASCII, which is UTF-8 anyway); a declared encoding
that decodes the bytes without error; then a statistical detector. chardet 7 is the default
detector: on the 425 files of the chardet test corpus (50 encodings), this function gives the
true text for 423 with chardet and 408 with charset-normalizer, and cchardet alone 399
(bench/bench_repair.py measures it; results in bench/results/repair.md). When nothing decodes cleanly the bytes are read as
Windows-1252 with its five undefined bytes kept as C1 controls: nothing is lost, and the
``repair`` stage or the raw bytes in the record can still tell the story.
"""

from __future__ import annotations

import codecs
import re
from typing import Any, Literal

Detector = Literal["chardet", "charset_normalizer"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Latin-1 labels, which browsers (the WHATWG Encoding standard) read as Windows-1252: pages
# that declare them use its punctuation in 80-9F. A declared "ascii" on non-ASCII bytes is
# simply wrong, and goes to the detector.
_WINDOWS_1252_LABELS = {"latin_1", "iso8859-1", "iso-8859-1"}
FALLBACK = "windows-1252"
# A few dozen bytes of Latin text give a detector almost nothing to go on (chardet reads
# "It\x92s a caf\xe9 \x96 fine" as MacLatin2, with confidence 0.06); below this size and
# confidence the web's most common legacy encoding is the better bet. Cyrillic, Greek and
# Japanese samples of the same size are recognised with confidence 0.19 and more.
# The prior applies only when the Windows-1252 reading looks like Latin text: accented
# letters and punctuation between ASCII, not runs of four or more (CJK or Cyrillic bytes).
SHORT = 1024
LOW_CONFIDENCE = 0.15
_LONG_NON_ASCII_RUN = re.compile("[^\x00-\x7f]{4,}")


def _codec_name(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _strict(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(raw: bytes, detector: Detector) -> tuple[str | None, float]:
    if detector == "chardet":
        import chardet

        guess = chardet.detect(raw)
        return guess.get("encoding"), float(guess.get("confidence") or 0.0)
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        return None, 0.0
    return best.encoding, 1.0 - float(best.chaos)


def decode_bytes(
    raw: bytes, declared: str | None = None, detector: Detector = "chardet"
) -> tuple[str, dict[str, Any]]:
    """Decode ``raw``; return the text and ``{"encoding", "confidence", "method"}``."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            text = _strict(raw, encoding)
            if text is not None:
                return text, {"encoding": encoding, "confidence": 1.0, "method": "bom"}
    if b"\x00" not in raw and b"\x1b" not in raw:
        text = _strict(raw, "utf-8")
        if text is not None:
            return text, {"encoding": "utf-8", "confidence": 1.0, "method": "utf-8"}
    declared_codec = _codec_name(declared)
    if declared_codec is not None:
        if declared_codec in _WINDOWS_1252_LABELS:
            declared_codec = "cp1252"
        text = None if declared_codec == "ascii" else _strict(raw, declared_codec)
        if text is not None:
            return text, {"encoding": declared_codec, "confidence": 1.0, "method": "declared"}
    guess, confidence = _detect(raw, detector)
    if len(raw) < SHORT and confidence < LOW_CONFIDENCE:
        text = _strict(raw, "cp1252")
        if text is not None and not _LONG_NON_ASCII_RUN.search(text):
            info = {"encoding": "cp1252", "confidence": confidence, "method": "short-input prior"}
            return text, info
    codec = _codec_name(guess)
    if codec is not None:
        text = _strict(raw, codec)
        if text is not None:
            return text, {"encoding": codec, "confidence": confidence, "method": detector}
    import ftfy.bad_codecs  # noqa: F401  (registers the lossless "sloppy" Windows-1252)

    text = raw.decode("sloppy-windows-1252")
    return text, {"encoding": FALLBACK, "confidence": 0.0, "method": "fallback"}
