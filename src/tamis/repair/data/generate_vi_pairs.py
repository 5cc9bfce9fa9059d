"""Build the Vietnamese syllable pairs that choose a damaged syllable from its neighbours.

A strict Windows-1252 decoder drops the last byte of ``ề ọ ỏ ờ`` (E1 BB 81/8D/8F/9D), and
several readings then spell a real syllable (``cỏ``/``cờ``, ``tờ``/``tỏ``, ``lề``/``lọ``): a
list of single syllables cannot choose, the syllable beside it can (``giấy tờ``, ``lề đường``).
Likewise ftfy splits ``đài`` into ``đà i`` when NFKC folded the A0 of ``à``, and ``đà`` and
``i`` are both listed; ``pháo đài`` is a word, ``pháo đà`` none. The pairs are every two
adjacent syllables of the words of two syllables or more in the word list of the ``pyvi``
package (MIT licence, ``pyvi/models/words.txt``, about 31,000 words), lower-cased: the
syllable bigrams Vietnamese writes inside words.

    python src/tamis/repair/data/generate_vi_pairs.py PATH/TO/pyvi/models/words.txt
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def pairs(lines: list[str]) -> list[str]:
    out = set()
    for line in lines:
        syllables = line.lower().split()
        out.update(f"{a} {b}" for a, b in zip(syllables, syllables[1:], strict=False))
    return sorted(out)


def main() -> None:
    found = pairs(Path(sys.argv[1]).read_text(encoding="utf-8").splitlines())
    data = ("\n".join(found) + "\n").encode("utf-8")
    (HERE / "vi_pairs.txt.gz").write_bytes(gzip.compress(data, 9, mtime=0))
    print(len(found))


if __name__ == "__main__":
    main()
