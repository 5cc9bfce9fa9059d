"""Every ``find_pii`` span that a change of the rules adds or loses, on the held-out sources of
``heldout_samples.py``, ``heldout_samples2.py``, ``heldout_samples3.py`` and
``heldout_samples4.py``, ``heldout_samples5.py``, ``heldout_samples6.py``,
``heldout_samples7.py``, ``heldout_samples8.py``, ``heldout_samples9.py``,
``heldout_samples10.py``, ``heldout_samples11.py`` and on the crawl
pages of ``crawl_samples.py``: the regression check of a rule change on text already judged,
listed whole rather than sampled, so that no changed detection goes unread.

The earlier rules are ``src/tamis/pii/detectors.py`` as a git revision has it; the later ones
are the working tree's. Each difference is printed with its context, and a count per source.

    .venv/bin/python bench/pii_rule_diff.py REV [--sources a,b] [--pages OUT] [--news N]

``--news N`` adds the first N Reuters stories and N IMDb reviews of ``../shared/data/text``.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from heldout_samples import DATA, ROOT
from heldout_samples import SOURCES as FIRST_SOURCES
from heldout_samples2 import SOURCES as SECOND_SOURCES
from heldout_samples3 import SOURCES as THIRD_SOURCES
from heldout_samples4 import SOURCES as FOURTH_SOURCES
from heldout_samples5 import SOURCES as FIFTH_SOURCES
from heldout_samples6 import SOURCES as SIXTH_SOURCES
from heldout_samples7 import SOURCES as SEVENTH_SOURCES
from heldout_samples8 import SOURCES as EIGHTH_SOURCES
from heldout_samples9 import SOURCES as NINTH_SOURCES
from heldout_samples10 import SOURCES as TENTH_SOURCES
from heldout_samples11 import SOURCES as ELEVENTH_SOURCES

from tamis.pii import detectors

SOURCES = {
    **FIRST_SOURCES,
    **SECOND_SOURCES,
    **THIRD_SOURCES,
    **FOURTH_SOURCES,
    **FIFTH_SOURCES,
    **SIXTH_SOURCES,
    **SEVENTH_SOURCES,
    **EIGHTH_SOURCES,
    **NINTH_SOURCES,
    **TENTH_SOURCES,
    **ELEVENTH_SOURCES,
}


def detectors_at(rev: str):
    """The detectors module as revision ``rev`` has it, loaded under another name."""
    code = subprocess.run(
        ["git", "show", f"{rev}:src/tamis/pii/detectors.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp(prefix="tamis-pii-")) / "earlier_detectors.py"
    path.write_text(code, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("earlier_detectors", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def differences(earlier, docs: list[tuple[str, str]]) -> list[str]:
    out = []
    for name, text in docs:
        before, after = set(earlier.find_pii(text)), set(detectors.find_pii(text))
        for start, end, kind in sorted(before ^ after):
            change = "lost" if (start, end, kind) in before else "new"
            out.append(
                f"{change} {kind} `{name}`: …{text[max(0, start - 50) : start]!r} "
                f"**[{text[start:end]!r}]** {text[end : end + 30]!r}…"
            )
    return out


def news(name: str, n: int) -> list[tuple[str, str]]:
    import zstandard

    with zstandard.open(DATA / "text" / f"{name}.jsonl.zst", "rt", encoding="utf-8") as f:
        return [(str(i), json.loads(line)["text"]) for i, line in enumerate(itertools.islice(f, n))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rev", help="the git revision whose rules are compared")
    parser.add_argument("--sources", default=",".join(SOURCES))
    parser.add_argument("--pages", type=Path, help="an earlier crawl `extract,repair` output")
    parser.add_argument("--news", type=int, default=0, help="Reuters and IMDb documents each")
    args = parser.parse_args()
    earlier = detectors_at(args.rev)
    groups = {name: SOURCES[name] for name in args.sources.split(",") if name}
    if args.pages:
        from crawl_samples import extracted_pages

        pages = extracted_pages(args.pages)
        groups["crawl-pages"] = lambda: [
            (str(r.get("id", i)), r["text"]) for i, r in enumerate(pages)
        ]
    for name in ("reuters-21578", "imdb-reviews") if args.news else ():
        groups[name] = lambda name=name: news(name, args.news)
    for source, docs in groups.items():
        lines = differences(earlier, docs())
        print(f"## {source}: {len(lines)} spans differ", *lines, sep="\n", flush=True)


if __name__ == "__main__":
    sys.exit(main())
