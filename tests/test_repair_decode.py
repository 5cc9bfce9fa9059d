"""Raw bytes in legacy encodings are decoded before repair, and the guess is recorded."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.repair.decode import decode_bytes

SAMPLES = {
    "cp1252": "L\u2019\u00e9t\u00e9 \u00e0 Paris \u2013 \u00ab\u00a0caf\u00e9s\u00a0\u00bb, "
    "cr\u00e8mes br\u00fbl\u00e9es et \u0153uvres d\u2019art\u2026 " * 6,
    "koi8-r": "\u0412 \u043b\u0435\u0441\u0443 \u0440\u043e\u0434\u0438\u043b\u0430\u0441\u044c "
    "\u0451\u043b\u043e\u0447\u043a\u0430, \u0432 \u043b\u0435\u0441\u0443 \u043e\u043d\u0430 "
    "\u0440\u043e\u0441\u043b\u0430. \u0417\u0438\u043c\u043e\u0439 \u0438 \u043b\u0435\u0442"
    "\u043e\u043c \u0441\u0442\u0440\u043e\u0439\u043d\u0430\u044f, \u0437\u0435\u043b\u0451"
    "\u043d\u0430\u044f \u0431\u044b\u043b\u0430. " * 6,
    "shift_jis": "\u3053\u308c\u306f\u65e5\u672c\u8a9e\u306e\u6587\u7ae0\u3067\u3059\u3002"
    "\u6771\u4eac\u306e\u5929\u6c17\u306f\u6674\u308c\u3067\u3001\u660e\u65e5\u3082\u6674\u308c"
    "\u308b\u3067\u3057\u3087\u3046\u3002" * 6,
    "utf-8": "Gr\u00fc\u00dfe aus K\u00f6ln \u2014 \u65e5\u672c \u0416 \U0001f600 " * 4,
}


@pytest.mark.parametrize("encoding", sorted(SAMPLES))
def test_legacy_encodings_are_decoded_and_recorded(encoding: str) -> None:
    text = SAMPLES[encoding]
    decoded, info = decode_bytes(text.encode(encoding))
    assert decoded == text
    assert set(info) == {"encoding", "confidence", "method"}
    assert 0.0 <= info["confidence"] <= 1.0


@pytest.mark.parametrize("bom", ["utf-8-sig", "utf-16", "utf-32"])
def test_byte_order_marks_decide(bom: str) -> None:
    text = SAMPLES["koi8-r"]
    decoded, info = decode_bytes(text.encode(bom))
    assert decoded == text and info["method"] == "bom"


def test_declared_latin1_is_read_as_windows_1252_like_browsers_do() -> None:
    raw = "It\u2019s \u2013 fine".encode("cp1252")
    decoded, info = decode_bytes(raw, declared="ISO-8859-1")
    assert decoded == "It\u2019s \u2013 fine" and info["method"] == "declared"


def test_a_wrong_declaration_that_cannot_decode_is_overruled() -> None:
    raw = SAMPLES["shift_jis"].encode("shift_jis")
    decoded, info = decode_bytes(raw, declared="ascii")
    assert decoded == SAMPLES["shift_jis"] and info["method"] != "declared"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("It\u2019s a caf\u00e9 \u2013 fine", "cp1252"),
        ("L\u2019\u00e9t\u00e9 \u00e0 Paris \u2013 caf\u00e9 cr\u00e8me.", "cp1252"),
        (
            "\u041f\u0440\u0438\u0432\u0435\u0442, \u043a\u0430\u043a \u0434\u0435\u043b\u0430?"
            " \u0412\u0441\u0451 \u0445\u043e\u0440\u043e\u0448\u043e.",
            "koi8-r",
        ),
        (
            "\u041f\u0440\u0438\u0432\u0435\u0442, \u043a\u0430\u043a \u0434\u0435\u043b\u0430?"
            " \u0412\u0441\u0451 \u0445\u043e\u0440\u043e\u0448\u043e.",
            "cp1251",
        ),
    ],
)
def test_short_inputs_are_decoded(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding))[0] == text


def test_valid_utf8_wins_over_a_legacy_declaration() -> None:
    raw = SAMPLES["utf-8"].encode("utf-8")
    decoded, info = decode_bytes(raw, declared="koi8-r")
    assert decoded == SAMPLES["utf-8"] and info["encoding"] == "utf-8"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_decode_and_the_fallback_loses_nothing(raw: bytes) -> None:
    import ftfy.bad_codecs  # noqa: F401

    text, info = decode_bytes(raw)
    assert isinstance(text, str)
    if info["method"] == "fallback":
        assert text.encode("sloppy-windows-1252") == raw
    else:
        assert codecs.lookup(info["encoding"])


def truth_codec(folder: str) -> str:
    """The chardet corpus names folders ``<encoding>[-<language>]``."""
    name = folder.lower()
    if name.startswith("windows-125"):
        return "-".join(name.split("-")[:2])
    if name.startswith("iso-8859-"):
        return "-".join(name.split("-")[:3])
    return {"maccyrillic": "mac-cyrillic", "ibm855": "cp855", "ibm866": "cp866"}.get(name, name)


# What a browser (the WHATWG Encoding standard) uses for these labels: the same bytes, a few
# characters mapped differently (GB2312 A1AA is U+2015 in Python's gb2312, U+2014 in GBK).
WHATWG_DECODER = {
    "gb2312": "gb18030",
    "shift_jis": "cp932",
    "euc-kr": "cp949",
    "iso-8859-1": "cp1252",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
}


def _truths(raw: bytes, codec: str) -> list[str]:
    out = []
    for name in (codec, WHATWG_DECODER.get(codec)):
        if name is None:
            continue
        try:
            out.append(raw.decode(name))
        except LookupError:
            continue  # Python has no codec for it (EUC-TW)
        except UnicodeDecodeError:
            out.append(raw.decode(name, errors="replace"))
    return out


def chardet_corpus_accuracy(root: Path, detector: str = "chardet") -> tuple[int, int, list]:
    """Files decoded to the true text, under the folder's codec or the decoder a browser uses
    for that label (WHATWG_DECODER); and the misses."""
    ok, total, misses = 0, 0, []
    for folder in sorted(os.listdir(root)):
        if not (root / folder).is_dir():
            continue
        codec = truth_codec(folder)
        for path in sorted((root / folder).iterdir()):
            raw = path.read_bytes()
            text, info = decode_bytes(raw, detector=detector)
            total += 1
            if text in _truths(raw, codec):
                ok += 1
            else:
                misses.append((folder, path.name, info))
    return ok, total, misses


@pytest.mark.slow
def test_chardet_corpus_is_decoded_correctly(shared_data: Path) -> None:
    ok, total, misses = chardet_corpus_accuracy(shared_data / "encoding" / "chardet")
    assert total >= 400
    assert ok / total >= 0.98, misses
