"""The table printed at the end of a run: where every record went, and where to look next."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from tamis.io import storage


def print_summary(result: Any, console: Console) -> None:
    s = result.stats
    m = result.manifest["counts"]
    table = Table(title=f"tamis: {result.out_dir}", show_lines=False)
    table.add_column("records")
    table.add_column("count", justify="right")
    table.add_column("share", justify="right")
    total = max(m["input"], 1)
    for key in ("input", "kept", "rejected", "quarantined"):
        table.add_row(key, f"{m[key]:,}", f"{100 * m[key] / total:.1f}%")
    if m["skipped"]:
        table.add_row("skipped (not documents)", f"{m['skipped']:,}", "")
    console.print(table)

    stages = Table(title="per stage")
    for col in ("stage", "in", "rejected", "edited docs", "edits", "top reasons / rules"):
        stages.add_column(
            col, justify="left" if col in ("stage", "top reasons / rules") else "right"
        )
    for name, st in s.stages.items():
        reasons = ", ".join(f"{r} {n:,}" for r, n in st.reasons.most_common(3))
        rules = ", ".join(
            f"{r} {c['edits']:,}"
            for r, c in sorted(st.rules.items(), key=lambda kv: -kv[1]["edits"])[:3]
        )
        stages.add_row(
            name,
            f"{st.docs_in:,}",
            f"{st.rejected:,}",
            f"{st.docs_edited:,}",
            f"{sum(c['edits'] for c in st.rules.values()):,}",
            "; ".join(x for x in (reasons, rules) if x),
        )
    if s.stages:
        console.print(stages)
    if s.quarantined:
        console.print(
            "quarantined: " + ", ".join(f"{r} {n:,}" for r, n in s.quarantined.most_common())
        )
    rate = s.input_chars / result.seconds / 1e6 if result.seconds else 0.0
    resumed = f", resumed {result.resumed_tasks} finished tasks" if result.resumed_tasks else ""
    console.print(
        f"{m['input']:,} records in {result.seconds:.1f} s ({rate:.1f} MB/s of text){resumed}"
    )
    if result.ignored:
        console.print(
            f"[yellow]ignored {len(result.ignored)} file(s) with no reader (see manifest.json)"
        )
    out = result.out_dir
    console.print(f"output:   {out}/kept/  {out}/rejected/  {out}/quarantine/")
    report = storage.join(out, "report.html")
    console.print(
        f"report:   {report if storage.exists(report) else storage.join(out, 'stats.json')}"
    )
    console.print(f"check it: tamis verify {out}")
