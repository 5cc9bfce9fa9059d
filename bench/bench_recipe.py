"""The whole default recipe, as users run it: this tree against an earlier commit, and against
datatrove's four quality filters alone, on the same documents.

Each side is a `tamis clean INPUT -o OUT --workers N` process (the default recipe, the report
included), run from its own source tree through the same virtual environment, so the two sides
differ only in tamis's code. The sides alternate within each round (which goes first swaps every
round) and the best round of each is kept. Every run's kept, rejected and quarantined records are
compared byte for byte (decompressed) with the earlier commit's: a speed change must change no
output.

Corpora (read from ../shared/data, never copied):
* imdb: `text/imdb-reviews.jsonl.zst`, 75,000 user reviews;
* reuters: `text/reuters-21578.jsonl.zst`, 14,110 wire stories;
* cc-text: the main text of web pages: WCXB dev's `main_content` (1,497 pages), the AEB
  `articleBody` (181), Common Crawl's `cc-en-head` (20) and the DCLM human-judged crawl documents
  (499), written once to bench/work/recipe/cc-text.jsonl.zst.
* imdb-25k: the first 25,000 reviews (32 MB of JSONL) as one file, for 1 against 2 workers.

    .venv/bin/python bench/bench_recipe.py                 # against 61cc5d3, 2 rounds
    .venv/bin/python bench/bench_recipe.py --base REV --rounds 3 --sets imdb,reuters
    .venv/bin/python bench/bench_recipe.py --memory    # only the peak-memory section

Results go to bench/results/recipe.md.
"""

from __future__ import annotations

import argparse
import gzip
import html
import io
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import orjson
import zstandard
from machine import cpu_model, peak_rss_kb, private_kb, process_tree, pss_kb

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
WORK = ROOT / "bench" / "work" / "recipe"
RESULTS = ROOT / "bench" / "results" / "recipe.md"
BASE_REV = "61cc5d3"
RUN = "import sys; from tamis.cli import main; sys.exit(main())"


# --- corpora -------------------------------------------------------------------------------------


def _write_zst(path: Path, records) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh, zstandard.ZstdCompressor(level=3).stream_writer(fh) as zw:
        for rec in records:
            zw.write(orjson.dumps(rec) + b"\n")
    return path


