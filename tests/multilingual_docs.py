"""Documents in many languages for the quality filters, built from real sentences.

Sources: the lingua sentences of ``../shared/data/langid/lingua-sentences/`` (one file per ISO
639-1 code, one web sentence a line; Apache-2.0) and spaCy's per-language example sentences
(``spacy.lang.<code>.examples``, where spaCy has them). Sentences alone are too short for
Gopher's 50-word minimum, so they are put together into documents of several shapes:

* natural documents: runs of 2 to 40 consecutive sentences, one a line, or as paragraphs;
* documents built around a threshold: repeated lines (FineWeb-2's ``dup_line_frac`` lies between
  0.2 and 0.35), lines without their final mark (``line_punct_thr``), sentences cut into short
  lines (``new_line_ratio``), a repeated run of words (the n-gram rules) and lists of bullets
  or trailing ellipses (Gopher's line rules), each at several strengths so that documents land
  on both sides of the thresholds.

The same function feeds the parity tests and ``bench/bench_multilingual.py``.
"""

from __future__ import annotations

from pathlib import Path

#: FineWeb-2 pair -> the lingua sentences file (ISO 639-1) of its language.
LINGUA_FILES = {
    "arb_Arab": "ar",
    "cmn_Hani": "zh",
    "fra_Latn": "fr",
    "hin_Deva": "hi",
    "rus_Cyrl": "ru",
    "swh_Latn": "sw",
    "tel_Telu": "te",
    "tha_Thai": "th",
    "tur_Latn": "tr",
    "deu_Latn": "de",
    "spa_Latn": "es",
    "por_Latn": "pt",
    "ita_Latn": "it",
    "pol_Latn": "pl",
    "nld_Latn": "nl",
    "ind_Latn": "id",
    "vie_Latn": "vi",
    "ukr_Cyrl": "uk",
    "jpn_Jpan": "ja",
    "kor_Hang": "ko",
    "ces_Latn": "cs",
    "swe_Latn": "sv",
    "ell_Grek": "el",
    "ron_Latn": "ro",
    "dan_Latn": "da",
    "fin_Latn": "fi",
    "hun_Latn": "hu",
    "bul_Cyrl": "bg",
    "cat_Latn": "ca",
    "slk_Latn": "sk",
    "slv_Latn": "sl",
    "heb_Hebr": "he",
    "ben_Beng": "bn",
    "tam_Taml": "ta",
    "mar_Deva": "mr",
    "urd_Arab": "ur",
}


def lingua_pairs(lingua_dir: Path) -> dict[str, str]:
    """Every lingua sentences file's language as the FineWeb-2 pair its text resolves to."""
    from tamis.quality.languages import resolve

    out = {}
    for path in sorted(lingua_dir.glob("*.txt")):
        if path.stem == "LICENSE":
            continue
        sample = path.read_text(encoding="utf-8")[:4000]
        pair = resolve(path.stem, sample)
        if pair is not None:
            out[pair] = path.stem
    return out


def word_documents(lingua_dir: Path, iso: str) -> list[str]:
    """Documents of 10 consecutive lingua sentences, one a line (the word-list comparisons)."""
    lines = sentences(lingua_dir, iso)
    return ["\n".join(lines[i : i + 10]) for i in range(0, len(lines), 10)]


_MARKS = ".!?。！？।॥؟"


def sentences(lingua_dir: Path, iso: str) -> list[str]:
    """The lingua sentences of ``iso`` followed by spaCy's examples of it (when spaCy has any)."""
    lines = (lingua_dir / f"{iso}.txt").read_text(encoding="utf-8").splitlines()
    out = [line.strip() for line in lines if line.strip()]
    try:
        import importlib

        out += list(importlib.import_module(f"spacy.lang.{iso}.examples").sentences)
    except ImportError:
        pass
    return out


