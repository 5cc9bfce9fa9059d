"""The Ray executor: optional, and when used, the same output as a local run, even when a Ray
worker is killed in the middle of a task.

The slow tests start a private local Ray instance with 2 CPUs (so 2 worker processes run tasks)
through ``tamis clean --executor ray``, over a corpus written here, with the default recipe
(or, while the default recipe holds no global stage, every registered stage in contract order,
so deduplication is always part of the run).
"""

from __future__ import annotations

import contextlib
import gzip
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

from tamis.config import ConfigError, build_config, recipe_data
from tamis.stages.base import CONTRACT_ORDER, stage_class, stage_names
from tests.helpers import output_digest, tamis

WORDS = (
    "council budget harbour railway minister report inflation market river bridge school "
    "hospital election union strike energy price farmers season drought export festival museum "
    "court ruling police mayor province storm coast tourism factory wages housing rent transport "
    "airport airline vaccine clinic teachers students research university climate policy tax"
).split()
BOILERPLATE = "Subscribe to our newsletter for the latest headlines every morning."


STOP = "the the the of of and and to to that with have be this from for was".split()


def _sentence(rng: random.Random) -> str:
    """Random words, about a third of them stop words: varied enough that no n-gram repeats."""
    n = rng.randint(9, 18)
    words = [rng.choice(STOP) if rng.random() < 0.35 else rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _article(rng: random.Random) -> str:
    paras = [" ".join(_sentence(rng) for _ in range(rng.randint(3, 6))) for _ in range(4)]
    return "\n\n".join(paras)


def write_corpus(root: Path, n_files: int = 4, docs_per_file: int = 40, seed: int = 5) -> Path:
    """A small scraped-news corpus with what every stage family acts on.

    Exact copies and near copies (one word changed) across files for the dedup stages, a
    shared boilerplate line for line-level dedup and cleaning, mojibake for repair, an empty
    text, a broken JSON line and a non-object record for quarantine; one file gzipped.
    """
    rng = random.Random(seed)
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    originals: list[str] = []
    for f in range(n_files):
        lines: list[bytes] = []
        for i in range(docs_per_file):
            roll = rng.random()
            if originals and roll < 0.12:
                text = rng.choice(originals)  # exact copy
            elif originals and roll < 0.24:
                words = rng.choice(originals).split(" ")
                words[rng.randrange(len(words))] = rng.choice(WORDS)
                text = " ".join(words)  # near copy
            else:
                text = _article(rng)
                if rng.random() < 0.3:
                    text += " It wasnâ€™t clear why the councilâ€™s plan was delayed."
                originals.append(text)
            if rng.random() < 0.5:
                text = f"{text}\n{BOILERPLATE}"
            lines.append(orjson.dumps({"id": f"f{f}-{i}", "text": text}))
        if f == 1:
            lines.insert(5, b'{"id": "broken", "text": "cut in the mid')
            lines.insert(9, orjson.dumps({"id": "empty", "text": ""}))
            lines.insert(12, b"[1, 2, 3]")
        data = b"\n".join(lines) + b"\n"
        if f == n_files - 1:
            (corpus / f"news-{f:02d}.jsonl.gz").write_bytes(gzip.compress(data, mtime=0))
        else:
            (corpus / f"news-{f:02d}.jsonl").write_bytes(data)
    return corpus


def recipe_args() -> list[str]:
    """The default recipe when it deduplicates; otherwise every registered stage, in order."""
    default = [name for name, _ in build_config(recipe_data("default")).stages]
    if any(stage_class(n).is_global for n in default):
        return []
    names = [n for n in CONTRACT_ORDER if n in stage_names()]
    assert any(stage_class(n).is_global for n in names), "no global stage is registered"
    return ["--stages", ",".join(names)]


def clean_args(corpus: Path, out: Path, *extra: str) -> list[str]:
    return [
        "clean",
        str(corpus),
        "-o",
        str(out),
        "--workers",
        "2",
        "--quiet",
        *recipe_args(),
        *extra,
    ]


def clean(corpus: Path, out: Path, *extra: str) -> None:
    assert tamis(*clean_args(corpus, out, *extra)) == 0


@dataclass
class Reference:
    """A corpus and the digest of its local run, shared by the Ray runs of this module.

    Every run writes to the same path, ``out`` (moved aside afterwards), so that a Ray run is
    compared with a local run of exactly the same command but for ``--executor``.
    """

    base: Path
    corpus: Path
    digest: dict[str, str]

    @property
    def out(self) -> Path:
        return self.base / "out"


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Reference:
    need_ray()
    base = tmp_path_factory.mktemp("ray")
    corpus = write_corpus(base)
    clean(corpus, base / "out")
    digest = output_digest(base / "out")
    (base / "out").rename(base / "out-local")
    return Reference(base, corpus, digest)


@pytest.fixture
def ref(reference: Reference, request) -> Iterator[Reference]:
    """The shared reference, with ``out`` free for this test and moved aside after it."""
    yield reference
    if reference.out.exists():
        reference.out.rename(reference.base / f"out-{request.node.name}")


def need_ray():
    """Ray, or a skip on a machine without it; in CI (``CI=true``) its absence is a failure."""
    try:
        import ray
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("Ray is not installed, and CI must run the Ray tests: install tamis[ray]")
        pytest.skip("Ray is not installed (pip install 'tamis[ray]')")
    return ray


# --- Ray is optional ----------------------------------------------------------------------


def test_tamis_imports_and_runs_without_ray(tmp_path: Path) -> None:
    """Every module but the Ray executor loads, and a local run works, with no Ray at all."""
    corpus = write_corpus(tmp_path, n_files=1, docs_per_file=5)
    code = (
        "import sys; sys.modules['ray'] = None\n"  # any `import ray` now fails
        "import tamis.cli, tamis.run.driver, tamis.run.executors, tamis.stages.base\n"
        "tamis.stages.base.stage_names()\n"
        f"rc = tamis.cli.main(['clean', {str(corpus)!r}, '-o', {str(tmp_path / 'o')!r}, "
        "'--quiet', '--stages', 'repair'])\n"
        "assert rc == 0, rc\n"
        "assert sys.modules['ray'] is None\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path)
    assert result.returncode == 0


def test_executor_ray_without_ray_is_a_config_error(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    corpus = write_corpus(tmp_path, n_files=1, docs_per_file=3)
    rc = tamis("clean", corpus, "-o", tmp_path / "out", "--executor", "ray", "--quiet")
    err = capsys.readouterr().err
    assert rc == 2
    assert "executor: 'ray' needs the Ray package" in err
    assert "pip install 'tamis[ray]'" in err


def test_unreachable_cluster_address_fails_fast_naming_the_key() -> None:
    need_ray()
    from tamis.run.ray_executor import RayExecutor

    t0 = time.perf_counter()
    with pytest.raises(ConfigError, match="ray_address: nothing answers at '127.0.0.1:1'"):
        RayExecutor(2, "127.0.0.1:1")
    assert time.perf_counter() - t0 < 30


# --- Same output on Ray -------------------------------------------------------------------


@pytest.mark.slow
def test_ray_run_is_byte_identical_to_local_and_verifies(ref: Reference, monkeypatch) -> None:
    need_ray()
    from tamis.run import driver

    seen: list[tuple] = []
    original = driver._Progress.message

    def spy(self, msg: tuple) -> None:
        seen.append(msg)
        original(self, msg)

    monkeypatch.setattr(driver._Progress, "message", spy)
    # progress is only collected when it is shown: show it, as on a terminal
    run = driver.run_pipeline
    monkeypatch.setattr(
        driver,
        "run_pipeline",
        lambda cfg, overwrite=False, show_progress=False: run(cfg, overwrite, True),
    )
    # no --ray-address: a private instance, whatever cluster the environment points at
    monkeypatch.setenv("RAY_ADDRESS", "127.0.0.1:1")
    clean(ref.corpus, ref.out, "--executor", "ray")

    assert output_digest(ref.out) == ref.digest
    assert any(p.startswith("kept/") for p in ref.digest)
    manifest = orjson.loads((ref.out / "manifest.json").read_bytes())
    assert len(manifest["shards"]) == 4
    assert manifest["counts"]["quarantined"] >= 2
    stats = orjson.loads((ref.out / "stats.json").read_bytes())
    dedup = [name for name in stats["global"] if name.endswith("dedup")]
    assert sum(stats["stages"][name]["rejected"] for name in dedup) > 0, "no copy was removed"
    assert tamis("verify", ref.out) == 0
    run = orjson.loads((ref.out / "run.json").read_bytes())
    assert run["executor"] == "ray"

    # Progress reached the driver from the Ray workers: every document read, counted once.
    read_docs = manifest["counts"]["input"] - manifest["counts"]["quarantined"]
    assert sum(docs for phase, docs, _ in seen if phase == 0) == read_docs


# --- A Ray worker killed mid-task --------------------------------------------------------


def _descendants(root: int) -> set[int]:
    """Processes below ``root`` (from /proc), so the killer never touches another run's Ray."""
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    out, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, ppid in parent.items() if ppid in frontier} - out
        out |= frontier
    return out


def _title(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
    except OSError:
        return ""


class _Killer(threading.Thread):
    """SIGKILLs the first Ray worker process of this test seen running a tamis task."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.killed: list[tuple[int, str]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.stop.is_set() and not self.killed:
            for pid in _descendants(me):
                title = _title(pid)
                if title.startswith("ray::tamis:phase"):
                    os.kill(pid, signal.SIGKILL)
                    self.killed.append((pid, title))
                    break
            time.sleep(0.005)


ON_PROC = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


@pytest.mark.slow
@ON_PROC
def test_killed_ray_worker_is_retried_and_output_is_identical(ref: Reference) -> None:
    need_ray()
    killer = _Killer()
    killer.start()
    try:
        clean(ref.corpus, ref.out, "--executor", "ray")
    finally:
        killer.stop.set()
        killer.join()

    assert len(killer.killed) == 1, "no Ray worker was seen running a task"
    pid, title = killer.killed[0]
    assert _title(pid) != title  # gone (or a zombie): the task really lost its process
    assert output_digest(ref.out) == ref.digest
    assert tamis("verify", ref.out) == 0


# --- The driver killed: the run resumes from its finished shards --------------------------


@pytest.mark.slow
@ON_PROC
def test_ray_run_whose_driver_died_resumes_to_identical_output(ref: Reference) -> None:
    need_ray()
    args = clean_args(ref.corpus, ref.out, "--executor", "ray")
    proc = subprocess.Popen([sys.executable, "-m", "tamis.cli", *args], start_new_session=True)
    try:
        markers = ref.out / ".tamis" / "phase0"
        deadline = time.monotonic() + 300
        while not list(markers.glob("*.done.json")):
            assert proc.poll() is None, "the run ended before it could be interrupted"
            assert time.monotonic() < deadline, "no shard finished in time"
            time.sleep(0.05)
        from tamis.run.lock import process_start
        from tamis.run.reaper import descendants, running

        ray_processes = {pid: process_start(pid) for pid in descendants(proc.pid)}
        assert ray_processes, "the Ray instance runs below the driver"
        os.kill(proc.pid, signal.SIGKILL)  # the driver dies mid-run ...
        proc.wait()
        # ... and its Ray instance (GCS, raylet, agents, task workers) within a second
        deadline = time.monotonic() + 1.0
        while any(running(p, t) for p, t in ray_processes.items()):
            assert time.monotonic() < deadline, [
                p for p, t in ray_processes.items() if running(p, t)
            ]
            time.sleep(0.05)
    finally:
        # ... and, as on a machine that went down, nothing of its Ray instance survives it
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert not (ref.out / "manifest.json").exists()

    clean(ref.corpus, ref.out, "--executor", "ray")
    run = orjson.loads((ref.out / "run.json").read_bytes())
    assert run["resumed_tasks"] >= 1
    assert output_digest(ref.out) == ref.digest
    assert tamis("verify", ref.out) == 0


# --- Errors in tamis code, and someone else's Ray connection ------------------------------


@pytest.mark.slow
def test_code_error_surfaces_with_its_type_and_a_joined_ray_is_left_running(tmp_path) -> None:
    """A task that fails in tamis code fails the run with the original exception (so the CLI
    reports it as it does locally); an executor that found Ray already connected leaves it."""
    ray = need_ray()
    from tamis.run.plan import Shard
    from tamis.run.ray_executor import RayExecutor
    from tamis.run.worker import Task

    corpus = write_corpus(tmp_path, n_files=1, docs_per_file=3)
    config = build_config({"stages": [{"repair": {}}]}).resolved()
    config["stages"] = [{"no_such_stage": {}}]  # fails inside the worker, when it is built
    path = str(next(corpus.iterdir()))
    task = Task(str(tmp_path / "out"), config, 0, Shard(0, path, 0, None, 1).to_dict())

    ray.init(address="local", num_cpus=1, include_dashboard=False, log_to_driver=False)
    try:
        executor = RayExecutor(1, None, None)
        with pytest.raises(ConfigError, match="no_such_stage"):
            list(executor.run([task]))
        executor.close()
        assert ray.is_initialized()
    finally:
        ray.shutdown()


@pytest.mark.slow
@ON_PROC
def test_a_local_instance_closed_in_order_leaves_no_watcher_behind() -> None:
    """A long-lived driver (a notebook, a service) that runs tamis on Ray several times must not
    gather one polling watcher per run."""
    ray = need_ray()
    from tamis.run.ray_executor import RayExecutor

    assert not ray.is_initialized()
    executor = RayExecutor(1, None, None)
    watcher = executor._reaper
    assert watcher is not None and watcher.poll() is None
    executor.close()
    assert not ray.is_initialized()
    assert watcher.poll() is not None, "the watcher outlived the instance it watched"
