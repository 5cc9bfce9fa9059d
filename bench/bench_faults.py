"""Fault injection at scale: what a long run meets, done for real on real Reuters stories.

- the driver SIGKILLed (alone, as the OOM killer or a scheduler does) at many points of a run:
  how long its workers outlive it, then a rerun: exit code, records identical to an undisturbed
  run, ``tamis verify``;
- two runs started on one OUT: the second's exit code, message and how fast it refuses;
- a full disk: a small tmpfs in a user + mount namespace, then the same tmpfs made bigger;
- the OOM killer: the run inside a memory cgroup (v1) too small for one shard's batches; the
  shard is retried with smaller batches; then a record too big for the limit even alone;
- (tests/test_run_faults.py holds the quick ones: read-only OUT, permission denied, inputs
  deleted or cut mid-run, damaged work state.)

Writes ``bench/results/faults.md``. Run: ``.venv/bin/python bench/bench_faults.py``
(needs ../shared/data; the disk-full and OOM parts need root, or skip saying why).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine import cpu_model  # noqa: E402
from tests.faults import (  # noqa: E402
    ENV,
    alive,
    command,
    descendants,
    in_namespace,
    kill_driver_when,
    markers,
    namespaces_work,
    reuters_corpus,
    run,
)
from tests.helpers import output_digest  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
CGROUP = Path("/sys/fs/cgroup/memory")
BIG_LIMIT_MB = 900
HUGE_LIMIT_MB = 180


def verify(out: Path) -> int:
    return run([sys.executable, "-m", "tamis.cli", "verify", str(out)]).returncode


def first_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[0] if len(lines) == 1 else f"({len(lines)} lines) " + " / ".join(lines[:2])


def kill_points(out: Path, n_shards: int) -> list[tuple[str, object]]:
    """Where in a run the driver is killed: (label, condition on OUT)."""
    t_start: dict[str, float] = {}

    def after(seconds: float):
        def ready() -> bool:
            t_start.setdefault("t", time.time())
            return time.time() - t_start["t"] >= seconds

        return ready

    points: list[tuple[str, object]] = [("0.5 s after start (planning, pool starting)", after(0.5))]
    for k in (1, n_shards // 2, n_shards - 1):
        points.append((f"phase 0, {k} of {n_shards} shards done", lambda k=k: markers(out, 0) >= k))
    points.append(
        ("phase 0 merged (decision written)", lambda: (out / ".tamis/phase0/decision.pkl").exists())
    )
    for k in (1, n_shards // 2, n_shards - 1):
        points.append((f"phase 1, {k} of {n_shards} shards done", lambda k=k: markers(out, 1) >= k))
    points.append(("finishing (manifest being written)", lambda: (out / "dedup-index").exists()))
    return points


def bench_kills(corpus: Path, work: Path, reference: dict, n_shards: int) -> list[str]:
    rows = []
    out = work / "killed"
    for label, ready in kill_points(out, n_shards):
        shutil.rmtree(out, ignore_errors=True)
        try:
            code, gone, workers = kill_driver_when(command(corpus, out), ready)
        except RuntimeError as exc:
            rows.append(f"| {label} | - | - | - | - | not reached: {exc} |")
            continue
        t0 = time.perf_counter()
        rerun = run(command(corpus, out))
        seconds = time.perf_counter() - t0
        same = output_digest(out) == reference
        rows.append(
            f"| {label} | {len(workers)} | {gone:.3f} | {rerun.returncode} | "
            f"{'yes' if same else 'NO'} | {'green' if verify(out) == 0 else 'RED'} "
            f"(rerun {seconds:.1f} s) |"
        )
        print(rows[-1], flush=True)
    return rows


def bench_two_runs(corpus: Path, work: Path) -> list[str]:
    out = work / "busy"
    shutil.rmtree(out, ignore_errors=True)
    first = subprocess.Popen(command(corpus, out), env=ENV, stderr=subprocess.PIPE, text=True)
    while markers(out, 0) < 1 and first.poll() is None:
        time.sleep(0.01)
    import resource

    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    second = run(command(corpus, out))
    refused = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = cpu1.ru_utime - cpu0.ru_utime + cpu1.ru_stime - cpu0.ru_stime
    first.wait()
    return [
        f"- second run on a busy OUT: exit {second.returncode} after {refused:.2f} s wall, "
        f"{cpu:.2f} s CPU (Python start and imports included, both cores busy with the first "
        "run); the first run finished with exit "
        f"{first.returncode}, verify {'green' if verify(out) == 0 else 'RED'}",
        f"- its message: `{first_line(second.stderr)}`",
    ]


def bench_disk_full(corpus: Path, work: Path, reference: dict) -> list[str]:
    why = namespaces_work()
    if why:
        return [f"- disk full: skipped ({why})"]
    mnt, res = work / "mnt", work / "disk-res"
    for d in (mnt, res):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
    cmd = " ".join(f"'{c}'" for c in command(corpus, mnt / "out"))
    script = f"""
