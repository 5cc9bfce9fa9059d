"""Settling a run's schema once every shard is written, and bringing shards into it.

Final tasks write their shards as records come (streaming, one pass) and record the kinds of
``source`` and ``meta`` they saw. When all are done, :func:`settle_schema` merges those kinds
(the same merge whatever the number of workers or the order tasks finished, so the same schema)
and writes ``OUT/schema.json`` and the dataset card. :func:`settle_shard` then finishes each
shard: a JSON Lines shard whose records already have the settled fields and types (the usual
case: one kind of input) is left as written; any other is rewritten in the settled types; a
staged Parquet shard is converted to Parquet with the run's schema. Each shard is finished
under a temporary name and its marker updated last, so an interrupted settle is redone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson

from tamis.io import kinds
from tamis.io.output import (
    ParquetSink,
    ShardWriter,
    file_checksum,
    read_records,
    staging_path,
)
from tamis.io.schema import SOURCE_BASE, RunSchema
from tamis.io.streams import iter_lines, open_read

SCHEMA_FILE = "schema.json"


def run_schema(declared: dict[str, dict[str, Any]], profiles: list[dict[str, Any]]) -> RunSchema:
    """The settled schema from the stages' declared signals and the shards' recorded kinds."""
    source: Any = SOURCE_BASE
    meta: Any = ["struct", {}, False]
    for p in profiles:
        source = kinds.merge(source, p["source"])
        meta = kinds.merge(meta, p["meta"])
    conflicts = [f"source.{c}" for c in kinds.conflicts(source)]
    conflicts += [f"meta.{c}" for c in kinds.conflicts(meta)]
    return RunSchema(
        signals=declared,
        source=_top(source),
        meta=_top(meta),
        conflicts=conflicts,
    )


def _top(kind: Any) -> Any:
    """A record's object field finalised: an object even without fields (never text)."""
    if type(kind) is list and kind[0] == "struct":
        return ["struct", {k: kinds.finalise(v) for k, v in sorted(kind[1].items())}, False]
    return ["struct", {}, False]


def drop_staging(out: Path, outputs: dict[str, dict[str, Any]]) -> None:
    """Staged copies of settled Parquet shards (called once their marker is written)."""
    for info in outputs.values():
        staging_path(out / info["file"]).unlink(missing_ok=True)


