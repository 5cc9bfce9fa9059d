"""`tamis tokenize` on real text, with a BPE tokenizer trained here on the same public data.

The Megatron files are read by a reader written in this file from the format's description
(not the project's own reader), and compared byte for byte with datatrove's writers for the
Megatron and datatrove formats.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import orjson
import pytest
import zstandard

from tests.helpers import require, tamis

N_FILES = 3
DOCS_PER_FILE = 300


def _reuters(shared_data: Path, n: int, skip: int = 0) -> list[dict]:
    out = []
    with zstandard.open(shared_data / "text" / "reuters-21578.jsonl.zst", "rb") as fh:
        for i, line in enumerate(fh.read().splitlines()):
            if i < skip:
                continue
            if len(out) == n:
                break
            out.append(orjson.loads(line))
    return out


@pytest.fixture(scope="module")
def corpus(shared_data: Path, tmp_path_factory) -> dict:
    """Three JSONL inputs of real newswire, and a byte-level BPE trained on other stories."""
    tk = require("tokenizers")
    root = tmp_path_factory.mktemp("tok")
    train = [r["text"] for r in _reuters(shared_data, 2000, skip=6000)]
    tok = tk.Tokenizer(tk.models.BPE())
    tok.pre_tokenizer = tk.pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = tk.decoders.ByteLevel()
    trainer = tk.trainers.BpeTrainer(
        vocab_size=3000,
        special_tokens=["<|endoftext|>", "<|bos|>"],
        initial_alphabet=tk.pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(train, trainer)
    tok_path = root / "bpe.json"
    tok.save(str(tok_path))
    records = _reuters(shared_data, N_FILES * DOCS_PER_FILE)
    inputs = root / "in"
    inputs.mkdir()
    for i in range(N_FILES):
        chunk = records[i * DOCS_PER_FILE : (i + 1) * DOCS_PER_FILE]
        (inputs / f"news-{i}.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in chunk))
    return {"root": root, "tokenizer": tok_path, "inputs": inputs, "records": records, "tok": tok}


def _run(corpus: dict, out: Path, *extra: str) -> None:
    code = tamis(
        "tokenize", corpus["inputs"], "-o", out, "--tokenizer", corpus["tokenizer"], "--quiet",
        *extra,
    )  # fmt: skip
    assert code == 0


def read_megatron(prefix: Path) -> tuple[str, list[np.ndarray]]:
    """Megatron's indexed dataset, read from its description alone."""
    raw = prefix.with_suffix(".idx").read_bytes()
    assert raw[:9] == b"MMIDIDX\x00\x00"
    assert struct.unpack("<Q", raw[9:17]) == (1,)
    code = raw[17]
    dtype = {8: "<u2", 4: "<i4"}[code]
    n_seq, n_doc = struct.unpack("<QQ", raw[18:34])
    lengths = np.frombuffer(raw, "<i4", n_seq, 34)
    pointers = np.frombuffer(raw, "<i8", n_seq, 34 + 4 * n_seq)
    docs = np.frombuffer(raw, "<i8", n_doc, 34 + 12 * n_seq)
    assert len(raw) == 34 + 20 * n_seq + 8
    assert n_doc == n_seq + 1 and docs.tolist() == list(range(n_seq + 1))
    data = prefix.with_suffix(".bin").read_bytes()
    size = np.dtype(dtype).itemsize
    assert len(data) == int(lengths.sum()) * size
    seqs = []
    expect = 0
    for length, ptr in zip(lengths.tolist(), pointers.tolist(), strict=True):
        assert ptr == expect
        seqs.append(np.frombuffer(data, dtype, length, ptr))
        expect += length * size
    return dtype, seqs


def _digest(out: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.iterdir())
        if p.is_file() and p.name != "run.json"
    }