def _cut_lines(sentence: str, parts: int) -> list[str]:
    """A sentence cut into ``parts`` lines at spaces (or characters, for text without them)."""
    pieces = sentence.split(" ")
    sep = " "
    if len(pieces) < parts:
        pieces, sep = list(sentence), ""
    size = max(1, -(-len(pieces) // parts))
    return [sep.join(pieces[i : i + size]) for i in range(0, len(pieces), size)]


def documents(sents: list[str], limit: int | None = None) -> list[str]:
    """Documents of the shapes described above, deterministic for a given sentence list."""
    docs: list[str] = []
    pos = 0
    sizes = (2, 5, 9, 16, 24, 40)

    def take(k: int) -> list[str]:
        nonlocal pos
        if pos + k > len(sents):
            pos = 0
        run = sents[pos : pos + k]
        pos += k
        return run

    # natural documents
    for i, k in enumerate(sizes * 3):
        run = take(k)
        docs.append(
            "\n".join(run)
            if i % 2 == 0
            else "\n\n".join(" ".join(run[j : j + 4]) for j in range(0, len(run), 4))
        )
    # repeated lines: r of 20 lines again at the end (fraction r / (20 + r))
    for r in (3, 5, 6, 7, 8, 9, 11):
        run = take(20)
        docs.append("\n".join(run + run[:r]))
    # lines without their final mark
    for share in (0.75, 0.8, 0.85, 0.9, 0.95, 1.0):
        run = take(20)
        cut = int(len(run) * share)
        docs.append("\n".join([s.rstrip(_MARKS) for s in run[:cut]] + run[cut:]))
    # sentences cut into short lines
    for parts in (2, 3, 4, 6):
        run = take(12)
        docs.append("\n".join(line for s in run for line in _cut_lines(s, parts)))
    # a repeated run of words (n-gram rules)
    for copies in (2, 3, 4, 6):
        run = take(10)
        phrase = " ".join(run[0].split(" ")[:8]) if " " in run[0] else run[0][:24]
        docs.append(" ".join(run[:5] + [phrase] * copies + run[5:]))
    # bullets and trailing ellipses (Gopher's line rules)
    for share in (0.5, 0.95, 1.0):
        run = take(16)
        cut = int(len(run) * share)
        docs.append("\n".join([f"- {s}" for s in run[:cut]] + run[cut:]))
        docs.append("\n".join([f"{s.rstrip(_MARKS)}..." for s in run[:cut]] + run[cut:]))
    return docs[:limit] if limit else docs


#: tamis stage -> datatrove filter, in FineWeb-2's order
FINEWEB2_STAGES = ("gopher_repetition", "fineweb", "gopher_quality")


def datatrove_fineweb2_filters(pair: str, config: dict) -> dict:
    """datatrove 0.10.1's three filters set up as fineweb-2-pipeline.py sets them for ``pair``."""
    from datatrove.pipeline.filters import (
        FineWebQualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
    )

    return {
        "gopher_repetition": GopherRepetitionFilter(
            language=pair,
            dup_para_frac=0,
            dup_line_char_frac=0,
            dup_para_char_frac=0,
            dup_line_frac=config["dup_line_frac"],
            top_n_grams=config["top_n_grams"],
            dup_n_grams=config["dup_n_grams"],
        ),
        "fineweb": FineWebQualityFilter(
            language=pair,
            short_line_thr=999,
            char_duplicates_ratio=0.1,
            line_punct_thr=config["line_punct_thr"],
            new_line_ratio=config["new_line_ratio"],
        ),
        "gopher_quality": GopherQualityFilter(
            language=pair,
            max_avg_word_length=config["max_avg_word_length"],
            min_avg_word_length=config["min_avg_word_length"],
            stop_words=config["stopwords"],
            max_non_alpha_words_ratio=config["max_non_alpha_words_ratio"],
            min_stop_words=2,
        ),
    }


def datatrove_verdict(flt, text: str) -> str | None:
    """The reason datatrove's filter drops ``text``, or None when it keeps it."""
    from datatrove.data import Document

    res = flt.filter(Document(text=text, id="x"))
    if isinstance(res, tuple):
        return res[1]
    return None if res else "rejected"
