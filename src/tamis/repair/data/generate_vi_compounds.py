"""Build the Vietnamese compound words that choose a lost byte's reading from its neighbours.

A strict Windows-1252 decoder drops the last byte of ``ề ọ ỏ ờ`` (E1 BB 81/8D/8F/9D), and
several readings then spell a real syllable (``cỏ``/``cờ``, ``tờ``/``tỏ``, ``lề``/``lọ``): a
list of single words cannot choose, the word around can (``giấy tờ``, ``lề đường``). The
compounds come from the word list of the ``pyvi`` package (MIT licence, ``pyvi/models/
words.txt``, about 25,000 words of two syllables or more); tamis keeps, lower-cased, those
with a syllable that holds one of those letters (``ố`` too: ``Ố`` is E1 BB 90).

    python src/tamis/repair/data/generate_vi_compounds.py PATH/TO/pyvi/models/words.txt
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOST = set("ềọỏờố")


def compounds(lines: list[str]) -> list[str]:
    out = set()
    for line in lines:
        word = " ".join(line.lower().split())
        if " " in word and LOST & set(word):
            out.add(word)
    return sorted(out)


def main() -> None:
    words = compounds(Path(sys.argv[1]).read_text(encoding="utf-8").splitlines())
    with gzip.open(HERE / "vi_compounds.txt.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(words) + "\n")
    print(len(words))


if __name__ == "__main__":
    main()
