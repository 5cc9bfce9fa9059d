"""The pool's forkserver started early: workers are forked with the worker side imported."""

from __future__ import annotations

import os
import subprocess
import sys

import orjson
import pytest

PROBE = """
import concurrent.futures as cf, multiprocessing, sys
if sys.argv[1] == "warm":
    from tamis.run.warm import warm_workers
    warm_workers(["corpus/in.jsonl", "out"])
ctx = multiprocessing.get_context("forkserver")
with cf.ProcessPoolExecutor(1, mp_context=ctx) as pool:
    # eval is pickled by name: the worker imports nothing to run it
    print(pool.submit(eval, "sorted(m for m in ('tamis.run.worker', 'numpy') "
                      "if m in __import__('sys').modules)").result())
"""


def _worker_modules(how: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, how], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_warm_worker_has_the_worker_side_and_no_stage_library_before_its_first_task():
    assert _worker_modules("warm") == "['tamis.run.worker']"
    # a forkserver started by the pool itself gives its workers nothing
    assert _worker_modules("cold") == "[]"


WARM_PROBE = """
import concurrent.futures as cf, json, multiprocessing, sys
from tamis.config import load_config
from tamis.run.warm import warm_run, warm_workers
from tamis.run.worker import pipeline_key
given = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
cfg = load_config(None, None, {"inputs": [sys.argv[1]], "output": sys.argv[2], "workers": 2,
                               "storage_options": given})
config = cfg.resolved()
warm_workers([sys.argv[1], sys.argv[2]], warm_run(cfg))
ctx = multiprocessing.get_context("forkserver")
with cf.ProcessPoolExecutor(1, mp_context=ctx) as pool:
    cached = pool.submit(eval, "list(__import__('tamis.run.worker').run.worker._PIPELINES)")
    loaded = pool.submit(eval, "'py3langid' in __import__('sys').modules")
    env = pool.submit(eval, "'TAMIS_WARM_RUN' in __import__('os').environ")
    # the forkserver's environment as it was started (what /proc keeps), read by its child
    started = pool.submit(eval, "open('/proc/' + str(__import__('os').getppid()) + '/environ').read()")
    secrets = [v for opts in given.values() for v in opts.values()]
    print(json.dumps({
        "same_key": cached.result() == [pipeline_key(config)],
        "langid_model_loaded": loaded.result(),
        "run_left_in_environment": env.result(),
        "secret_in_environment": any(v in started.result() for v in secrets),
    }))
"""


def _warm_probe(argv: list[str], env: dict[str, str] | None = None) -> dict:
    """What a worker forked for a run over ``argv`` (inputs, OUT, storage options) finds."""
    done = subprocess.run(
        [sys.executable, "-c", WARM_PROBE, *argv],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return orjson.loads(done.stdout.strip().splitlines()[-1])


WARMED = {
    "same_key": True,
    "langid_model_loaded": True,
    "run_left_in_environment": False,
    "secret_in_environment": False,
}


def test_a_worker_forked_for_a_run_has_its_pipeline_built_and_its_stages_loaded(
    shared_data, tmp_path
):
    """Given the run, the forkserver builds the pipeline the tasks ask for (the same cache key)
    and runs its stages once over the input's first documents, so the language model is
    loaded before the first task; the run's configuration is not left in the environment."""
    import zstandard

    slice_ = tmp_path / "imdb-50.jsonl"
    with zstandard.open(shared_data / "text" / "imdb-reviews.jsonl.zst", "rt") as fh:
        slice_.write_text("".join(line for _, line in zip(range(50), fh, strict=False)))
    assert _warm_probe([str(slice_), str(tmp_path / "out")]) == WARMED


def test_a_run_over_urls_only_is_warmed_on_the_demo_documents_without_a_request(tmp_path):
    """With every input a URL (here one no server answers) and storage options holding a
    secret, the forkserver still builds the tasks' pipeline and loads the stages' models, on the
    demo corpus's documents: it reads no URL (the storage clients' threads would not survive
    the fork, and a request would fail here), and the secret is in no environment."""
    secret = {"s3": {"key": "AKIAWARMPROBE", "secret": "not-in-any-environment"}}
    argv = ["s3://tamis-no-such-bucket/corpus.jsonl.zst", str(tmp_path / "out")]
    env = {**os.environ, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    assert _warm_probe([*argv, orjson.dumps(secret).decode()], env) == WARMED


def test_the_demo_documents_stand_in_when_no_input_is_local():
    """The warm-up's stand-in documents are real records: text, ids, and each one unique."""
    from tamis.run.prewarm import WARM_DOCS, _demo_documents

    docs = _demo_documents()
    assert len(docs) == WARM_DOCS
    assert len({d.id for d in docs}) == WARM_DOCS
    assert all(d.text.strip() and d.kept for d in docs)


@pytest.mark.slow  # two fresh commands, each loading every stage
def test_warmed_workers_write_what_one_worker_writes(shared_data, tmp_path):
    """Two workers forked from a warmed forkserver (a fresh command, as a user runs it) write
    the same outputs, stats and manifest as one worker: the warm-up's documents leave no
    trace."""
    import zstandard

    from tests.helpers import default_recipe_with_shards, output_digest

    slice_ = tmp_path / "imdb-120.jsonl"
    with zstandard.open(shared_data / "text" / "imdb-reviews.jsonl.zst", "rt") as fh:
        slice_.write_text("".join(line for _, line in zip(range(120), fh, strict=False)))
    recipe = default_recipe_with_shards(tmp_path / "recipe.yaml", 0.05)
    outs = {}
    for workers in (1, 2):
        out = outs[workers] = tmp_path / f"w{workers}" / "out"  # the report names OUT
        done = subprocess.run(
            [sys.executable, "-m", "tamis.cli", "clean", str(slice_), "-o", str(out)]
            + ["--config", str(recipe), "--workers", str(workers), "--quiet"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
    assert len(list((outs[2] / "kept").iterdir())) > 2  # several shards, so both workers ran
    assert output_digest(outs[1]) == output_digest(outs[2])


def test_the_warm_up_finds_its_documents_in_a_folder_past_files_it_cannot_use(tmp_path):
    """A run over a folder is warmed too: its first file a reader takes and that holds text,
    walked in the plan's order, past hidden files, files of no known type and empty files."""
    from tamis.io.base import ReadOptions
    from tamis.run.prewarm import _first_documents

    corpus = tmp_path / "corpus"
    (corpus / "a").mkdir(parents=True)
    (corpus / ".hidden.jsonl").write_text('{"text": "hidden"}\n')
    (corpus / "a" / "0-notes.bin").write_bytes(b"\x00\x01")
    (corpus / "a" / "1-empty.jsonl").write_text("")
    (corpus / "a" / "2-docs.jsonl").write_text(
        "".join(orjson.dumps({"text": f"document {k}"}).decode() + "\n" for k in range(3))
    )
    (corpus / "b.jsonl").write_text('{"text": "later"}\n')
    docs = _first_documents([str(corpus)], ReadOptions())
    assert [d.text for d in docs] == ["document 0", "document 1", "document 2"]
    assert _first_documents([str(tmp_path / "missing")], ReadOptions()) == []
