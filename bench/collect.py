"""Assemble bench/RESULTS.md from the per-area result files each benchmark writes.

Each benchmark writes bench/results/<area>.md (machine, command, numbers); this joins them in a
fixed order so that RESULTS.md is the one page to read.

    .venv/bin/python bench/collect.py
"""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = [
    "pipeline",
    "repair",
    "clean",
    "quality",
    "langid",
    "dedup",
    "extract",
    "extract_fast",
    "ray",
    "report",
]
HEADER = """# Benchmark results

Every section names its machine and the command that produced it. The machine is a shared
2-core VM: figures move between runs (other processes, up to ~12%), so each benchmark runs the
compared tools interleaved in one run and the ratios are what to read.
"""


def main() -> None:
    parts = [HEADER]
    names = [n for n in ORDER if (HERE / "results" / f"{n}.md").exists()]
    names += sorted(
        p.stem
        for p in (HERE / "results").glob("*.md")
        if p.stem not in ORDER and not p.stem.endswith("_samples")
    )
    for name in names:
        text = (HERE / "results" / f"{name}.md").read_text(encoding="utf-8").strip()
        if not text.startswith("#"):
            text = f"## {name}\n\n{text}"
        if text.startswith("# "):  # a page of its own: one level down, under this page's title
            text = re.sub(r"(?m)^(#{1,5}) ", r"#\1 ", text)
        parts.append(text)
    (HERE / "RESULTS.md").write_text("\n\n".join(parts) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
