"""Extraction scored on trafilatura's own real-world test pages, sites tamis was never fitted on.

trafilatura's 990-page evaluation set lives only in its source repository, which this machine
cannot reach. Its sdists up to 1.1.0 ship the next best thing: `tests/cache/`, 110 pages of
110 sites (mostly German news, blogs, shops and institutions), and `tests/realworld_tests.py`,
whose assertions name text that must be in the extraction and text that must not. That is the
snippet method of trafilatura's evaluation (`tests/comparison.py`), written by its authors
against their own tool, so it favours trafilatura. No tamis model was fitted on these pages;
they were blind until the precision gate on added blocks (src/tamis/extract/chrome.py) was
checked here and took two words from them, so they now count as tuned.

The sdist is read where it lies, never copied into the project:

    pip download --no-deps --no-binary :all: trafilatura==1.1.0 -d bench/work/
    .venv/bin/python bench/extract_realworld.py --sdist bench/work/trafilatura-1.1.0.tar.gz

Scoring follows trafilatura's `evaluate_result`: a "must hold" snippet found is a true
positive, missed a false negative; a "must not hold" snippet found is a false positive, absent
a true negative. Every system gets the same decoded page and no URL (as bench_extract.py).
"""

from __future__ import annotations

import ast
import tarfile
from dataclasses import dataclass, field
from multiprocessing import Pool
from pathlib import Path

from bench_extract import ROOT, machine, page_job, sdist_args

RESULTS = ROOT / "bench" / "results" / "extract_realworld.md"
DEFAULT_SDIST = ROOT / "bench" / "work" / "trafilatura-1.1.0.tar.gz"
SYSTEMS = (
    "tamis_auto",
    "tamis_auto_comments",
    "tamis_fast",
    "trafilatura",
    "trafilatura_precision",
    "resiliparse",
)


@dataclass
class Page:
    url: str
    file: str
    present: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)


def _snippets(test: ast.AST) -> list[tuple[str, bool]]:
    """(snippet, must hold) for every `'s' in result` / `'s' not in result` of an assert; an
    assert joined by `or` states no single expectation and is skipped."""
    if isinstance(test, ast.BoolOp) and not isinstance(test.op, ast.And):
        return []
    parts = test.values if isinstance(test, ast.BoolOp) else [test]
    out = []
    for part in parts:
        if (
            isinstance(part, ast.Compare)
            and len(part.ops) == 1
            and isinstance(part.ops[0], ast.In | ast.NotIn)
            and isinstance(part.left, ast.Constant)
            and isinstance(part.left.value, str)
            and isinstance(part.comparators[0], ast.Name)
            and part.comparators[0].id == "result"
        ):
            out.append((part.left.value, isinstance(part.ops[0], ast.In)))
    return out


def read_pages(source: str) -> list[Page]:
    """The pages and their snippets, in the order the tests load them. Asserts that only hold
    for XML output (under `if xmloutput is True`) are not text-output expectations: skipped."""
    tree = ast.parse(source)
    files: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "MOCK_PAGES":
            files = ast.literal_eval(node.value)
    pages: dict[str, Page] = {}
    current: list[Page | None] = [None]

    def visit(body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
                call = stmt.value
                if getattr(call.func, "id", "") == "load_mock_page" and call.args:
                    url = ast.literal_eval(call.args[0])
                    current[0] = pages.setdefault(url, Page(url, files[url]))
            elif isinstance(stmt, ast.Assert) and current[0] is not None:
                page = current[0]
                for snippet, holds in _snippets(stmt.test):
                    target = page.present if holds else page.absent
                    if snippet not in target:
                        target.append(snippet)
            elif isinstance(stmt, ast.If):
                text = ast.unparse(stmt.test)
                if "xmloutput is True" not in text and "tei" not in text:
                    visit(stmt.body)
            elif isinstance(stmt, ast.FunctionDef | ast.For | ast.With):
                visit(stmt.body)

    visit(tree.body)
    return [page for page in pages.values() if page.present or page.absent]


def read_sdist(path: Path) -> tuple[list[Page], dict[str, bytes]]:
    with tarfile.open(path) as tar:
        names = {Path(m.name).relative_to(Path(m.name).parts[0]).as_posix(): m for m in tar}
        source = tar.extractfile(names["tests/realworld_tests.py"]).read().decode("utf-8")
        pages = read_pages(source)
        raw = {p.file: tar.extractfile(names[f"tests/cache/{p.file}"]).read() for p in pages}
    return pages, raw


@dataclass
class Counts:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, page: Page, text: str) -> None:
        for snippet in page.present:
            if snippet in text:
                self.tp += 1
            else:
                self.fn += 1
        for snippet in page.absent:
            if snippet in text:
                self.fp += 1
            else:
                self.tn += 1

    def row(self, name: str) -> str:
        precision = self.tp / max(self.tp + self.fp, 1)
        recall = self.tp / max(self.tp + self.fn, 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-12)
        accuracy = (self.tp + self.tn) / max(self.tp + self.fn + self.fp + self.tn, 1)
        return (
            f"| {name} | {precision:.3f} | {recall:.3f} | **{f1:.3f}** | {accuracy:.3f} "
            f"| {self.tp} | {self.fn} | {self.fp} | {self.tn} |"
        )


def main() -> None:
    args = sdist_args(__doc__.split("\n\n")[0], DEFAULT_SDIST, "trafilatura==1.1.0", SYSTEMS)
    systems = args.systems
    pages, raw = read_sdist(args.sdist)
    with Pool(args.workers) as pool:
        texts = dict(pool.imap_unordered(page_job, [(p.file, raw[p.file], systems) for p in pages]))
    counts = {name: Counts() for name in systems}
    for page in pages:
        for name in systems:
            counts[name].add(page, texts[page.file][name])
    snippets = sum(len(p.present) + len(p.absent) for p in pages)
    lines = [
        "# Extraction on trafilatura's real-world test pages (tuned on since the gate)",
        "",
        f"Machine: {machine()}. Command: `.venv/bin/python bench/extract_realworld.py "
        f"--sdist {args.sdist.name}`.",
        "",
        f"Data: the {len(pages)} pages of `tests/cache/` in trafilatura 1.1.0's sdist and the "
        f"{snippets} snippets its `tests/realworld_tests.py` asserts on them (must hold / must "
        "not hold). The snippets were written by trafilatura's authors against trafilatura. "
        "No tamis model was fitted on these pages, but the precision gate on added blocks "
        "(`src/tamis/extract/chrome.py`) took two of its words after the blocks `auto` wrongly "
        "kept here were read, so these pages count as tuned; the blind set is "
        "bench/results/extract_blind.md.",
        "",
        "| system | precision | recall | F1 | accuracy | TP | FN | FP | TN |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(counts[name].row(name) for name in systems),
        "",
        "How to read it: these are trafilatura's regression tests, kept passing by its authors, "
        "so trafilatura's default is close to 1.0 by construction. "
        "Many must-hold snippets are readers' comments, which `auto` leaves out by default "
        "(WCXB's references hold none), hence the `tamis_auto_comments` row, added after the "
        "first reading showed it. The snippets `auto` wrongly keeps are blocks its model adds "
        "(related-links headings, a shop's teaser; before the gate also comment-form prompts, "
        "a pingback notice and a comments-closed notice: 8 false keeps, F1 0.941, now 5 and "
        "0.948). The publisher's trust line that remains is in trafilatura's default text of "
        "an article page, a route that adds no block.",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