def shard_outputs(marker: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return marker.get("outputs", {})


def needs_settling(info: dict[str, Any], schema: RunSchema) -> bool:
    """Whether an output file is not yet in the settled schema."""
    if info.get("settled"):
        return False
    if info.get("staged"):
        return True
    written = info.get("schema")
    if written is not None:  # a Parquet shard written in the sample's schema
        return written != schema_digest(schema, info["file"].split("/")[0])
    prof = info["profile"]
    if not kinds.conforms(prof["source"], schema.source):
        return True
    return info["file"].split("/")[0] != "quarantine" and not kinds.conforms(
        prof["meta"], schema.meta
    )


def settle_shard(
    out: Path, outputs: dict[str, dict[str, Any]], schema: RunSchema, fmt: str
) -> dict:
    """Bring one shard's output files into ``schema``; returns its updated outputs."""
    new = {}
    for kind, info in sorted(outputs.items()):
        info = dict(info)
        if needs_settling(info, schema):
            path = out / info["file"]
            if info.get("staged"):
                _parquet_from_staging(staging_path(path), path, schema, kind)
            else:
                _rewrite(path, schema, kind, fmt)
            info["checksum"] = file_checksum(path)
        info.pop("staged", None)
        info["settled"] = True
        new[kind] = info
    return new


def _rewrite(path: Path, schema: RunSchema, kind: str, fmt: str) -> None:
    """A JSON Lines shard rewritten with every record in the settled types."""
    tmp_src = path.with_name("unsettled-" + path.name)  # keeps its suffix, not a part-
    if not tmp_src.exists():
        os.replace(path, tmp_src)
    writer = ShardWriter(path, fmt, kind=kind, schema=schema)
    try:
        batch = []
        for rec in read_records(tmp_src):
            batch.append(rec)
            if len(batch) >= 1024:
                writer.write_many(batch)
                batch = []
        writer.write_many(batch)
    except BaseException:
        writer.abort()
        raise
    writer.close()
    tmp_src.unlink()


def _parquet_from_staging(staged: Path, path: Path, schema: RunSchema, kind: str) -> None:
    """A staged shard (JSON Lines of records with declared signals) to Parquet."""
    tmp = path.with_name(path.name + ".tmp")
    sink = ParquetSink(tmp, schema.arrow_schema(kind))
    conform = schema.conform
    try:
        with open_read(staged) as fh:
            batch = []
            for _, line in iter_lines(fh):
                batch.append(conform(orjson.loads(line), kind))
                if len(batch) >= 1024:
                    sink.write(batch)
                    batch = []
            sink.write(batch)
    except BaseException:
        sink.abort()
        tmp.unlink(missing_ok=True)
        raise
    sink.close()
    os.replace(tmp, path)  # the staged copy goes once the shard's marker says settled


def prepare_settle(out: Path, final_phase: int, declared: dict, shards: list, fmt: str) -> list:
    """Settle the run's schema from the final markers of ``shards``; write ``OUT/schema.json``
    and the dataset card ``OUT/README.md``; return the shards whose files must be finished."""
    from tamis.io.card import write_card
    from tamis.run.worker import atomic_write, marker_path

    markers = {
        s.ordinal: orjson.loads(marker_path(out, final_phase, s.ordinal).read_bytes())
        for s in shards
    }
    profiles = [info["profile"] for m in markers.values() for info in shard_outputs(m).values()]
    schema = run_schema(declared, profiles)
    atomic_write(out / SCHEMA_FILE, schema.dumps())
    present = {kind for m in markers.values() for kind in shard_outputs(m)}
    write_card(out, schema, fmt, present)
    return [
        s
        for s in shards
        if any(needs_settling(info, schema) for info in shard_outputs(markers[s.ordinal]).values())
    ]


PROVISIONAL_FILE = "provisional-fields.json"
SAMPLE_RECORDS = 250


def sample_fields(files: list[str], opts: Any) -> dict[str, list[str]]:
    """The ``meta`` and ``source`` fields of the first records of every input, read while the
    run is planned: writers give every record these fields (null where absent), so that a run
    whose inputs have optional fields needs no rewrite when its schema is settled. A field
    seen only later is still found (by the writers' profiles) and settled, at a rewrite's cost.
    The sample is small (:data:`SAMPLE_RECORDS`, or what a JSON Lines file's first
    ``SAMPLE_BYTES`` on disk hold) because the driver reads it before any worker starts."""
    return _sampled(files, opts)[0]


def _sampled(files: list[str], opts: Any) -> tuple[dict[str, list[str]], list[Any]]:
    """:func:`sample_fields`, and the sampled documents."""
    from tamis.document import Document
    from tamis.io.base import reader_for

    meta: set[str] = set()
    source: set[str] = set()
    docs: list[Any] = []
    for path in files:
        reader = reader_for(path)
        if reader is None:
            continue
        try:
            items = reader.sample(path, opts, SAMPLE_RECORDS)
        except Exception:  # noqa: BLE001 - a bad input is the run's to report, not the sample's
            continue
        for item in items:
            if isinstance(item, Document):
                meta.update(item.meta)
                source.update(item.source)
                docs.append(item)
    return {"meta": sorted(meta), "source": sorted(source)}, docs


def write_provisional(
    out: Path,
    files: list[str],
    opts: Any,
    stage_meta: tuple[str, ...] = (),
    sampled_kinds: bool = False,
) -> None:
    """The sampled fields, with the ``meta`` fields the run's stages declare they add, and
    (``sampled_kinds``) the kinds of the sampled objects as the writers fill them: the schema a
    Parquet writer writes in at once (:func:`provisional_schema`)."""
    from tamis.run.worker import atomic_write, work_dir

    fields, docs = _sampled(files, opts)
    fields["meta"] = sorted({*fields["meta"], *stage_meta})
    if sampled_kinds:
        sampled: dict[str, Any] = {}
        for name in ("source", "meta"):
            profiler = kinds.Profiler()
            fill = dict.fromkeys(fields[name])
            profiler.add_many([{**fill, **getattr(d, name)} for d in docs])
            sampled[name] = profiler.kind()
        fields["kinds"] = sampled
    atomic_write(work_dir(out) / PROVISIONAL_FILE, orjson.dumps(fields))


def read_provisional(out: str | Path) -> dict[str, Any]:
    """The fields every record is given (``source``, ``meta``) and, from a run that samples
    them, the sampled kinds (``kinds``)."""
    from tamis.run.worker import work_dir

    path = work_dir(out) / PROVISIONAL_FILE
    return orjson.loads(path.read_bytes()) if path.exists() else {"meta": [], "source": []}


def provisional_schema(declared: dict[str, dict[str, Any]], sampled: dict[str, Any]) -> RunSchema:
    """The schema the run's sampled kinds give: the settled schema of a run whose records all
    settle as the sample does (:func:`tamis.io.kinds.settles_as`), which is most runs. A
    Parquet shard is written in it at once, and rewritten if the run's schema settles
    otherwise (:func:`needs_settling`)."""
    return run_schema(declared, [sampled])


def schema_digest(schema: RunSchema, kind: str) -> str:
    """What tells two Parquet schemas of ``kind`` apart (types, order and metadata)."""
    import xxhash

    return xxhash.xxh3_64_hexdigest(schema.arrow_schema(kind).serialize().to_pybytes())
