"""Regenerate ``spacy_<lang>.json``: spaCy's tokenizer tables, so tamis splits words like datatrove.

datatrove 0.10.x splits words with ``spacy.blank(lang)``; tamis reproduces that split without
spaCy at run time by running spaCy's affix algorithm (see ``tamis.quality.words``) over the same
tables: the prefix, suffix and infix regular expressions, the URL pattern and the special cases.
This script, run once by a developer with spaCy installed, writes those tables as data:

    .venv/bin/python src/tamis/quality/data/generate_spacy_tables.py

English and the language-neutral "xx" tables are plain JSON beside this file; every other
language that datatrove's ``tokenizer_assignment.csv`` splits with a standard spaCy tokenizer
gets ``spacy/<lang>.json.gz`` (the three spaCy languages with their own segmenters, ja, vi and
zh, are split by their backends instead: see ``tamis.quality.backends``).

The tables are spaCy's (MIT License, Copyright (C) 2016-2024 ExplosionAI GmbH,
Copyright (C) 2016 spaCy GmbH, Copyright (C) 2015 Matthew Honnibal); each file records the
spaCy version it came from.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from compact_classes import compact  # noqa: E402


def tables(lang: str) -> dict:
    import spacy
    from spacy.attrs import ORTH

    nlp = spacy.blank(lang)
    tok = nlp.tokenizer
    specials = {key: [t[ORTH] for t in value] for key, value in sorted(tok.rules.items())}
    out = {
        "source": f"spaCy {spacy.__version__} spacy.blank({lang!r}) tokenizer (MIT License, ExplosionAI GmbH)",
        "prefix": tok.prefix_search.__self__.pattern,
        "suffix": tok.suffix_search.__self__.pattern,
        "infix": tok.infix_finditer.__self__.pattern,
        "url": tok.url_match.__self__.pattern if tok.url_match else None,
        "token_match": tok.token_match.__self__.pattern if tok.token_match else None,
        "specials": specials,
    }
    if lang not in ("en", "xx"):  # the English and neutral tables stay as spaCy wrote them
        for key in ("prefix", "suffix", "infix", "url", "token_match"):
            out[key] = compact(out[key])
    return out


#: spaCy languages whose blank pipeline has its own segmenter instead of the rule tokenizer.
SEGMENTER_LANGS = frozenset({"ja", "vi", "zh"})


def assigned_spacy_langs() -> list[str]:
    """spaCy languages named in ``tokenizer_assignment.csv`` that use the rule tokenizer."""
    with (HERE / "tokenizer_assignment.csv").open(encoding="utf-8") as fh:
        codes = {row["tok_code"] for row in csv.DictReader(fh) if row["type"] == "SpaCyTokenizer"}
    return sorted(codes - SEGMENTER_LANGS - {"", "en", "xx"})


if __name__ == "__main__":
    for lang in ("en", "xx"):
        path = HERE / f"spacy_{lang}.json"
        path.write_text(
            json.dumps(tables(lang), ensure_ascii=False, indent=0, sort_keys=True) + "\n"
        )
        print(path, path.stat().st_size)
    (HERE / "spacy").mkdir(exist_ok=True)
    for lang in assigned_spacy_langs():
        path = HERE / "spacy" / f"{lang}.json.gz"
        data = json.dumps(tables(lang), ensure_ascii=False, indent=0, sort_keys=True) + "\n"
        path.write_bytes(gzip.compress(data.encode("utf-8"), 9, mtime=0))
        print(path, path.stat().st_size)
