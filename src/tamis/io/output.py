"""Output shards: written atomically, read back identically whatever the format.

A shard is written to ``NAME.tmp`` and renamed when complete, so a crash never leaves a file
that looks finished. Every format is deterministic (gzip without timestamp or name, zstd at a
fixed level and single-threaded, Parquet with a fixed schema), which is what makes outputs
byte-identical across worker counts and resumed runs. Every format holds the same records with
the same field types (:mod:`tamis.io.schema`); Parquet stores them as typed nested columns.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from itertools import chain, repeat
from operator import itemgetter, or_, setitem
from pathlib import Path
from typing import IO, Any

import orjson
import xxhash

from tamis.document import KEPT_VERDICT, KEPT_VERDICT_DICT, Document
from tamis.io import kinds
from tamis.io.hashed import HashedWriter, checksum_name
from tamis.io.kinds import Profiler
from tamis.io.schema import DOCUMENT_FIELDS, RunSchema, signals_out, verdict_in, verdict_out
from tamis.io.storage import open_input
from tamis.io.streams import iter_lines, open_read, open_write

FORMATS = ("jsonl", "jsonl.gz", "jsonl.zst", "parquet")
KINDS = ("kept", "rejected", "quarantine")


def json_default(value: Any) -> Any:
    """Input metadata may hold values JSON lacks (Parquet timestamps, bytes, decimals)."""
    if isinstance(value, bytes | bytearray | memoryview):
        import base64

        return {"$base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def dumps(record: dict[str, Any]) -> bytes:
    return orjson.dumps(record, default=json_default)


def dumps_line(record: dict[str, Any]) -> bytes:
    return orjson.dumps(record, default=json_default, option=orjson.OPT_APPEND_NEWLINE)


#: a record's signals (C-level, for a map over a batch)
_SIGNALS = itemgetter("signals")
#: :meth:`ShardWriter._objects`: a batch's objects are written as the filled copies it returns
_FILLED = object()


def shard_name(ordinal: int, fmt: str) -> str:
    return f"part-{ordinal:05d}.{fmt}"


#: rows per Parquet row group at most; a group also ends at ~ROW_GROUP_BYTES of text, so a
#: scan of a few columns reads large contiguous chunks and a group stays small enough to hold
ROW_GROUP_ROWS = 100_000
#: bytes of JSON lines a shard gathers before compressing them in one run (:meth:`ShardWriter._write_lines`)
WRITE_RUN = 8 << 20
ROW_GROUP_BYTES = 64 << 20


def staging_path(path: Path) -> Path:
    """Where a run's Parquet shard is staged (as JSON Lines) until the run's schema is settled."""
    return path.parent.parent / ".tamis" / "staging" / path.parent.name / (path.name + ".jsonl.zst")


class ShardWriter:
    """Writes one output shard of ``kind`` to a temporary name; ``close`` renames it into place.

    With a settled ``schema`` every record is written in its types at once. Without one (a run
    still writing: its ``source`` and ``meta`` types are not known until every shard is
    written), ``signals`` and ``verdict`` are written in their declared types, the kinds of
    ``source`` and ``meta`` are recorded (:meth:`profile`) and a Parquet shard is staged as JSON
    Lines, for :mod:`tamis.io.settle` to finish. A shard streams to disk in bounded memory: JSON
    Lines :data:`WRITE_RUN` bytes at a time, Parquet a row group at a time.
    """

    def __init__(
        self,
        path: Path,
        fmt: str,
        batch_bytes: int = 8 << 20,
        *,
        kind: str = "kept",
        signals: dict[str, dict[str, Any]] | None = None,
        schema: RunSchema | None = None,
        fields: dict[str, list[str]] | None = None,
        provisional: tuple[RunSchema, dict[str, Any]] | None = None,
    ) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown output format {fmt!r}; allowed: {', '.join(FORMATS)}")
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; allowed: {', '.join(KINDS)}")
        self.path = path
        self.fmt = fmt
        self.kind = kind
        self.schema = schema
        # None: no declarations known (records written as given, e.g. by a tool or a test)
        self.signals = schema.signals if schema is not None else signals
        # the source and meta fields every record is given (null where absent): tamis.io.settle
        self._fill = {name: dict.fromkeys(keys) for name, keys in (fields or {}).items() if keys}
        self.count = 0
        self._batch: list[Any] = []
        self._batch_size = 0
        self._batch_bytes = batch_bytes
        self._pq: ParquetSink | None = None
        self._hashed: HashedWriter | None = None
        self._lines: list[bytes] = []  # JSON lines not yet written to the stream
        self._lines_size = 0
        self._profiles = {"source": Profiler(), "meta": Profiler()}
        self._names = {name: tuple(full) for name, full in self._fill.items()}
        self._sampled = {name: frozenset(full) for name, full in self._fill.items()}
        if schema is None and signals is None:
            self._profiles["signals"] = Profiler()
        path.parent.mkdir(parents=True, exist_ok=True)
        # a run's Parquet shard is written in the schema its sample gives (``provisional``)
        # while its records are of the sampled kinds, else it waits for the run's schema as
        # JSON Lines (staged); a lone writer settles its own
        self.staged = fmt == "parquet" and schema is None and signals is not None
        self._self_settled = fmt == "parquet" and schema is None and signals is None
        #: the schema a Parquet shard is being written in before the run's is settled
        self.provisional: RunSchema | None = None
        self._sampled_kinds: dict[str, Any] = {}
        self._checked: tuple | None = None  # what the profiles held at the last check
        self._as_is = False  # whether, at the last check, records needed no conversion
        if self.staged and provisional is not None:
            self.staged = False
            self.provisional, self._sampled_kinds = provisional
        if fmt == "parquet" and (schema is not None or self.provisional is not None):
            self.tmp = path.with_name(path.name + ".tmp")
            self._fh = None
            self._closers: list[IO[bytes]] = []
            self._pq = ParquetSink(self.tmp, (schema or self.provisional).arrow_schema(kind))
        else:
            staged = self.staged or self._self_settled
            self.tmp = staging_path(path) if staged else path.with_name(path.name + ".tmp")
            self.tmp.parent.mkdir(parents=True, exist_ok=True)
            if not staged:  # its checksum taken as it is written, not by reading it again
                self._hashed = HashedWriter(open(self.tmp, "wb"))  # noqa: SIM115 - in _closers
            self._fh, self._closers = open_write(
                self.tmp, "jsonl.zst" if staged else fmt, self._hashed
            )

    def write(self, record: dict[str, Any]) -> None:
        self.write_many([record])

    def write_many(self, records: list[dict[str, Any]]) -> None:
        self.count += len(records)
        if self.schema is not None:
            conform, kind = self.schema.conform, self.kind
            records = [conform(r, kind) for r in records]
        else:
            self._normalise(records)
            if self.provisional is not None:
                if self._of_sampled_kinds():
                    if self.kind == "quarantine":
                        conform, kind = self.provisional.conform, self.kind
                        records = [conform(r, kind) for r in records]
                    elif not self._as_is:
                        conform, kind = self.provisional.conform_objects, self.kind
                        records = [conform(r, kind) for r in records]
                else:
                    self._stage()
        if self._pq is not None:
            self._batch.extend(records)
            self._batch_size += sum([len(r.get("text") or r.get("raw") or "") for r in records])
            if self._batch_size >= self._batch_bytes:
                self._flush()
            return
        dumps, opt = orjson.dumps, orjson.OPT_APPEND_NEWLINE
        data = b"".join([dumps(r, default=json_default, option=opt) for r in records])
        self._lines.append(data)
        self._lines_size += len(data)
        if self._lines_size >= WRITE_RUN:
            self._write_lines()

    def write_documents(self, docs: list[Document]) -> None:
        """Kept documents, written as ``write_many([d.to_record() for d in docs])`` writes them,
        byte for byte, without making a record (or a filled ``meta``) per document.

        Every document a run keeps goes through here: one record dict is filled in a document
        at a time and serialised at once, and so is one template of a batch's ``source`` or
        ``meta`` where every object has the same sampled keys (:meth:`_objects`), so a record
        costs a few stores instead of building and freeing two or three dicts. Only where a run
        writes JSON Lines before its schema is settled (a settled schema or Parquet takes the
        records' path), and only for a batch of kept documents."""
        if (
            self.schema is not None
            or self._pq is not None
            or self.kind != "kept"
            or [d.verdict for d in docs].count(KEPT_VERDICT) != len(docs)
        ):
            self.write_many([d.to_record() for d in docs])
            return
        if not docs:
            return
        self.count += len(docs)
        sigs = self._signals_written([d.signals for d in docs])
        if "signals" in self._profiles:
            self._profiles["signals"].add_many([s or {} for s in sigs])
        srcs = [d.source for d in docs]
        src_how, objs = self._objects("source", srcs)
        if src_how is not None:  # else as they are (an absent one stays null)
            srcs = objs
        metas = [d.meta for d in docs]
        meta_how, objs = self._objects("meta", metas)
        if meta_how is not None:
            metas = objs
        # the record and the templates are this batch's own: each is serialised before the
        # next document changes it
        rec = dict.fromkeys(DOCUMENT_FIELDS)
        rec["verdict"] = KEPT_VERDICT_DICT
        src_t = src_how.copy() if type(src_how) is dict else None
        meta_t = meta_how.copy() if type(meta_how) is dict else None
        dumps = orjson.dumps
        no_edits: list[Any] = []  # (serialised, never changed)
        lines = []
        for d, src, meta, sig in zip(docs, srcs, metas, sigs, strict=True):
            rec["text"] = d.text
            rec["id"] = d.id
            if src_t is not None:
                src_t.update(src)
                src = src_t
            rec["source"] = src
            if meta_t is not None:
                meta_t.update(meta)
                meta = meta_t
            rec["meta"] = meta
            edits = d.edits
            rec["edits"] = [e.to_dict() for e in edits] if edits else no_edits
            rec["signals"] = sig
            try:
                lines.append(dumps(rec))
            except orjson.JSONEncodeError:  # a value JSON lacks (Parquet input metadata)
                lines.append(dumps(rec, default=json_default))
        lines.append(b"")  # the last line's newline
        data = b"\n".join(lines)
        self._lines.append(data)
        self._lines_size += len(data)
        if self._lines_size >= WRITE_RUN:
            self._write_lines()

    def _of_sampled_kinds(self) -> bool:
        """Whether every record profiled so far is of a kind the sample settles in the same
        types (a field the sample saw only null holding text, a field of conflicting kinds
        holding any): then the provisional schema writes it as the run's would. Checked again
        only when the profiles met a new shape or a new nested kind."""
        names = ("source",) if self.kind == "quarantine" else ("source", "meta")
        profiles = [self._profiles[n] for n in names]
        # shapes and nested shapes only grow; ``deep`` can change in place of a shape (an
        # object's new field), so it is compared by value (a few small nested lists)
        sizes = tuple((len(p.shapes), len(p.nested), p.deep, p.inferred) for p in profiles)
        if sizes == self._checked:
            return True
        found = [p.kind() for p in profiles]
        fits = all(
            kinds.settles_as(self._sampled_kinds[n], k) for n, k in zip(names, found, strict=True)
        )
        self._checked = sizes if fits else None
        # a normalised record (signals and verdict in their written form, objects filled)
        # whose objects hold only JSON scalars and lists of them, already in their written
        # types, is written as it is; objects and non-JSON values (a timestamp) are converted
        # record by record
        prov = self.provisional
        self._as_is = (
            fits
            and self.kind != "quarantine"
            and not any(p.inferred for p in profiles)
            and all(kinds.conforms(k, getattr(prov, n)) for n, k in zip(names, found, strict=True))
        )
        return fits

    def _stage(self) -> None:
        """Records of kinds the sample did not hold: the shard so far moves to its staged JSON
        Lines (read back from its Parquet as :func:`read_records` reads it) and waits for the
        run's schema like any staged shard."""
        import pyarrow.parquet as pq

        self._flush()
        sink, self._pq, self.provisional = self._pq, None, None
        held = sink.tables
        sink.writer.close()  # the row groups written so far, without the held ones
        parquet, self.tmp = self.tmp, staging_path(self.path)
        self.tmp.parent.mkdir(parents=True, exist_ok=True)
        self._fh, self._closers = open_write(self.tmp, "jsonl.zst", None)
        self.staged = True
        tables = [pq.read_table(parquet), *held] if sink.groups else held
        parquet.unlink(missing_ok=True)
        for table in tables:
            for batch in table.to_batches(1024):
                rows = [decode_record(r, parquet=True) for r in batch.to_pylist()]
                self._lines.append(b"".join(map(dumps_line, rows)))
        self._batch, self._batch_size = [], 0

    def _write_lines(self) -> None:
        """The pending lines to the stream, batch after batch: its compressor gives the same
        bytes however it is fed, and fed a run at a time it finds its window and tables still
        in the CPU's caches, not evicted by the work on each small batch in between."""
        for data in self._lines:
            self._fh.write(data)
        self._lines = []
        self._lines_size = 0

    def _normalise(self, records: list[dict[str, Any]]) -> None:
        """Declared types for signals and verdicts; kinds of source and meta recorded
        (:meth:`_objects`), the records given their written objects."""
        if not records:
            return
        kind = self.kind
        if self.signals is not None and kind != "quarantine":
            sigs = list(map(_SIGNALS, records))
            written = self._signals_written(sigs)
            if written is not sigs:
                list(map(setitem, records, repeat("signals"), written))
        verdicts = list(map(dict.get, records, repeat("verdict")))
        # a kept document's verdict is one shared dict: counted by identity, not compared
        if verdicts.count(KEPT_VERDICT_DICT) != len(verdicts):  # a kept verdict has no details
            for r, v in zip(records, verdicts, strict=True):
                if v is not None and v.get("details") is not None:
                    r["verdict"] = verdict_out(v)
        for name in ("source", "meta") if kind != "quarantine" else ("source",):
            objs = list(map(dict.get, records, repeat(name)))
            how, objs = self._objects(name, objs)
            if how is _FILLED:
                list(map(setitem, records, repeat(name), objs))
            elif how is not None:  # one template: every object filled into a copy of it
                list(map(setitem, records, repeat(name), map(or_, repeat(how), objs)))
        if "signals" in self._profiles:
            self._profiles["signals"].add_many([r.get("signals") or {} for r in records])

    def _signals_written(self, sigs: list[Any]) -> list[Any]:
        """A batch's signals as written: in their declared types (``sigs`` itself when the run
        declares none and no document holds any)."""
        declared = self.signals
        if declared:
            return [signals_out(s, declared) for s in sigs]
        if declared is not None and any(sigs):  # none declared: a stored signal is refused
            return [signals_out(s, declared) if s else s for s in sigs]
        return sigs

    def _objects(self, name: str, objs: list[Any]) -> tuple[Any, list[Any]]:
        """Profile a batch's ``source`` or ``meta`` objects and say how they are written.

        Returns ``(None, objs)`` when the records' objects are written as they are, ``(_FILLED,
        filled)`` with the filled copies to write instead, or ``(template, objs)``: every object
        has the same keys, all of them sampled fields (a batch of one input, where the run has
        others), and is written as ``template | obj`` (the sampled fields first, null where
        absent). A template is the writer's own dict, filled a record at a time by
        :meth:`write_documents`, or copied per record by :meth:`_normalise`.

        This runs for every record a run writes, so a batch is handled by C-level maps, not
        record by record, and profiled a batch at a time (:meth:`Profiler.add_many`)."""
        if not all(objs):
            objs = [o or {} for o in objs]
        full = self._fill.get(name)
        if full is None:
            keys = list(map(tuple, objs))
            one = keys.count(keys[0]) == len(keys)  # one shape: the batch of one input
            self._profiles[name].add_many(objs, keys[0] if one else None)
            return None, objs
        names = self._names[name]
        own = tuple(objs[0])
        # keys of dicts are distinct, so a run of the first object's keys repeated once per
        # object is each object holding exactly those keys in that order (one input's batch):
        # one comparison tells the written-as-they-are and the filled batches
        if list(chain.from_iterable(objs)) == list(own) * len(objs):
            if own == names:  # written as they are
                self._profiles[name].add_many(objs, names)
                return None, objs
            if self._sampled[name].issuperset(own):
                # profiled from the objects themselves, without reading the filled nulls
                self._profiles[name].add_many(objs, own, names)
                return full, objs
        # every object written with the sampled fields first, in their order; one whose
        # fields are all sampled ones (most) then has exactly those keys in that order
        filled = list(map(or_, repeat(full), objs))
        lengths = list(map(len, filled))
        one = lengths.count(len(full)) == len(lengths)
        self._profiles[name].add_many(filled, names if one else None)
        return _FILLED, filled

    def profile(self) -> dict[str, Any]:
        """The kinds of ``source`` and ``meta`` this shard's records held."""
        return {name: self._profiles[name].kind() for name in ("source", "meta")}

    def checksum(self) -> str:
        """The finished shard's checksum (:func:`file_checksum`), once it is closed."""
        if self._hashed is not None:
            return self._hashed.checksum()
        return file_checksum(self.path)

    def _flush(self) -> None:
        if not self._batch:
            return
        self._pq.write(self._batch)
        self._batch = []
        self._batch_size = 0

    def close(self) -> None:
        self._write_lines()
        self._flush()
        for fh in self._closers:
            fh.close()
        if self._pq is not None:
            self._pq.close()
        if self._self_settled:
            self._settle_alone()
        elif not self.staged:
            os.replace(self.tmp, self.path)

    def _settle_alone(self) -> None:
        """A Parquet shard written outside a run: its schema is that of its own records."""
        from tamis.io import kinds
        from tamis.io.settle import _parquet_from_staging, run_schema

        found = kinds.finalise(self._profiles["signals"].kind())
        stages = found[1] if type(found) is list and found[0] == "struct" else {}
        declared = {
            stage: sub[1]
            for stage, sub in stages.items()
            if type(sub) is list and sub[0] == "struct" and sub[1]
        }
        profile = {name: p.kind() for name, p in self._profiles.items()}
        schema = run_schema(declared, [profile])
        _parquet_from_staging(self.tmp, self.path, schema, self.kind)
        self.tmp.unlink()

    def abort(self) -> None:
        for fh in self._closers:
            fh.close()
        if self._pq is not None:
            self._pq.abort()
        self.tmp.unlink(missing_ok=True)


#: top-level columns whose values are each a record's own (texts, ids): a dictionary of them
#: holds every value once more, is given up once it passes its page size, and costs a hash of
#: every value and a second encoding of the pages before it
UNIQUE_COLUMNS = frozenset({"text", "raw", "id"})


def leaf_paths(schema: Any) -> list[str]:
    """The Parquet column paths of an Arrow schema's leaves, as pyarrow writes them (lists as
    ``name.list.element``, maps as ``name.key_value.key`` and ``.value``)."""
    import pyarrow as pa

    def walk(prefix: str, typ: Any) -> Iterator[str]:
        if pa.types.is_struct(typ):
            for i in range(typ.num_fields):
                yield from walk(f"{prefix}.{typ.field(i).name}", typ.field(i).type)
        elif pa.types.is_map(typ):
            yield from walk(f"{prefix}.key_value.key", typ.key_type)
            yield from walk(f"{prefix}.key_value.value", typ.item_type)
        elif pa.types.is_list(typ) or pa.types.is_large_list(typ):
            yield from walk(f"{prefix}.list.element", typ.value_type)
        else:
            yield prefix

    return [path for field in schema for path in walk(field.name, field.type)]


def dictionary_columns(schema: Any) -> list[str]:
    """The columns written with a dictionary: every leaf but :data:`UNIQUE_COLUMNS`."""
    return [p for p in leaf_paths(schema) if p not in UNIQUE_COLUMNS]


class ParquetSink:
    """Conformed records to one Parquet file, in row groups cut by rows and text size alone
    (never by how records arrived), so the file is the same whatever the batching. A group
    waits as Arrow tables, not as Python records, so it costs about its own size in memory."""

    def __init__(self, path: Path, schema: Any) -> None:
        import pyarrow.parquet as pq

        from tamis.io.pandas_probe import answer_absent

        answer_absent()
        self.schema = schema
        self.writer = pq.ParquetWriter(
            path,
            schema,
            compression="zstd",
            write_statistics=True,
            store_schema=True,
            use_dictionary=dictionary_columns(schema),
        )
        self.tables: list[Any] = []
        self.rows = 0
        self.bytes = 0
        self.groups = 0  # row groups written

    def write(self, records: list[dict[str, Any]]) -> None:
        start = 0
        for i, r in enumerate(records):
            self.rows += 1
            self.bytes += len(r.get("text") or r.get("raw") or "")
            if self.rows >= ROW_GROUP_ROWS or self.bytes >= ROW_GROUP_BYTES:
                self._add(records[start : i + 1])
                start = i + 1
                self._group()
        self._add(records[start:])

    def _add(self, records: list[dict[str, Any]]) -> None:
        import pyarrow as pa

        if records:
            self.tables.append(pa.Table.from_pylist(records, schema=self.schema))

    def _group(self) -> None:
        import pyarrow as pa

        if self.tables:
            table = pa.concat_tables(self.tables)
            self.writer.write_table(table, row_group_size=table.num_rows)
            self.groups += 1
        self.tables = []
        self.rows = self.bytes = 0

    def close(self) -> None:
        self._group()
        self.writer.close()

    def abort(self) -> None:
        self.writer.close()


def decode_record(rec: dict[str, Any], parquet: bool = False) -> dict[str, Any]:
    """A written record back as the pipeline made it: ``verdict.details`` parsed from its JSON
    text, ``signals`` without the stages that measured nothing (null), and (``parquet``) the
    objects without fields that Parquet leaves out."""
    verdict = rec.get("verdict")
    if verdict is not None and type(verdict.get("details")) is str:
        rec["verdict"] = verdict_in(verdict)
    if parquet and "text" in rec:  # a document: Parquet leaves out an object without fields
        rec.setdefault("meta", {})
        rec.setdefault("signals", {})
    signals = rec.get("signals")
    if signals and None in signals.values():
        rec["signals"] = {k: v for k, v in signals.items() if v is not None}
    return rec


def read_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Records of one output shard, as dicts (:func:`decode_record`), whatever its format."""
    if str(path).endswith(".parquet"):
        yield from _parquet_records(path)
        return
    with open_read(path) as fh:
        for _, line in iter_lines(fh):
            if line.strip():
                yield decode_record(orjson.loads(line))


def _parquet_records(path: str | Path) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    from tamis.io.parquet import parquet_source

    with parquet_source(str(path)) as src:
        pf = pq.ParquetFile(src)
        # before schema version 1, the nested fields were JSON text columns
        legacy = [
            f.name
            for f in pf.schema_arrow
            if f.name in ("source", "meta", "edits", "signals", "verdict") and f.type == "string"
        ]
        for batch in pf.iter_batches(batch_size=1024):
            for row in batch.to_pylist():
                for name in legacy:
                    if row[name] is not None:
                        row[name] = orjson.loads(row[name])
                yield decode_record(row, parquet=True)


def shard_files(out_dir: str | Path, kind: str) -> list[Path]:
    """The finished shards of one kind in an output directory, in shard order."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; allowed: {', '.join(KINDS)}")
    folder = Path(out_dir) / kind
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.name.startswith("part-") and not p.name.endswith(".tmp")
    )


def file_checksum(path: str | Path, stop: threading.Event | None = None) -> str | None:
    """A fast content checksum (xxh3-128), prefixed by its algorithm; None when ``stop`` is set
    before the end (a reader in a thread told to give up)."""
    h = xxhash.xxh3_128()
    with open_input(path) as fh:
        while chunk := fh.read(1 << 22):
            if stop is not None and stop.is_set():
                return None
            h.update(chunk)
    return checksum_name(h)