mount -t tmpfs -o size=2m tmpfs '{mnt}' || exit 90
{cmd} 2> '{res}/err1'; echo $? > '{res}/rc1'
mount -o remount,size=256m '{mnt}'
{cmd} 2> '{res}/err2'; echo $? > '{res}/rc2'
cp -a '{mnt}/out' '{res}/out'
"""
    done = in_namespace(script)
    if done.returncode != 0:
        return [f"- disk full: the namespace script failed: {done.stderr.strip()[:300]}"]
    same = output_digest(res / "out") == reference
    return [
        f"- disk full (a 2 MB tmpfs): exit {(res / 'rc1').read_text().strip()}, "
        f"`{first_line((res / 'err1').read_text())}`",
        f"- after the tmpfs grew to 256 MB, the same command: exit "
        f"{(res / 'rc2').read_text().strip()}, records identical to the undisturbed run: "
        f"{'yes' if same else 'NO'}, verify {'green' if verify(res / 'out') == 0 else 'RED'}",
    ]


@contextlib.contextmanager
def memory_cgroup(limit_mb: int):
    group = CGROUP / f"tamis-faults-{os.getpid()}"
    group.mkdir()
    try:
        (group / "memory.limit_in_bytes").write_text(str(limit_mb << 20))
        with contextlib.suppress(OSError):
            (group / "memory.memsw.limit_in_bytes").write_text(str(limit_mb << 20))
        yield group
    finally:
        for pid in (group / "cgroup.procs").read_text().split():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        time.sleep(0.5)
        group.rmdir()


def run_in_cgroup(group: Path, cmd: list[str]) -> tuple[subprocess.CompletedProcess, int]:
    """Run ``cmd`` inside ``group``; returns its result and how many OOM kills the group saw."""
    wrapped = ["sh", "-c", f'echo $$ > {group}/cgroup.procs && exec "$@"', "sh", *cmd]
    res = subprocess.run(wrapped, env=ENV, capture_output=True, text=True, timeout=1800)
    kills = 0
    with contextlib.suppress(OSError):
        for line in (group / "memory.oom_control").read_text().splitlines():
            if line.startswith("oom_kill "):
                kills = int(line.split()[1])
    return res, kills


def bench_oom(work: Path) -> list[str]:
    if os.geteuid() != 0 or not (CGROUP / "memory.limit_in_bytes").exists():
        return ["- OOM killer: skipped (needs root and a cgroup v1 memory controller)"]
    import orjson

    corpus = work / "oom-corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir()
    # shard 0: 256 stories of 1.5 MB (one batch of 256 holds ~400 MB of text, more in flight);
    # the others small
    para = "The council said on Monday that new rules for river transport would apply. " * 20
    with open(corpus / "a-big.jsonl", "wb") as fh:
        for i in range(256):
            fh.write(orjson.dumps({"id": f"big{i}", "text": (para * 1000)[:1_500_000]}) + b"\n")
    for k in range(3):
        with open(corpus / f"b-small-{k}.jsonl", "wb") as fh:
            for i in range(200):
                fh.write(orjson.dumps({"id": f"s{k}-{i}", "text": para + str(i)}) + b"\n")
    lines = []
    limit = BIG_LIMIT_MB
    ref = work / "oom-ref"
    shutil.rmtree(ref, ignore_errors=True)
    cfg = work / "one-shard-a-file.yaml"
    cfg.write_text("shard_size_mb: 4096\n")  # the big file stays one shard
    base = run(command(corpus, ref, "--config", str(cfg), stages="repair,clean"))
    out = work / "oom-out"
    shutil.rmtree(out, ignore_errors=True)
    cmd = command(corpus, out, "--config", str(cfg), stages="repair,clean")
    with memory_cgroup(limit) as group:
        res, kills = run_in_cgroup(group, cmd)
    same = base.returncode == 0 and output_digest(out) == output_digest(ref)
    lines.append(
        f"- a {limit} MB memory cgroup, shard 0 = 256 records of 1.5 MB (batches of 256): "
        f"OOM kills {kills}, exit {res.returncode}, records identical to an unlimited run: "
        f"{'yes' if same else 'NO'}; stderr: `{first_line(res.stderr) if res.stderr.strip() else '(none)'}`"
    )
    # a record too big for the limit even alone: the shard fails twice and is named
    huge = work / "oom-huge"
    shutil.rmtree(huge, ignore_errors=True)
    huge.mkdir()
    with open(huge / "a-huge.jsonl", "wb") as fh:
        fh.write(orjson.dumps({"id": "huge", "text": (para * 40000)[:45_000_000]}) + b"\n")
    shutil.copy(corpus / "b-small-0.jsonl", huge)
    out2 = work / "oom-out2"
    shutil.rmtree(out2, ignore_errors=True)
    with memory_cgroup(HUGE_LIMIT_MB) as group:
        res, kills = run_in_cgroup(
            group,
            command(huge, out2, "--config", str(cfg), stages="repair,clean,gopher_quality"),
        )
    lines.append(
        f"- a {HUGE_LIMIT_MB} MB memory cgroup, one 45 MB record: OOM kills {kills}, exit {res.returncode}, "
        f"`{first_line(res.stderr)}`"
    )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=8)
    ap.add_argument("--per-file", type=int, default=750)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tamis-faults-"))
    os.chmod(work, 0o755)
    try:
        corpus = reuters_corpus(SHARED, work / "corpus", args.files, args.per_file)
        ref = work / "ref"
        t0 = time.perf_counter()
        assert run(command(corpus, ref)).returncode == 0
        undisturbed = time.perf_counter() - t0
        reference = output_digest(ref)
        docs = args.files * args.per_file
        lines = [
            "# Faults a long run meets: measured",
            "",
            f"- machine: {os.cpu_count()} cores, {cpu_model()}, Python {sys.version.split()[0]}",
            f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
            "- command: `.venv/bin/python bench/bench_faults.py"
            f" --files {args.files} --per-file {args.per_file}`",
            f"- corpus: {docs:,} real Reuters-21578 stories in {args.files} JSONL files "
            f"({args.files} shards); stages `repair,clean,exact_dedup,gopher_quality` (two "
            f"phases: spills and states between them); 2 workers; undisturbed run "
            f"{undisturbed:.1f} s",
            "",
            "## The driver SIGKILLed (alone) at many points, then the same command again",
            "",
            "Processes under the driver: the forkserver, multiprocessing's resource tracker and "
            "the 2 workers (none yet 0.5 s after start); each is polled every 5 ms after the "
            "kill until it has exited.",
            "",
            "| killed at | processes under the driver | all gone after (s) | rerun exit | records "
            "identical | verify |",
            "|---|---|---|---|---|---|",
        ]
        lines += bench_kills(corpus, work, reference, args.files)
        lines += ["", "## Two runs on one OUT", ""] + bench_two_runs(corpus, work)
        lines += ["", "## A full disk", ""] + bench_disk_full(corpus, work, reference)
        lines += ["", "## The OOM killer (a memory cgroup)", ""] + bench_oom(work)
        text = "\n".join(lines) + "\n"
        (ROOT / "bench" / "results" / "faults.md").write_text(text)
        print(text)
    finally:
        for p in descendants(os.getpid()):
            if alive(p):
                os.kill(p, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