def test_megatron_ids_are_encode_plus_eos_and_round_trip(corpus: dict, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(corpus, out, "--workers", "1")
    tok = corpus["tok"]
    eos = tok.token_to_id("<|endoftext|>")
    seqs = []
    for i in range(N_FILES):
        dtype, part = read_megatron(out / f"part-{i:05d}")
        assert dtype == "<u2"  # a 3,000-token vocabulary
        seqs += part
    texts = [r["text"] for r in corpus["records"]]
    assert len(seqs) == len(texts)
    for text, seq in zip(texts, seqs, strict=True):
        assert seq.tolist() == tok.encode(text).ids + [eos]
        assert tok.decode(seq[:-1].tolist()) == text  # byte-level BPE is lossless
    counts = orjson.loads((out / "tokens.json").read_bytes())
    assert counts["total"] == {
        "documents": len(texts),
        "tokens": sum(len(s) for s in seqs),
        "unreadable": 0,
        "skipped": 0,
    }
    assert (
        counts["tokenizer"]["sha256"]
        == hashlib.sha256(corpus["tokenizer"].read_bytes()).hexdigest()
    )
    assert counts["tokenizer"]["eos"] == {"token": "<|endoftext|>", "id": eos}
    per_source = {Path(k).name: v["tokens"] for k, v in counts["sources"].items()}
    assert per_source == {
        f"news-{i}.jsonl": int(
            sum(len(s) for s in seqs[i * DOCS_PER_FILE : (i + 1) * DOCS_PER_FILE])
        )
        for i in range(N_FILES)
    }
    assert tamis("verify", out) == 0


def test_megatron_bytes_equal_datatrove_megatron_writer(corpus: dict, tmp_path: Path) -> None:
    require("datatrove")
    from datatrove.data import Document
    from datatrove.pipeline.tokens.megatron_tokenizer import MegatronDocumentTokenizer

    out = tmp_path / "out"
    _run(corpus, out, "--workers", "1")
    ref = tmp_path / "ref"
    for i in range(N_FILES):
        step = MegatronDocumentTokenizer(
            str(ref), save_filename=f"f{i}", tokenizer_name_or_path=str(corpus["tokenizer"])
        )
        chunk = corpus["records"][i * DOCS_PER_FILE : (i + 1) * DOCS_PER_FILE]
        step.run(iter(Document(text=r["text"], id=str(r["id"])) for r in chunk))
        for suffix in (".bin", ".idx"):
            ours = (out / f"part-{i:05d}{suffix}").read_bytes()
            assert ours == (ref / f"f{i}_00000_tokens{suffix}").read_bytes()


def test_datatrove_format_bytes_equal_document_tokenizer(
    corpus: dict, tmp_path: Path, monkeypatch
) -> None:
    require("datatrove")
    from datatrove.data import Document
    from datatrove.pipeline.tokens.tokenizer import DocumentTokenizer

    out = tmp_path / "out"
    _run(corpus, out, "--workers", "1", "--format", "datatrove")
    monkeypatch.chdir(corpus["tokenizer"].parent)  # datatrove writes the name it was given
    ref = tmp_path / "ref"
    for i in range(N_FILES):
        step = DocumentTokenizer(
            str(ref),
            tokenizer_name_or_path=corpus["tokenizer"].name,
            eos_token="<|endoftext|>",
            save_filename=f"f{i}",
            shuffle_documents=False,
        )
        chunk = corpus["records"][i * DOCS_PER_FILE : (i + 1) * DOCS_PER_FILE]
        step.run(iter(Document(text=r["text"], id=str(r["id"])) for r in chunk))
        for suffix in (".ds", ".ds.index", ".ds.metadata"):
            ours = (out / f"part-{i:05d}{suffix}").read_bytes()
            assert ours == (ref / f"f{i}_00000_unshuffled{suffix}").read_bytes(), suffix
    monkeypatch.undo()
    assert tamis("verify", out) == 0


def test_npy_memmaps_and_metadata(corpus: dict, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(corpus, out, "--workers", "1", "--format", "npy", "--bos", "<|bos|>")
    tok = corpus["tok"]
    bos, eos = tok.token_to_id("<|bos|>"), tok.token_to_id("<|endoftext|>")
    for i in range(N_FILES):
        ids = np.memmap(out / f"part-{i:05d}.npy", dtype=np.uint16, mode="r")
        rows = gzip.decompress((out / f"part-{i:05d}.csv.gz").read_bytes()).decode().splitlines()
        chunk = corpus["records"][i * DOCS_PER_FILE : (i + 1) * DOCS_PER_FILE]
        assert len(rows) == len(chunk)
        for k, (row, rec) in enumerate(zip(rows, chunk, strict=True)):
            start, end, doc_id, src, loc = row.split(",")
            assert doc_id == str(rec["id"]) and src.endswith(f"news-{i}.jsonl") and loc == str(k)
            assert ids[int(start) : int(end)].tolist() == [bos, *tok.encode(rec["text"]).ids, eos]
        assert int(rows[-1].split(",")[1]) == len(ids)
    assert tamis("verify", out) == 0


def test_same_bytes_whatever_the_workers(corpus: dict, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    _run(corpus, one, "--workers", "1", "--shard-tokens", "20000")
    _run(corpus, two, "--workers", "2", "--shard-tokens", "20000")
    assert _digest(one) == _digest(two)
    assert len([p for p in one.iterdir() if p.suffix == ".bin"]) > N_FILES


def test_shard_tokens_cuts_at_document_boundaries(corpus: dict, tmp_path: Path) -> None:
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    _run(corpus, whole, "--workers", "1")
    _run(corpus, cut, "--workers", "1", "--shard-tokens", "5000")
    for i in range(N_FILES):
        _, expected = read_megatron(whole / f"part-{i:05d}")
        got = []
        for prefix in sorted(cut.glob(f"part-{i:05d}-*.idx")):
            _, seqs = read_megatron(prefix.with_suffix(""))
            total = sum(len(s) for s in seqs)
            assert total <= 5000 or len(seqs) == 1
            got += seqs
        assert [s.tolist() for s in got] == [s.tolist() for s in expected]
    assert tamis("verify", cut) == 0


def test_verify_finds_a_changed_sequence(corpus: dict, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(corpus, out, "--workers", "1")
    from tamis.io.output import file_checksum
    from tamis.tokenize.verify import verify_tokens

    # change one token and make the checksum agree: only re-reading the documents can tell
    path = out / "part-00001.bin"
    data = bytearray(path.read_bytes())
    data[40:42] = (int.from_bytes(data[40:42], "little") ^ 1).to_bytes(2, "little")
    path.write_bytes(bytes(data))
    counts = orjson.loads((out / "tokens.json").read_bytes())
    counts["shards"][1]["files"][0]["checksums"]["part-00001.bin"] = file_checksum(path)
    (out / "tokens.json").write_bytes(orjson.dumps(counts))
    problems, _ = verify_tokens(out)
    assert len(problems) == 1 and "does not hold the ids" in problems[0]
    # a file the run did not write is reported too
    (out / "part-00009.bin").write_bytes(b"")
    assert tamis("verify", out) == 1


def test_a_clean_output_means_its_kept_documents(corpus: dict, tmp_path: Path) -> None:
    clean_out = tmp_path / "clean"
    assert tamis("clean", corpus["inputs"], "-o", clean_out, "--stages", "repair,c4",
                 "--workers", "1", "--no-report", "--quiet") == 0  # fmt: skip
    kept = orjson.loads((clean_out / "manifest.json").read_bytes())["counts"]["kept"]
    out = tmp_path / "out"
    code = tamis("tokenize", clean_out, "-o", out, "--tokenizer", corpus["tokenizer"], "--quiet")
    assert code == 0
    counts = orjson.loads((out / "tokens.json").read_bytes())
    assert counts["total"]["documents"] == kept < len(corpus["records"])
    # tokens are counted per original input, not per kept shard
    assert sorted(Path(s).name for s in counts["sources"]) == [
        f"news-{i}.jsonl" for i in range(N_FILES)
    ]
    assert tamis("verify", out) == 0


def test_bad_options_fail_before_touching_the_output(corpus: dict, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    args = ("tokenize", corpus["inputs"], "-o", out, "--tokenizer")
    assert tamis(*args, corpus["tokenizer"], "--eos", "<nope>") == 2
    assert "eos: the tokenizer has no token '<nope>'" in capsys.readouterr().err
    assert tamis(*args, tmp_path / "missing.json") == 2
    assert not out.exists()
    # the output is never inside an input folder (--overwrite would delete the input)
    assert tamis(*args[:3], corpus["inputs"] / "x", "--tokenizer", corpus["tokenizer"]) == 2
    assert "overlaps the input" in capsys.readouterr().err
    assert not (corpus["inputs"] / "x").exists()


def test_no_eos_when_asked(corpus: dict, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(corpus, out, "--workers", "1", "--eos", "")
    _, seqs = read_megatron(out / "part-00000")
    first = corpus["records"][0]["text"]
    assert seqs[0].tolist() == corpus["tok"].encode(first).ids


def test_tiktoken_file_and_int32_ids(corpus: dict, tmp_path: Path) -> None:
    """A .tiktoken ranks file (the trained vocabulary in tiktoken's form), named cl100k_base:
    its end-of-text id 100257 needs Megatron's int32."""
    tiktoken = require("tiktoken")
    import base64

    # the byte-level alphabet maps each byte to one printable character (GPT-2's table)
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(161, 173)) + list(range(174, 256))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    to_byte = {chr(c): b for b, c in zip(bs, cs, strict=True)}
    vocab = corpus["tok"].get_vocab(with_added_tokens=False)
    ranks = sorted(
        (i, bytes(to_byte[ch] for ch in token)) for token, i in vocab.items() if token[0] in to_byte
    )
    path = tmp_path / "cl100k_base.tiktoken"
    path.write_bytes(
        b"".join(base64.b64encode(tok) + b" %d\n" % r for r, (_, tok) in enumerate(ranks))
    )
    out = tmp_path / "out"
    assert tamis("tokenize", corpus["inputs"], "-o", out, "--tokenizer", path, "--quiet",
                 "--workers", "1") == 0  # fmt: skip
    import tiktoken_ext.openai_public as public

    from tamis.tokenize.tokenizer import read_tiktoken_ranks

    params = public.cl100k_base.__code__.co_consts  # the pattern, as tiktoken ships it
    pattern = next(c for c in params if isinstance(c, str) and c.startswith("'(?i:"))
    ref = tiktoken.Encoding(
        "cl100k_base",
        pat_str=pattern,
        mergeable_ranks=read_tiktoken_ranks(str(path)),
        special_tokens={"<|endoftext|>": 100257},
    )
    dtype, seqs = read_megatron(out / "part-00000")
    assert dtype == "<i4"
    for rec, seq in zip(corpus["records"], seqs, strict=False):
        assert seq.tolist() == ref.encode_ordinary(rec["text"]) + [100257]
        assert ref.decode_bytes(seq[:-1].tolist()).decode() == rec["text"]
    assert tamis("verify", out) == 0


@pytest.mark.slow
def test_resume_after_sigkill_gives_the_same_bytes(corpus: dict, tmp_path: Path) -> None:
    many = tmp_path / "many"
    many.mkdir()
    records = corpus["records"]
    for i in range(12):  # twelve shards: the kill lands after the first marker, before the last
        (many / f"p{i:02d}.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    ref, out = tmp_path / "ref", tmp_path / "out"
    cmd = [sys.executable, "-m", "tamis.cli", "tokenize", str(many), "--tokenizer",
           str(corpus["tokenizer"]), "--workers", "1", "--quiet", "-o"]  # fmt: skip
    subprocess.run([*cmd, str(ref)], check=True)
    proc = subprocess.Popen([*cmd, str(out)], start_new_session=True)
    markers = out / ".tamis" / "tokenize"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(markers.glob("*.done.json")):
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "tokens.json").exists(), "the run finished before it could be killed"
    done = len(list(markers.glob("*.done.json")))
    assert 1 <= done < 12
    subprocess.run([*cmd, str(out)], check=True)
    assert orjson.loads((out / "run.json").read_bytes())["resumed_tasks"] == done
    assert _digest(out) == _digest(ref)
    assert tamis("verify", out) == 0


def test_clean_with_tokenize_writes_text_and_tokens(corpus: dict, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    base = ("clean", corpus["inputs"], "-o", out, "--stages", "repair,c4", "--workers", "1",
            "--no-report", "--quiet", "--tokenize")  # fmt: skip
    assert tamis(*base, tmp_path / "missing.json") == 2
    assert not out.exists()  # a bad tokenizer fails before the pipeline runs
    assert tamis(*base, corpus["tokenizer"]) == 0
    kept = orjson.loads((out / "manifest.json").read_bytes())["counts"]["kept"]
    counts = orjson.loads((out / "tokens" / "tokens.json").read_bytes())
    assert counts["total"]["documents"] == kept
    assert tamis("verify", out) == 0
    assert tamis("verify", out / "tokens") == 0


@pytest.mark.slow
def test_ray_executor_writes_the_same_bytes(corpus: dict, tmp_path: Path, monkeypatch) -> None:
    require("ray")
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    _run(corpus, local, "--workers", "1", "--format", "datatrove")
    # no --ray-address: a private instance, whatever cluster the environment points at
    monkeypatch.setenv("RAY_ADDRESS", "127.0.0.1:1")
    _run(corpus, on_ray, "--workers", "2", "--format", "datatrove", "--executor", "ray")
    assert _digest(local) == _digest(on_ray)
    assert orjson.loads((on_ray / "run.json").read_bytes())["executor"] == "ray"
