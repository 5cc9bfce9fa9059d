"""Build the word tables of the languages wordfreq has no word list for (``be``, ``kk``).

A lost byte leaves Cyrillic ``Ñ`` as any of ``с э я ѐ ѝ``; Belarusian and Kazakh words choose
among them (``тэхнікі``, not ``тяхнікі``), and wordfreq lists neither language. Their word
lists come from Tesseract's trained data (``tessdata_fast``, Apache-2.0, the Debian packages
``tesseract-ocr-bel`` and ``tesseract-ocr-kaz``): the dictionary each OCR model ships, about
230,000 and 245,000 distinct lower-case words. What tamis keeps of them: the count of each run
of one, two and three letters over those words (``^^`` and ``$`` mark a word's ends), the same
counts :mod:`tamis.repair.lexicon` takes from wordfreq's lists (some 16,000 and 20,000 runs),
and the 35,000 and 22,000 short words (``SHORT`` letters at most: the frequent words are
short) that hold one of the letters a lost byte confuses (``с э я``), looked up whole before
the letters score a word (a three-letter model of types, without frequencies, scores ``ск``
above ``як``). About 160 and 140 KB compressed.

Run once, with the Debian tools (``apt-get install tesseract-ocr``; ``apt-get download
tesseract-ocr-bel tesseract-ocr-kaz`` and ``dpkg-deb -x`` them into FOLDER):

    python src/tamis/repair/data/generate_letters.py FOLDER
"""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANGS = {"be": "bel", "kk": "kaz"}
_CYRILLIC_WORD = re.compile("[\u0400-\u04ff]+")
SHORT = 7
_CONFUSED = re.compile("[сэя]")


def tessdata_words(traineddata: Path) -> list[str]:
    """The words of a Tesseract model's dictionary (its LSTM word DAWG), as the tools list them."""
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "m."
        subprocess.run(
            ["combine_tessdata", "-u", str(traineddata), str(prefix)],
            check=True,
            capture_output=True,
        )
        out = Path(tmp) / "words.txt"
        subprocess.run(
            ["dawg2wordlist", f"{prefix}lstm-unicharset", f"{prefix}lstm-word-dawg", str(out)],
            check=True,
            capture_output=True,
        )
        return out.read_text(encoding="utf-8").split()


def distinct_words(words: list[str]) -> list[str]:
    return sorted({w.lower() for w in words if _CYRILLIC_WORD.fullmatch(w)})


def letter_runs(distinct: list[str]) -> tuple[Counter, int]:
    """Counts of the one-, two- and three-letter runs of ``^^word$`` over the distinct
    lower-case Cyrillic words, and the length of those words joined one per line."""
    runs: Counter = Counter()
    for word in distinct:
        marked = f"^^{word}$"
        for n in (1, 2, 3):
            for k in range(len(marked) - n + 1):
                runs[marked[k : k + n]] += 1
    return runs, sum(len(w) + 4 for w in distinct) - 1


def main() -> None:
    root = Path(sys.argv[1])
    for lang, code in LANGS.items():
        found = sorted(root.rglob(f"{code}.traineddata"))
        distinct = distinct_words(tessdata_words(found[0]))
        runs, total = letter_runs(distinct)
        short = [w for w in distinct if len(w) <= SHORT and _CONFUSED.search(w)]
        lines = [f"#total\t{total}"] + [f"{run}\t{n}" for run, n in sorted(runs.items())]
        # Words have no tab: one file holds both tables.
        with gzip.open(HERE / f"letters_{lang}.tsv.gz", "wt", encoding="utf-8") as fh:
            fh.write("\n".join(lines + short) + "\n")
        print(lang, len(runs), total, len(short))


if __name__ == "__main__":
    main()
