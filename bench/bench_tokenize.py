"""Benchmark of ``tamis tokenize``: ids, throughput per worker beside tokenizers' own
``encode_batch`` and datatrove's ``DocumentTokenizer``, and memory per worker.

    .venv/bin/python bench/bench_tokenize.py            # writes bench/results/tokenize.md

Data: two real corpora from ../shared/data, written once as plain JSONL that every tool reads:
Reuters-21578 (all 14,110 stories: the part the code was developed on) and IMDb reviews
(the first 20,000: held out, never looked at while writing the code). The tokenizer is a
32,000-token byte-level BPE (GPT-2 style) trained here on other IMDb reviews (the last 15,000),
so no run reads the texts it was trained on; nothing is downloaded.

Each tool runs as its own process, so its start-up (imports, tokenizer load, reading and
parsing the JSONL) is included, on one thread (``RAYON_NUM_THREADS=1``,
``TOKENIZERS_PARALLELISM=false``), wall time, the three tools interleaved, best of
``--rounds``:

- ``encode_batch``: read the texts, ``Tokenizer.encode_batch(texts)`` once over all of them;
- ``datatrove``: datatrove 0.10.1 ``JsonlReader`` -> ``DocumentTokenizer`` (EOS added,
  shuffling off, one task, one worker);
- ``tamis``: ``tamis tokenize FILE -o DIR --tokenizer T --workers 1`` (Megatron .bin/.idx).

Then, outside the timings: every tamis sequence is compared with ``encode(text).ids + [eos]``
for every document, and ``tamis tokenize --workers 2`` is run for its per-worker memory.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import orjson
import zstandard
from machine import cpu_model

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
WORK = ROOT / "bench" / "work" / "tokenize"
PY = sys.executable
ENV = {**os.environ, "RAYON_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}

# peak resident memory from /proc (ru_maxrss would be floored at this benchmark's own size,
# inherited across fork and exec); for tamis, also the peak of each worker process it starts
HWM = r"""
import os, threading

def hwm(pid="self"):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

WORKERS = {}

def children(pid):
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out + [g for c in out for g in children(c)]

def watch():
    while True:
        for c in children(os.getpid()):
            WORKERS[c] = max(WORKERS.get(c, 0), hwm(c))
        threading.Event().wait(0.2)

threading.Thread(target=watch, daemon=True).start()
"""

REFERENCE = (
    HWM
    + r"""
import sys, time
t0 = time.perf_counter()
import orjson
from tokenizers import Tokenizer
tok = Tokenizer.from_file(sys.argv[1])
with open(sys.argv[2], "rb") as fh:
    texts = [orjson.loads(line)["text"] for line in fh]
ids = [e.ids for e in tok.encode_batch(texts)]
n = sum(map(len, ids)) + len(ids)
print(n, time.perf_counter() - t0, hwm())
"""
)

DATATROVE = (
    HWM
    + r"""
import sys, time
t0 = time.perf_counter()
from pathlib import Path
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.tokens.tokenizer import DocumentTokenizer
tok, data, out = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
LocalPipelineExecutor(
    pipeline=[
        JsonlReader(str(data.parent), glob_pattern=data.name, compression=None),
        DocumentTokenizer(out, tokenizer_name_or_path=tok, eos_token="<|endoftext|>",
                          shuffle_documents=False),
    ],
    tasks=1, workers=1, logging_dir=out + "-logs",
).run()
n = sum(p.stat().st_size for p in Path(out).glob("*.ds")) // 2
print(n, time.perf_counter() - t0, hwm())
"""
)

TAMIS = (
    HWM
    + r"""
import sys, time
t0 = time.perf_counter()
from tamis.cli import main
code = main(sys.argv[1:])
assert code == 0
import orjson
from pathlib import Path
out = Path(sys.argv[sys.argv.index("-o") + 1])
n = orjson.loads((out / "tokens.json").read_bytes())["total"]["tokens"]
print(n, time.perf_counter() - t0, max([hwm(), *WORKERS.values()]))
"""
)


NOTES = """
Notes:

- What is compared: `encode_batch` is the floor of any tool built on `tokenizers` (it reads
  the texts and encodes them, nothing else); datatrove and tamis also write their files and
  count. tamis frames the ids (EOS), writes the Megatron `.bin`/`.idx`, checksums every file
  and writes `tokens.json`; its start-up (the tamis CLI, the input readers) is counted.
- Memory: encode_batch and datatrove's figures hold all the corpus's encodings at once
  (the former by construction, the latter because its batch is 10,000 documents); a tamis
  worker holds at most 512 documents or 4 MB of text, and the shard's per-document lengths.
- Megatron-core's own `IndexedDataset` is not run here: megatron-core needs PyTorch, which this
  machine does not have; the files are checked byte for byte against datatrove's
  `MegatronDocumentTokenizer` (a writer of Megatron's layout) and read by a reader written from
  the format's description (tests/test_tokenize.py).
"""


def read_texts(path: Path, limit: int | None = None, skip: int = 0) -> list[dict]:
    out = []
    with zstandard.open(path, "rb") as fh:
        for i, line in enumerate(fh.read().splitlines()):
            if i < skip:
                continue
            if limit is not None and len(out) == limit:
                break
            rec = orjson.loads(line)
            out.append({"id": str(rec["id"]), "text": rec["text"]})
    return out


def prepare() -> tuple[Path, dict[str, Path]]:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    WORK.mkdir(parents=True, exist_ok=True)
    imdb = SHARED / "text" / "imdb-reviews.jsonl.zst"
    corpora = {
        "reuters (developed on)": read_texts(SHARED / "text" / "reuters-21578.jsonl.zst"),
        "imdb (held out)": read_texts(imdb, 20_000),
    }
    files = {}
    for name, recs in corpora.items():
        p = WORK / f"{name.split()[0]}.jsonl"
        p.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))
        files[name] = p
    tok_path = WORK / "bpe32k.json"
    if not tok_path.exists():
        train = [r["text"] for r in read_texts(imdb, skip=60_000)]
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
        tok.train_from_iterator(
            train,
            trainers.BpeTrainer(
                vocab_size=32_000,
                special_tokens=["<|endoftext|>"],
                initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
            ),
        )
        tok.save(str(tok_path))
    return tok_path, files


def cpu_of_children() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run(script: str, *args: str) -> tuple[int, float, int, float]:
    """(tokens, CPU seconds of the process and its workers, peak RSS in kB, wall seconds)."""
    t0, c0 = time.perf_counter(), cpu_of_children()
    res = subprocess.run(
        [PY, "-c", script, *args], env=ENV, capture_output=True, text=True, check=False
    )
    wall, cpu = time.perf_counter() - t0, cpu_of_children() - c0
    if res.returncode != 0:
        raise SystemExit(f"failed: {args}\n{res.stderr[-3000:]}")
    n, _inner, rss_kb = res.stdout.split()[-3:]
    return int(n), cpu, int(rss_kb), wall


def check_ids(tok_path: Path, data: Path, out: Path) -> tuple[int, int]:
    """(documents checked, documents whose ids differ) over every document of the corpus."""
    import numpy as np
    from tokenizers import Tokenizer

    from tamis.tokenize.formats import read_sequences

    tok = Tokenizer.from_file(str(tok_path))
    eos = tok.token_to_id("<|endoftext|>")
    texts = [orjson.loads(line)["text"] for line in data.read_bytes().splitlines()]
    seqs = list(read_sequences(out / "part-00000", "megatron", "uint16"))
    bad = 0 if len(seqs) == len(texts) else abs(len(seqs) - len(texts))
    for seq, enc in zip(seqs, tok.encode_batch(texts), strict=False):
        if not np.array_equal(seq, np.array([*enc.ids, eos])):
            bad += 1
    return len(texts), bad


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    if not SHARED.exists():
        raise SystemExit(f"{SHARED} is absent")
    from importlib.metadata import version

    import tokenizers

    tok_path, files = prepare()
    rows = []
    for name, data in files.items():
        mb = data.stat().st_size / 1e6
        best: dict[str, tuple[int, float, int, float]] = {}
        for r in range(args.rounds):
            order = ["encode_batch", "datatrove", "tamis"]
            if r % 2:
                order.reverse()
            for tool in order:
                out = WORK / f"out-{tool}"
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(WORK / f"out-{tool}-logs", ignore_errors=True)
                if tool == "encode_batch":
                    got = run(REFERENCE, str(tok_path), str(data))
                elif tool == "datatrove":
                    got = run(DATATROVE, str(tok_path), str(data), str(out))
                else:
                    got = run(TAMIS, "tokenize", str(data), "-o", str(out), "--tokenizer",
                              str(tok_path), "--workers", "1", "--quiet")  # fmt: skip
                if tool not in best or got[1] < best[tool][1]:
                    best[tool] = got
        n_docs, bad = check_ids(tok_path, data, WORK / "out-tamis")
        rows.append((name, mb, n_docs, bad, best))
    # both corpora at once on two workers (one shard each): memory per worker
    out2 = WORK / "out-tamis-2"
    shutil.rmtree(out2, ignore_errors=True)
    both = [str(p) for p in files.values()]
    two = run(TAMIS, "tokenize", *both, "-o", str(out2), "--tokenizer", str(tok_path),
              "--workers", "2", "--quiet")  # fmt: skip

    lines = [
        "## Tokenize: tamis vs tokenizers' encode_batch and datatrove's DocumentTokenizer",
        "",
        f"- machine: {os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}",
        f"- tokenizers {tokenizers.__version__}, datatrove {version('datatrove')}",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- command: `.venv/bin/python bench/bench_tokenize.py --rounds {args.rounds}`",
        "- tokenizer: byte-level BPE, 32,000 tokens, trained here on IMDb reviews 60,000-75,000;"
        " EOS `<|endoftext|>` after every document; output uint16",
        "- every tool: its own process, start-up included, one thread; seconds are CPU seconds"
        " (user + system) of that process, so that the other loads of this shared machine do"
        " not count; best of the interleaved rounds (wall seconds beside them)",
        "",
        "| corpus | MB | documents | tool | CPU seconds | wall seconds | MB/s | tokens/s |"
        " vs encode_batch | vs datatrove | peak RSS |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, mb, n_docs, _bad, best in rows:
        ref = best["encode_batch"][1]
        dt = best["datatrove"][1]
        for tool in ("encode_batch", "datatrove", "tamis"):
            n, sec, rss, wall = best[tool]
            lines.append(
                f"| {name} | {mb:.1f} | {n_docs:,} | {tool} | {sec:.2f} | {wall:.2f} | "
                f"{mb / sec:.2f} | "
                f"{n / sec:,.0f} | {ref / sec:.2f}x | {dt / sec:.2f}x | {rss / 1024:.0f} MB |"
            )
    lines += ["", "Token ids and memory:", ""]
    for name, _mb, n_docs, bad, best in rows:
        lines.append(
            f"- {name}: {n_docs - bad:,} of {n_docs:,} documents hold exactly "
            f"`encode(text).ids + [eos]`; same token count in all three tools: "
            f"{len({best[t][0] for t in best}) == 1} ({best['tamis'][0]:,} tokens)"
        )
    total_mb = sum(r[1] for r in rows)
    lines.append(
        f"- both corpora at once ({total_mb:.1f} MB, two shards), `--workers 2`: "
        f"{two[3]:.2f} s wall, {two[0]:,} tokens, peak RSS of the largest worker "
        f"{two[2] / 1024:.0f} MB: a worker holds one batch of documents and its shard's "
        "per-document index, not the corpus"
    )
    lines.append(NOTES)
    (ROOT / "bench" / "results" / "tokenize.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