def _cc_text_records():
    gt = DATA / "extraction" / "wcxb-dev" / "ground-truth"
    for path in sorted(gt.glob("*.json")):
        page = json.loads(path.read_text(encoding="utf-8"))
        text = page["ground_truth"].get("main_content") or ""
        if text.strip():
            yield {"id": f"wcxb-{path.stem}", "text": text, "url": page.get("url")}
    aeb = json.loads((DATA / "extraction" / "scrapinghub-aeb" / "ground-truth.json").read_text())
    for key in sorted(aeb):
        text = aeb[key].get("articleBody") or ""
        if text.strip():
            yield {"id": f"aeb-{key[:16]}", "text": text}
    for path in sorted((DATA / "text").glob("cc-en-head-*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for rec in map(json.loads, fh):
                yield {"id": f"cc-{rec['id']}", "text": rec["text"]}
    with (DATA / "quality" / "dclm-human-majority.jsonl").open(encoding="utf-8") as fh:
        for i, rec in enumerate(map(json.loads, fh)):
            yield {"id": f"dclm-{i}", "text": rec["text"], "url": rec.get("url")}


#: The fresh multilingual file is cut at about this many bytes of JSON Lines.
MULTILINGUAL_BYTES = 32 * 1024 * 1024
#: The chardet folders whose name is not a codec Python knows by that name.
_CODECS = {"utf-8-sig": "utf-8-sig", "Johab": "johab", "ascii": "ascii"}
_TAGS = re.compile(r"(?is)<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>")


def _lingua_documents(rng: random.Random):
    """Each language's sentences (Leipzig corpora via lingua) joined into documents of 4-40
    sentences, a paragraph each 1-6 sentences."""
    for path in sorted((DATA / "langid" / "lingua-sentences").glob("*.txt")):
        if path.stem == "LICENSE":
            continue
        lines = [s for s in path.read_text(encoding="utf-8").splitlines() if s.strip()]
        k = n = 0
        while k < len(lines):
            take = lines[k : k + rng.randint(4, 40)]
            k += len(take)
            paras, i = [], 0
            while i < len(take):
                step = rng.randint(1, 6)
                paras.append(" ".join(take[i : i + step]))
                i += step
            yield {"id": f"lingua-{path.stem}-{n}", "text": "\n\n".join(paras)}
            n += 1


def _chardet_documents():
    """The chardet test pages and feeds (real sites, 50 encodings), decoded with the encoding
    their folder names, their markup stripped: web text in Korean, Japanese, Chinese, Thai,
    Russian, Greek, Hebrew, Arabic and the Latin-script languages of Central Europe."""
    for folder in sorted((DATA / "encoding" / "chardet").iterdir()):
        if not folder.is_dir():
            continue
        name = folder.name
        codec = _CODECS.get(name) or "-".join(name.split("-")[: 3 if name.startswith("iso") else 2])
        for path in sorted(folder.iterdir()):
            try:
                raw = path.read_bytes().decode(codec)
            except (LookupError, UnicodeDecodeError):
                continue
            lines = (
                " ".join(line.split()) for line in html.unescape(_TAGS.sub("\n", raw)).splitlines()
            )
            text = "\n".join(line for line in lines if line)
            if len(text) > 200:
                yield {"id": f"chardet-{name}-{path.stem}", "text": text}


def _multilingual_records():
    """A fresh 32 MB file of many languages that no work on this benchmark was tuned on: the
    lingua sentences joined into documents (75 languages), the chardet pages' text, DCLM's
    crawl documents, Common Crawl's cc-en-head, the Reuters stories, then IMDb reviews from the
    50,000th on (never in imdb-25k) up to 32 MB; shuffled with a fixed seed, so that every
    language is spread over the whole file. No WCXB or AEB text (the held-out file's)."""
    rng = random.Random(2026)
    records = [*_lingua_documents(rng), *_chardet_documents()]
    with (DATA / "quality" / "dclm-human-majority.jsonl").open(encoding="utf-8") as fh:
        records += [
            {"id": f"dclm-{i}", "text": r["text"]} for i, r in enumerate(map(json.loads, fh))
        ]
    for path in sorted((DATA / "text").glob("cc-en-head-*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            records += [{"id": f"cc-{r['id']}", "text": r["text"]} for r in map(json.loads, fh)]
    with zstandard.open(DATA / "text" / "reuters-21578.jsonl.zst", "rt", encoding="utf-8") as fh:
        records += [{"id": f"reuters-{r['id']}", "text": r["text"]} for r in map(json.loads, fh)]
    size = sum(len(orjson.dumps(r)) + 1 for r in records)
    with zstandard.open(DATA / "text" / "imdb-reviews.jsonl.zst", "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if size >= MULTILINGUAL_BYTES:
                break
            if i >= 50_000:
                r = json.loads(line)
                records.append({"id": f"imdb-{r['id']}", "text": r["text"]})
                size += len(orjson.dumps(records[-1])) + 1
    rng.shuffle(records)
    return records


def _head(path: Path, n: int):
    with open(path, "rb") as fh:
        reader = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(fh), "utf-8")
        for _, line in zip(range(n), reader, strict=False):
            yield orjson.loads(line)


def corpora() -> dict[str, Path]:
    imdb = DATA / "text" / "imdb-reviews.jsonl.zst"
    sets = {"imdb": imdb, "reuters": DATA / "text" / "reuters-21578.jsonl.zst"}
    cc = WORK / "cc-text.jsonl.zst"
    if not cc.exists():
        _write_zst(cc, _cc_text_records())
    sets["cc-text"] = cc
    held = WORK / "held-out.jsonl.zst"
    if not held.exists():  # the pages no profile read: WCXB and AEB main text
        _write_zst(held, (r for r in _cc_text_records() if r["id"].startswith(("wcxb-", "aeb-"))))
    sets["held-out"] = held
    head = WORK / "imdb-25k.jsonl.zst"
    if not head.exists():
        _write_zst(head, _head(imdb, 25_000))
    sets["imdb-25k"] = head
    multi = WORK / "multilingual.jsonl.zst"
    if not multi.exists():
        _write_zst(multi, _multilingual_records())
    sets["multilingual"] = multi
    return sets


def count_records(path: Path) -> tuple[int, int]:
    """(records, bytes of text) of a .jsonl.zst corpus."""
    n = chars = 0
    with open(path, "rb") as fh:
        reader = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(fh), "utf-8")
        for line in reader:
            n += 1
            chars += len(orjson.loads(line)["text"].encode("utf-8"))
    return n, chars


# --- the two trees -------------------------------------------------------------------------------


def base_tree(rev: str) -> Path:
    """The earlier commit's src/ unpacked once under bench/work/recipe/."""
    full = subprocess.check_output(["git", "rev-parse", rev], cwd=ROOT, text=True).strip()
    dest = WORK / f"tree-{full[:10]}"
    if not (dest / "src" / "tamis").is_dir():
        blob = subprocess.check_output(["git", "archive", full, "src"], cwd=ROOT)
        with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
            tar.extractall(dest, filter="data")
    return dest


def _watch_memory(
    pid: int,
    peaks: dict[int, int],
    done: threading.Event,
    cpu: dict[int, float] | None = None,
    private: dict[str, dict[int, int]] | None = None,
) -> None:
    """The peak resident memory (VmHWM) of a process and of every process under it, polled
    while it runs. ``ru_maxrss`` cannot say this: it is floored at the parent's size across fork
    and exec, and this benchmark's own process holds datatrove and spaCy. ``cpu``: each
    process's user+system seconds at its last poll (pool workers are the forkserver's children,
    so the run's own rusage never counts them). ``private``: each process's largest Pss
    (``"pss"``: pages shared with other processes count as a share) and private memory
    (``"uss"``: the pages no other process maps, such as a forkserver's models a worker
    inherited and never wrote), and under ``"parent"`` its parent process."""
    while not done.is_set():
        for p in process_tree(pid):
            kb = peak_rss_kb(p)
            if kb:
                peaks[p] = max(peaks.get(p, 0), kb)
            if cpu is not None:
                cpu[p] = max(cpu.get(p, 0.0), _cpu_seconds(p))
            if private is not None and kb:
                private["pss"][p] = max(private["pss"].get(p, 0), pss_kb(p))
                private["uss"][p] = max(private["uss"].get(p, 0), private_kb(p))
                private["parent"].setdefault(p, _parent(p))
        done.wait(0.1)


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _cpu_seconds(pid: int) -> float:
    """User + system seconds of a running process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_side(tree: Path, corpus: Path, out: Path, workers: int) -> dict:
    """One `tamis clean` process; wall, CPU (user+sys of the process and its workers), and the
    peak resident memory of the driver and of its largest worker process."""
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))
    cmd = [sys.executable, "-c", RUN, "clean", str(corpus), "-o", str(out)]
    cmd += ["--workers", str(workers)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peaks: dict[int, int] = {}
    cpu: dict[int, float] = {}
    private: dict[str, dict[int, int]] = {"pss": {}, "uss": {}, "parent": {}}
    done = threading.Event()
    watcher = threading.Thread(
        target=_watch_memory, args=(proc.pid, peaks, done, cpu, private), daemon=True
    )
    watcher.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    done.set()
    watcher.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{tree.name} failed on {corpus.name}: {proc.stderr.read().decode()}")
    proc.stderr.close()
    run = json.loads((out / "run.json").read_text())
    # pool workers are the forkserver's children (the driver's children: the forkserver and
    # the resource tracker); with 1 worker there is no pool and the driver is the worker
    pool = [p for p, parent in private["parent"].items() if p != proc.pid and parent != proc.pid]
    server = [p for p, parent in private["parent"].items() if parent == proc.pid]
    return {
        "wall": wall,
        # the driver's own (with what it reaped), and its pool's as last polled
        "cpu": usage.ru_utime + usage.ru_stime + sum(s for p, s in cpu.items() if p != proc.pid),
        "driver_mb": peaks.get(proc.pid, 0) / 1024,
        "worker_mb": max((kb for p, kb in peaks.items() if p != proc.pid), default=0) / 1024,
        "pool_rss_mb": max((peaks.get(p, 0) for p in pool), default=0) / 1024,
        "pool_pss_mb": max((private["pss"][p] for p in pool), default=0) / 1024,
        "pool_uss_mb": max((private["uss"][p] for p in pool), default=0) / 1024,
        "server_rss_mb": max((peaks.get(p, 0) for p in server), default=0) / 1024,
        "driver_uss_mb": private["uss"].get(proc.pid, 0) / 1024,
        "run_seconds": run["seconds"],
        "stage_seconds": run.get("stage_seconds", {}),
    }


def record_streams(out: Path) -> dict[str, bytes]:
    """Each output folder's records as one stream: its part files decompressed and joined in
    name order (the order of the input). A run may cut its output into a different number of
    part files than another (its plan differs) and still hold the same records, byte for byte."""
    streams = {}
    for folder in ("kept", "rejected", "quarantine"):
        parts = []
        for path in sorted((out / folder).rglob("*")):
            if not path.is_file():
                continue
            raw = path.read_bytes()
            if path.suffix == ".zst":
                raw = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw)).read()
            elif path.suffix == ".gz":
                raw = gzip.decompress(raw)
            parts.append(raw)
        streams[folder] = b"".join(parts)
    return streams


def differences(a: Path, b: Path) -> list[str]:
    sa, sb = record_streams(a), record_streams(b)
    diffs = []
    for folder in sa:
        if sa[folder] != sb[folder]:
            la, lb = sa[folder].split(b"\n"), sb[folder].split(b"\n")
            first = next(
                (i for i, (x, y) in enumerate(zip(la, lb, strict=False)) if x != y),
                min(len(la), len(lb)),
            )
            diffs.append(
                f"{folder}: {len(la) - 1} against {len(lb) - 1} records, first differs at {first}"
            )
    return diffs


# --- datatrove's four filters --------------------------------------------------------------------


def datatrove_docs_per_second(corpus: Path, every: int) -> tuple[int, float]:
    """datatrove 0.10.1's GopherQuality -> GopherRepetition -> C4Quality -> FineWebQuality on
    every ``every``-th record, in this process (one core); (documents, documents per second)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_quality import datatrove_filters, run_datatrove_chain

    docs = []
    with open(corpus, "rb") as fh:
        reader = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(fh), "utf-8")
        for i, line in enumerate(reader):
            if i % every == 0:
                rec = orjson.loads(line)
                docs.append((str(rec.get("id", i)), rec["text"], {}))
    filters = datatrove_filters()
    run_datatrove_chain(filters, docs[:50])  # spaCy and the filters' lazy parts loaded first
    t0 = time.perf_counter()
    run_datatrove_chain(filters, docs)
    return len(docs), len(docs) / (time.perf_counter() - t0)


# --- the report ------------------------------------------------------------------------------------


MEMORY_HEADING = "## Peak memory"


def memory_section(sets: dict[str, Path], trees: dict[str, Path]) -> list[str]:
    """One run a side per corpus, the peak resident memory of the driver and its largest worker
    process (with 1 worker the driver runs the tasks itself)."""
    lines = [
        MEMORY_HEADING,
        "",
        "VmHWM of each process, polled every 0.1 s (`bench_recipe.py --memory`, one run a side;"
        f" load average at start {os.getloadavg()[0]:.1f}). With `--workers 1` the driver is the"
        " worker: it holds the stages' models, their caches and the global merges at once.",
        "",
        "| corpus | workers | base driver MB | base largest worker MB | new driver MB | "
        "new largest worker MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, workers in (("imdb", 1), ("reuters", 1), ("cc-text", 1), ("imdb-25k", 2)):
        got = {}
        for side in ("base", "new"):
            got[side] = run_side(trees[side], sets[name], WORK / "out" / f"mem-{side}", workers)
            print("memory", name, side, f"{got[side]['driver_mb']:.0f} MB", flush=True)
        cells = " | ".join(
            f"{got[s]['driver_mb']:.0f} | {got[s]['worker_mb']:.0f}"
            if workers > 1
            else f"{got[s]['driver_mb']:.0f} | (the driver)"
            for s in ("base", "new")
        )
        lines.append(f"| {name} | {workers} | {cells} |")
    return lines


SCALING_HEADING = "## One 32 MB file, 1 against 2 workers, interleaved rounds"
#: the same measure on the held-out file (the WCXB and AEB main text), which no timeline and no
#: profile was taken on
HELD_OUT_SCALING_HEADING = "## The held-out file, 1 against 2 workers, interleaved rounds"
#: ...and on a fresh file of many languages, built for this measure and measured as built
MULTILINGUAL_SCALING_HEADING = (
    "## A fresh multilingual file, 1 against 2 workers, interleaved rounds"
)
SCALING_HEADINGS = {
    "imdb-25k": SCALING_HEADING,
    "held-out": HELD_OUT_SCALING_HEADING,
    "multilingual": MULTILINGUAL_SCALING_HEADING,
}
SCALING_DATA = {
    "imdb-25k": "the first 25,000 IMDb reviews of ../shared/data/text (one 32 MB file)",
    "held-out": "the WCXB dev main_content and AEB articleBody texts (1,657 documents, one "
    "5.3 MB zstd file), not tuned on (a timeline of it was read to find why it scales little)",
    "multilingual": "a fresh file of many languages (`multilingual.jsonl.zst`, 20,169 documents,"
    " 32 MB of JSON Lines, 13.8 MB zstd: the lingua sentences of 75 languages joined into"
    " documents, the chardet pages' text, DCLM, cc-en-head, the Reuters stories, IMDb reviews"
    " from the 50,000th; shuffled with a fixed seed), held out: built for this measure, no"
    " timeline or profile read it",
}


def scaling_section(
    sets: dict[str, Path], trees: dict[str, Path], rounds: int, name: str = "imdb-25k"
) -> list[str]:
    """One file (the first 25,000 IMDb reviews, 32 MB, or the held-out file) on 1 and 2
    workers, each tree, ``rounds`` interleaved rounds (the order of trees and of worker counts
    swaps every round); the best round of each, and the ratio within every round, so that one
    lucky round is not read as the rule; outputs of 1 and 2 workers compared."""
    corpus = sets[name]
    res: dict[tuple[str, int], list[dict]] = {(t, w): [] for t in trees for w in (1, 2)}
    loads = [os.getloadavg()[0]]
    for r in range(rounds):
        sides = list(trees) if r % 2 == 0 else list(reversed(trees))
        for side in sides:
            for w in (1, 2) if r % 2 == 0 else (2, 1):
                got = run_side(trees[side], corpus, WORK / "out" / f"scale-{side}-{w}", w)
                got["load"] = os.getloadavg()[0]
                res[(side, w)].append(got)
                print("scaling", side, w, f"{got['wall']:.1f} s", flush=True)
        loads.append(os.getloadavg()[0])
    option = "" if name == "imdb-25k" else f" --scaling-set {name}"
    lines = [
        SCALING_HEADINGS[name],
        "",
        f"`python bench/bench_recipe.py --scaling{option} --rounds {rounds} --base REV`: each"
        f" run is `tamis clean {corpus.name} -o OUT --workers N` (default recipe, report"
        f" included); {rounds} interleaved rounds; load average {min(loads):.1f}-"
        f"{max(loads):.1f} during them (2 cores). Ratio = 1-worker wall / 2-worker wall. Data:"
        f" {SCALING_DATA[name]}; no setting is fitted to it (the planning and the report's work"
        " split are set by size and shard, not by this file). Trees: "
        + ", ".join(f"{side} = `{path.name}`" for side, path in trees.items())
        + ".",
        "",
        "| tree | 1 worker s (best) | 2 workers s (best) | best / best | median round |"
        " every round (load after 1 / 2 workers) | CPU s 1 / 2 workers (median) |"
        " largest process MB | 2 workers: largest pool worker MB, peak RSS / Pss / private |"
        " forkserver peak RSS MB | driver MB, 2 workers |"
        " outputs 1 = 2 workers |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for side in trees:
        ones, twos = res[(side, 1)], res[(side, 2)]
        one, two = best(ones), best(twos)
        same = not differences(WORK / "out" / f"scale-{side}-1", WORK / "out" / f"scale-{side}-2")
        ratios = [a["wall"] / b["wall"] for a, b in zip(ones, twos, strict=True)]
        # each round's ratio, and the load average after its 1- and its 2-worker run
        every = ", ".join(
            f"{r:.2f}x ({a['load']:.1f}/{b['load']:.1f})"
            for r, a, b in zip(ratios, ones, twos, strict=True)
        )
        lines.append(
            f"| {side} | {one['wall']:.1f} | {two['wall']:.1f} | "
            f"{one['wall'] / two['wall']:.2f}x | {statistics.median(ratios):.2f}x | {every} | "
            f"{statistics.median(r['cpu'] for r in ones):.1f} / "
            f"{statistics.median(r['cpu'] for r in twos):.1f} | "
            f"{max(r['worker_mb'] for r in twos):.0f} | "
            f"{max(r['pool_rss_mb'] for r in twos):.0f} / {max(r['pool_pss_mb'] for r in twos):.0f}"
            f" / {max(r['pool_uss_mb'] for r in twos):.0f} | "
            f"{max(r['server_rss_mb'] for r in twos):.0f} | {max(r['driver_mb'] for r in twos):.0f}"
            f" | {'identical' if same else 'DIFFER'} |"
        )
    return lines


def write_section(lines: list[str], results: Path, heading: str = MEMORY_HEADING) -> None:
    text = results.read_text() if results.exists() else ""
    if heading in text:
        head, _, rest = text.partition(heading)
        after = rest.find("\n## ")
        text = head + "\n".join(lines) + "\n" + (rest[after:] if after >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    results.write_text(text)


def best(rounds: list[dict]) -> dict:
    return min(rounds, key=lambda r: r["wall"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default=BASE_REV)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--sets", default="imdb,reuters,cc-text")
    ap.add_argument("--no-datatrove", action="store_true")
    ap.add_argument("--no-workers", action="store_true", help="skip 1 against 2 workers")
    ap.add_argument(
        "--memory", action="store_true", help="only the peak-memory section of the results"
    )
    ap.add_argument("--no-memory", action="store_true", help="skip the peak-memory section")
    ap.add_argument(
        "--scaling", action="store_true", help="only 1 against 2 workers on imdb-25k, --rounds"
    )
    ap.add_argument(
        "--scaling-set", default="imdb-25k", choices=sorted(SCALING_DATA), help="with --scaling"
    )
    ap.add_argument("--results", type=Path, default=RESULTS, help="where the tables go")
    args = ap.parse_args()
    if not DATA.is_dir():
        raise SystemExit(f"{DATA} is absent: this benchmark reads the shared real data")
    sets = corpora()
    trees = {"base": base_tree(args.base), "new": ROOT}
    if args.scaling:
        lines = scaling_section(sets, trees, args.rounds, args.scaling_set)
        write_section(lines, args.results, SCALING_HEADINGS[args.scaling_set])
        print("\n".join(lines))
        return
    if args.memory:
        write_section(memory_section(sets, trees), args.results)
        print(args.results.read_text())
        return
    head = subprocess.check_output(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True)
    load = os.getloadavg()[0]
    rows, speed_rows, diffs_all, stage_rows = [], [], {}, {}
    every = {"imdb": 25, "reuters": 5, "cc-text": 1, "held-out": 1}
    for name in args.sets.split(","):
        corpus = sets[name]
        docs, nbytes = count_records(corpus)
        res: dict[str, list[dict]] = {"base": [], "new": []}
        for r in range(args.rounds):
            order = ("base", "new") if r % 2 == 0 else ("new", "base")
            for side in order:
                out = WORK / "out" / f"{name}-{side}"
                res[side].append(run_side(trees[side], corpus, out, 1))
                print(name, side, f"{res[side][-1]['wall']:.1f} s", flush=True)
        diffs_all[name] = differences(WORK / "out" / f"{name}-base", WORK / "out" / f"{name}-new")
        b, n = best(res["base"]), best(res["new"])
        dt = None
        if not args.no_datatrove:
            dt = datatrove_docs_per_second(corpus, every[name])
        rows.append((name, docs, nbytes, b, n, dt))
        stage_rows[name] = (b["stage_seconds"], n["stage_seconds"])
    if not args.no_workers:
        corpus = sets["imdb-25k"]
        for side in ("base", "new"):
            one = run_side(trees[side], corpus, WORK / "out" / f"w1-{side}", 1)
            two = run_side(trees[side], corpus, WORK / "out" / f"w2-{side}", 2)
            same = not differences(WORK / "out" / f"w1-{side}", WORK / "out" / f"w2-{side}")
            speed_rows.append((side, one, two, same))
            print("workers", side, f"{one['wall']:.1f} s / {two['wall']:.1f} s", flush=True)

    lines = [
        "# The default recipe: whole runs, this tree against an earlier commit",
        "",
        f"- machine: {os.cpu_count()} CPUs, {cpu_model()}; python {platform.python_version()}",
        f"- trees: base = `{args.base}`, new = `{head.strip()}` (the working tree); load average "
        f"at start {load:.1f}",
        f"- command: `python bench/bench_recipe.py --base {args.base} --rounds {args.rounds}"
        + (f" --sets {args.sets}" if args.sets != "imdb,reuters,cc-text" else "")
        + "`",
        "- each side is `tamis clean CORPUS -o OUT --workers 1` (default recipe, report included);"
        f" the sides alternate, {args.rounds} rounds, best wall of each; docs/s = records / wall."
        " The changes are output-identical rewrites (no parameter fitted to any corpus), but the"
        " profiles that chose them read samples of IMDb, Reuters, cc-en-head and DCLM, so those"
        " rows are measured on data the work looked at; the WCXB and AEB main text (`held-out`,"
        " 1,657 documents) was read by no profile: it is the part kept apart.",
        "",
        "| corpus | docs | MB | base docs/s | new docs/s | speed-up (wall) | speed-up (CPU) | "
        "datatrove 4 filters docs/s | new / datatrove | outputs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, docs, nbytes, b, n, dt in rows:
        same = "identical" if not diffs_all[name] else f"{len(diffs_all[name])} files differ"
        dt_cells = "– | –"
        if dt:
            dt_cells = (
                f"{dt[1]:.0f} (every {every[name]}th: {dt[0]}) | {docs / n['wall'] / dt[1]:.1f}x"
            )
        lines.append(
            f"| {name} | {docs:,} | {nbytes / 1e6:.1f} | {docs / b['wall']:.0f} | "
            f"{docs / n['wall']:.0f} | {b['wall'] / n['wall']:.2f}x | {b['cpu'] / n['cpu']:.2f}x | "
            f"{dt_cells} | {same} |"
        )
    lines += ["", "## Where the time goes (run.json stage_seconds, best round, seconds)", ""]
    for name, (sb, sn) in stage_rows.items():
        keys = sorted(set(sb) | set(sn), key=lambda k: -max(sb.get(k, 0), sn.get(k, 0)))
        lines.append(
            f"**{name}**: "
            + ", ".join(
                f"{k} {sb.get(k, 0):.1f} → {sn.get(k, 0):.1f}" for k in keys if k != "total"
            )
        )
        lines.append("")
    if speed_rows:
        lines += [
            "## One 32 MB file (the first 25,000 IMDb reviews), 1 and 2 workers",
            "",
            "| tree | 1 worker s | 2 workers s | speed-up | outputs 1 = 2 workers |",
            "|---|---:|---:|---:|---|",
        ]
        for side, one, two, same in speed_rows:
            lines.append(
                f"| {side} | {one['wall']:.1f} | {two['wall']:.1f} | "
                f"{one['wall'] / two['wall']:.2f}x | {'identical' if same else 'DIFFER'} |"
            )
    for name, diffs in diffs_all.items():
        if diffs:
            lines += ["", f"Differences on {name}:", *[f"- {d}" for d in diffs[:20]]]
    args.results.write_text("\n".join(lines) + "\n")
    if not args.no_memory:
        write_section(memory_section(sets, trees), args.results)
    print(args.results.read_text())


if __name__ == "__main__":
    main()
