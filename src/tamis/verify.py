"""`tamis verify OUT`: prove from the files alone that no input record was lost or altered unexplained.

It trusts nothing the run wrote about itself except as a claim to check: it re-reads every
input with the same readers and every output shard, then checks shard by shard that each input
record appears exactly once in kept, rejected or quarantine; that a kept record's edit log,
undone, gives back exactly the input text; that a rejected record carries the input text; that
inputs and output files match their checksums; and that the counts in the manifest and
stats.json are the real ones. Memory is bounded by one shard.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import xxhash

from tamis.document import replay, undo
from tamis.io import storage
from tamis.io.base import Document, Quarantine, ReadOptions, Skipped, reader_for
from tamis.io.output import KINDS, file_checksum, read_records


def _h(text: str) -> int:
    return xxhash.xxh3_64_intdigest(text.encode("utf-8", "surrogatepass"))


def _input_items(shard: dict[str, Any], opts: ReadOptions) -> dict[int, tuple[str, int]]:
    """index -> ("doc", text hash) or ("quarantine", 0), for one shard's input range."""
    reader = reader_for(shard["path"])
    items: dict[int, tuple[str, int]] = {}
    for item in reader.read(shard["path"], opts, shard["start"], shard["stop"]):
        if isinstance(item, Skipped):
            continue
        idx = item.source["index"]
        if isinstance(item, Quarantine):
            items[idx] = ("quarantine", 0)
        elif isinstance(item, Document):
            items[idx] = ("doc", _h(item.text))
    return items


def _check_shard(
    out: Path, shard: dict[str, Any], opts: ReadOptions, problems: list[str], seen: Counter
) -> None:
    expected = _input_items(shard, opts)
    where = f"shard {shard['ordinal']} ({shard['path']})"
    found: dict[int, str] = {}
    for kind in KINDS:
        info = shard["outputs"].get(kind)
        if info is None:
            continue
        path = storage.join(out, info["file"])
        n = 0
        for rec in read_records(path):
            n += 1
            seen[kind] += 1
            src = rec.get("source", {})
            idx = src.get("index")
            label = f"{src.get('path')}#{idx} (id {rec.get('id')!r}) in {info['file']}"
            if src.get("path") != shard["path"] or idx not in expected:
                problems.append(f"{label}: not an input record of {where}")
                continue
            if idx in found:
                problems.append(f"{label}: also in {found[idx]} (counted twice)")
                continue
            found[idx] = kind
            status = rec.get("verdict", {}).get("status")
            want_kind, want_hash = expected[idx]
            if kind == "quarantine":
                if want_kind != "quarantine" or status != "quarantined":
                    problems.append(f"{label}: quarantined, but the input record reads fine")
                continue
            if want_kind != "doc":
                problems.append(f"{label}: input record is unreadable but output as {kind}")
                continue
            try:
                if kind == "kept":
                    original = undo(rec["text"], rec["edits"])
                else:
                    original = rec["text"]
                    replay(original, rec["edits"])
            except ValueError as exc:
                problems.append(f"{label}: edit log does not apply: {exc}")
                continue
            if _h(original) != want_hash:
                problems.append(f"{label}: original text differs from the input record")
            if (kind == "kept") != (status == "kept"):
                problems.append(f"{label}: verdict {status!r} in {kind}/")
        if n != info["records"]:
            problems.append(f"{info['file']}: {n} records, manifest says {info['records']}")
    for idx in sorted(set(expected) - set(found))[:50]:
        problems.append(f"{shard['path']}#{idx}: input record missing from every output")
    missing = len(set(expected) - set(found))
    if missing > 50:
        problems.append(f"{where}: {missing - 50} more input records missing")
    seen["input"] += len(expected)


def verify_output(out: Path | str) -> tuple[list[str], str]:
    """Check OUT (a folder, or a URL: read there, streamed) against its inputs."""
    problems: list[str] = []
    out = out if storage.is_url(out) else Path(out)
    mpath = storage.join(out, "manifest.json")
    if not storage.exists(mpath):
        return [f"{mpath} is missing (not a finished tamis output)"], ""
    manifest = orjson.loads(storage.read_bytes(mpath))
    cfg = manifest["config"]
    opts = ReadOptions(cfg["text_field"], cfg["id_field"], cfg["max_record_bytes"])

    for inp in manifest["inputs"]:
        p = inp["path"]
        if not storage.exists(p):
            problems.append(f"input {p} is missing")
        elif storage.size(p) != inp["size"] or file_checksum(p) != inp["checksum"]:
            problems.append(f"input {p} changed since the run (size or checksum differs)")
    if problems:
        return problems, "inputs changed: records cannot be checked"

    listed = set()
    for shard in manifest["shards"]:
        for info in shard["outputs"].values():
            listed.add(info["file"])
            f = storage.join(out, info["file"])
            if not storage.exists(f):
                problems.append(f"{info['file']}: missing")
            elif file_checksum(f) != info["checksum"]:
                problems.append(f"{info['file']}: checksum differs from the manifest")
    for kind in KINDS:
        for name in _names(storage.join(out, kind)):
            rel = f"{kind}/{name}"
            if rel not in listed:
                problems.append(f"{rel}: not listed in the manifest (unfinished or foreign)")
    if problems:
        return problems, "output files do not match the manifest"

    seen: Counter = Counter()
    for shard in manifest["shards"]:
        _check_shard(out, shard, opts, problems, seen)

    counts = manifest["counts"]
    real = {
        "input": seen["input"],
        "kept": seen["kept"],
        "rejected": seen["rejected"],
        "quarantined": seen["quarantine"],
    }
    for key, value in real.items():
        if counts[key] != value:
            problems.append(f"manifest counts.{key} = {counts[key]}, but the files hold {value}")
    if real["input"] != real["kept"] + real["rejected"] + real["quarantined"]:
        problems.append(
            f"accounting: input {real['input']} != kept {real['kept']} + rejected "
            f"{real['rejected']} + quarantined {real['quarantined']}"
        )
    spath = storage.join(out, "stats.json")
    if storage.exists(spath):
        st = orjson.loads(storage.read_bytes(spath))
        for key, got in (
            ("input", st["input"]["records"]),
            ("kept", st["kept"]["records"]),
            ("rejected", st["rejected"]["records"]),
            ("quarantined", st["quarantined"]["records"]),
        ):
            if got != real[key]:
                problems.append(f"stats.json {key} = {got}, but the files hold {real[key]}")
    else:
        problems.append("stats.json is missing")
    summary = (
        f"input {real['input']:,} = kept {real['kept']:,} + rejected {real['rejected']:,} "
        f"+ quarantined {real['quarantined']:,}  ({len(manifest['shards'])} shards, "
        f"{len(manifest['inputs'])} inputs)"
    )
    return problems, summary


def _names(folder: Path | str) -> list[str]:
    """The file names in an output folder (none when it is absent)."""
    if storage.is_url(folder):
        return storage.list_names(str(folder))
    return sorted(f.name for f in Path(folder).iterdir()) if Path(folder).is_dir() else []


def print_problems(problems: list[str], limit: int = 200) -> None:
    """The failed checks on stderr, the first ``limit`` of them listed."""
    import sys

    print(f"FAILED: {len(problems)} problem(s)", file=sys.stderr)
    for p in problems[:limit]:
        print(f"  - {p}", file=sys.stderr)
    if len(problems) > limit:
        print(f"  ... and {len(problems) - limit} more", file=sys.stderr)
