"""Read ``tamis tokenize``'s Megatron files with Megatron-core's own ``IndexedDataset``.

Megatron-core needs PyTorch, which the test extra does not carry (a CPU build is hundreds of MB),
so this check runs outside the test suite, with a second Python that has it:

    python3.11 -m venv /tmp/mv && /tmp/mv/bin/pip install torch==2.13.0 megatron-core
    .venv/bin/python bench/check_megatron.py --megatron-python /tmp/mv/bin/python

It tokenizes the Reuters stories with the benchmark's BPE (``bench_tokenize.prepare``), into
several shards and files (``--workers 2 --shard-tokens``), then asks Megatron-core for every
sequence and the document indices of every file and compares them with tamis's own reader
(``tamis.tokenize.formats.read_sequences``) and with ``Tokenizer.encode(text).ids + [eos]``.
The result is appended to ``bench/results/tokenize.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

MEGATRON_DUMP = r"""
import hashlib, json, sys
import numpy as np
from megatron.core.datasets.indexed_dataset import IndexedDataset
import megatron.core
out = {"version": megatron.core.__version__, "files": {}}
for prefix in sys.argv[1:]:
    ds = IndexedDataset(prefix, multimodal=False, mmap=True)
    seqs = [hashlib.sha256(np.asarray(ds[i]).astype("<i8").tobytes()).hexdigest() for i in range(len(ds))]
    out["files"][prefix] = {
        "sequences": seqs,
        "document_indices": np.asarray(ds.document_indices).tolist(),
        "dtype": str(ds.index.dtype),
    }
print(json.dumps(out))
"""


def digest(ids) -> str:
    import numpy as np

    return hashlib.sha256(np.asarray(ids).astype("<i8").tobytes()).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--megatron-python", required=True, help="a Python with megatron-core")
    args = ap.parse_args()

    import orjson
    from bench_tokenize import WORK, prepare
    from tokenizers import Tokenizer

    from tamis.tokenize.formats import read_sequences

    tok_path, files = prepare()
    data = files["reuters (developed on)"]
    out = WORK / "megatron-check"
    subprocess.run(
        [sys.executable, "-m", "tamis.cli", "tokenize", str(data), "-o", str(out), "--tokenizer",
         str(tok_path), "--workers", "2", "--shard-tokens", "400000", "--overwrite", "--quiet"],
        check=True,
    )  # fmt: skip
    prefixes = sorted(str(p.with_suffix("")) for p in out.glob("*.idx"))
    dump = subprocess.run(
        [args.megatron_python, "-W", "ignore", "-c", MEGATRON_DUMP, *prefixes],
        check=True,
        capture_output=True,
        text=True,
    )
    theirs = json.loads(dump.stdout.strip().splitlines()[-1])
    tok = Tokenizer.from_file(str(tok_path))
    eos = tok.token_to_id("<|endoftext|>")
    texts = [orjson.loads(line)["text"] for line in data.read_bytes().splitlines()]
    expected = iter(digest(tok.encode(t).ids + [eos]) for t in texts)
    n_seq = n_equal_tamis = n_equal_encode = 0
    for prefix in prefixes:
        meg = theirs["files"][prefix]
        ours = [digest(s) for s in read_sequences(Path(prefix), "megatron", "")]
        assert meg["document_indices"] == list(range(len(ours) + 1)), prefix
        n_seq += len(meg["sequences"])
        n_equal_tamis += sum(a == b for a, b in zip(meg["sequences"], ours, strict=True))
        n_equal_encode += sum(a == next(expected) for a in meg["sequences"])
    line = (
        f"\n## Read by Megatron-core\n\n- command: `.venv/bin/python bench/check_megatron.py "
        f"--megatron-python /tmp/mv/bin/python` (megatron-core {theirs['version']}, CPU PyTorch)\n"
        f"- {len(prefixes)} `.bin`/`.idx` files of {len(texts):,} Reuters stories (2 workers, "
        f"`--shard-tokens 400000`): Megatron-core's `IndexedDataset` reads {n_seq:,} sequences; "
        f"{n_equal_tamis:,} equal tamis's own reader, {n_equal_encode:,} equal "
        f"`encode(text).ids + [eos]`; document indices 0..n in every file\n"
    )
    print(line)
    if n_seq != len(texts) or n_equal_tamis != n_seq or n_equal_encode != n_seq:
        sys.exit(1)
    results = HERE / "results" / "tokenize.md"
    results.write_text(results.read_text(encoding="utf-8").rstrip() + "\n" + line, "utf-8")


if __name__ == "__main__":
    main()
