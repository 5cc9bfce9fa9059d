"""Extraction scored on a set nobody tuned on: newspaper4k's test pages and their expected texts.

newspaper4k's sdist ships `tests/data/html/NAME.html` and `tests/data/txt/NAME.txt`: real news
pages (CNN, Time, Wired, cleveland.com, fox13now, Yonhap, and articles in Arabic, Chinese,
Japanese, Thai, Burmese, Latvian, Spanish) and the text its tests expect newspaper to extract
from each (`tests/unit/test_article.py`, `tests/integration/test_languages.py`). Like
trafilatura's real-world pages for trafilatura, the references were written by newspaper's
authors against newspaper; no tamis rule, word list or model was chosen on these pages, and
neither was any of trafilatura's settings.

The page list and the scoring are fixed here before any tamis output on the set was read:

* pages: every NAME with both `tests/data/html/NAME.html` and `tests/data/txt/NAME.txt` in the
  newspaper4k 0.9.6 sdist (a `.txt` without its page, such as `cnn_summary`, is not a page);
* scoring: word precision, recall and F1 per page, averaged over pages (WCXB's method: a bag of
  lowercase word tokens, multiset overlap), with one change so that pages in scripts written
  without spaces are scored by their words and not by whole sentences: every character of the
  Han, kana, Thai, Lao, Khmer and Myanmar scripts is a token of its own (`\\w+` would make one
  token of a whole Chinese sentence); every other token is a run of word characters;
* every system gets the same page, decoded by tamis's own HTML decoding, and no URL.

    pip download --no-deps --no-binary :all: newspaper4k==0.9.6 -d bench/work/
    .venv/bin/python bench/extract_blind.py --sdist bench/work/newspaper4k-0.9.6.tar.gz
"""

from __future__ import annotations

import re
import statistics
import tarfile
from collections import Counter
from multiprocessing import Pool
from pathlib import Path

from bench_extract import ROOT, SYSTEMS, machine, page_job, sdist_args

from tamis.extract.score import PRF, _prf

RESULTS = ROOT / "bench" / "results" / "extract_blind.md"
DEFAULT_SDIST = ROOT / "bench" / "work" / "newspaper4k-0.9.6.tar.gz"

#: scripts written without spaces between words: each character is a token
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
)
_TOKEN = re.compile(rf"[{_UNSPACED}]|[^\W{_UNSPACED}]+")


def tokens(text: str) -> Counter:
    """The bag of tokens the set is scored on (see the module's docstring)."""
    return Counter(_TOKEN.findall(text.lower()))


def token_prf(predicted: str, reference: str) -> PRF:
    return _prf(tokens(predicted), tokens(reference))


def read_sdist(path: Path) -> dict[str, tuple[bytes, str]]:
    """NAME -> (the page's bytes, the expected text) for every page with both files."""
    with tarfile.open(path) as tar:
        members = {Path(m.name).relative_to(Path(m.name).parts[0]).as_posix(): m for m in tar}
        pages = {}
        for name in sorted(members):
            match = re.fullmatch(r"tests/data/html/([^/]+)\.html", name)
            if match and f"tests/data/txt/{match[1]}.txt" in members:
                raw = tar.extractfile(members[name]).read()
                text = tar.extractfile(members[f"tests/data/txt/{match[1]}.txt"]).read()
                pages[match[1]] = (raw, text.decode("utf-8"))
    return pages


def main() -> None:
    args = sdist_args(__doc__.split("\n\n")[0], DEFAULT_SDIST, "newspaper4k==0.9.6", SYSTEMS)
    systems = args.systems
    pages = read_sdist(args.sdist)
    jobs = [(name, raw, systems) for name, (raw, _) in pages.items()]
    with Pool(args.workers) as pool:
        texts = dict(pool.imap_unordered(page_job, jobs))
    scores = {
        system: {name: token_prf(texts[name][system], ref) for name, (_, ref) in pages.items()}
        for system in systems
    }
    names = list(pages)
    lines = [
        "# Extraction on a set nobody tuned on: newspaper4k's test pages",
        "",
        f"Machine: {machine()}. Command: `.venv/bin/python bench/extract_blind.py --sdist "
        f"{args.sdist.name}`.",
        "",
        f"Data: the {len(names)} pages of newspaper4k 0.9.6's sdist that have an expected text "
        "(`tests/data/html/` + `tests/data/txt/`). Scoring (fixed in the script before the set "
        "was run): word precision, recall and F1 per page, averaged; characters of unspaced "
        "scripts (Han, kana, Thai, Lao, Khmer, Myanmar) are tokens of their own.",
        "",
        "| system | precision | recall | F1 |",
        "|---|---:|---:|---:|",
    ]
    for system in systems:
        rows = scores[system].values()
        lines.append(
            f"| {system} | {statistics.mean(r.precision for r in rows):.3f} | "
            f"{statistics.mean(r.recall for r in rows):.3f} | "
            f"**{statistics.mean(r.f1 for r in rows):.3f}** |"
        )
    lines += ["", "Per page, F1:", "", "| page | " + " | ".join(systems) + " |"]
    lines.append("|---|" + "---:|" * len(systems))
    for name in names:
        lines.append(
            f"| {name} | " + " | ".join(f"{scores[s][name].f1:.3f}" for s in systems) + " |"
        )
    lines.append("")
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
