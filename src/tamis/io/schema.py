"""The record schema of an output: one type for every field of every record of a run.

Readers that infer a schema from the first records (``datasets``' JSON loader, pyarrow's and
polars' JSON readers) fail on an output where a field is a number in one record and a string
in another, or present in one and missing in the next. So every record of a run is written with
the same fields and the same types:

* the fixed fields (``id``, ``text``, ``edits``, ``verdict``) have fixed types; a verdict's
  ``details`` (different for every stage and reason) is JSON text;
* ``signals`` is an object of one object per stage of the run, with the fields and types each
  stage declares (:attr:`tamis.stages.base.Stage.signals`); a stage that did not measure a
  document is ``null``, a signal it did not measure is ``null``;
* ``source`` and ``meta`` hold what the inputs held, so their types are *settled* per run: each
  shard writer records the kinds it saw (:mod:`tamis.io.kinds`), the kinds of all shards are
  merged once the run has read everything, and a field whose types disagree is written as text
  (``stats.json`` and the report name it). Shards already in the settled types stay as written.

:class:`RunSchema` is that settled schema; ``OUT/schema.json`` holds it, ``tamis schema``
prints it and ``docs/schema.md`` documents it. ``SCHEMA_VERSION`` changes whenever a fixed
field changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from tamis.io import kinds
from tamis.io.kinds import Kind

SCHEMA_VERSION = 1

EDIT = [
    "struct",
    {
        "stage": "string",
        "rule": "string",
        "action": "string",
        "pos": "int",
        "removed": "string",
        "inserted": "string",
        "reason": "string",
    },
    False,
]
VERDICT = [
    "struct",
    {"status": "string", "stage": "string", "reason": "string", "details": "string"},
    False,
]
#: the source fields every reader gives; readers may add more (settled like ``meta``)
SOURCE_BASE = ["struct", {"path": "string", "index": "int"}, False]

#: field order of each kind of record (``text`` first: what a scan reads)
DOCUMENT_FIELDS = ("text", "id", "source", "meta", "edits", "signals", "verdict")
QUARANTINE_FIELDS = ("raw", "id", "source", "error", "verdict")

FIXED_DOC = {
    "text": ("string", "the cleaned text (kept) or the original text (rejected)"),
    "id": ("string", "the input's id, or one derived from source path and index"),
    "source": (None, "where the record was read: path, index, offset and reader-specific keys"),
    "meta": (None, "every input field but text and id, plus what stages add (extract)"),
    "edits": (
        ["list", EDIT],
        "every change in the order applied; pos is an offset into the text just before it",
    ),
    "signals": (None, "per stage, what it measured, with the types the stage declares"),
    "verdict": (
        VERDICT,
        "status kept/rejected, the deciding stage and reason; details as JSON text",
    ),
}
FIXED_QUARANTINE = {
    "raw": ("string", "the record's raw bytes, base64"),
    "id": ("string", "derived from source path and index"),
    "source": (None, "where the record was read"),
    "error": ("string", "what was wrong, one line"),
    "verdict": (VERDICT, "status quarantined, stage read, reason a short code"),
}


def signal_kinds(stages: list[tuple[str, dict[str, Any]]]) -> dict[str, dict[str, Kind]]:
    """Final kinds of the signals of the stages of a run: [(stage name, declaration)]."""
    return {
        name: {sig: kinds.declared(spec) for sig, spec in decl.items()}
        for name, decl in stages
        if decl
    }


@dataclass
class RunSchema:
    """The settled schema of one run's records."""

    signals: dict[str, dict[str, Kind]] = field(default_factory=dict)
    source: Kind = field(default_factory=lambda: SOURCE_BASE)
    meta: Kind = field(default_factory=lambda: ["struct", {}, False])
    conflicts: list[str] = field(default_factory=list)
    version: int = SCHEMA_VERSION

    # ---- the types of each field

    def signals_kind(self) -> Kind:
        return [
            "struct",
            {stage: ["struct", sig, False] for stage, sig in self.signals.items()},
            False,
        ]

    def field_kinds(self, kind: str) -> dict[str, Kind]:
        """Final kind of every top-level field of a record of ``kind``, in column order.

        A struct without fields (a run without metadata, or without signals) is left out of
        Parquet, which cannot store one, and written as ``{}`` in JSON Lines."""
        if kind == "quarantine":
            names, fixed = QUARANTINE_FIELDS, FIXED_QUARANTINE
        else:
            names, fixed = DOCUMENT_FIELDS, FIXED_DOC
        dynamic = {"source": self.source, "meta": self.meta, "signals": self.signals_kind()}
        return {n: (fixed[n][0] if fixed[n][0] is not None else dynamic[n]) for n in names}

    def arrow_schema(self, kind: str) -> Any:
        import pyarrow as pa

        return pa.schema(
            [
                pa.field(name, kinds.arrow_type(k))
                for name, k in self.field_kinds(kind).items()
                if not _empty_struct(k)
            ],
            metadata={b"tamis.schema_version": str(self.version).encode()},
        )

    def duckdb_columns(self, kind: str) -> dict[str, str]:
        """Column types for DuckDB's ``read_json(..., columns=...)``: JSON readers infer types
        from a sample, and a field null throughout the sample comes out as NULL."""
        return {
            name: kinds.duckdb_type(k)
            for name, k in self.field_kinds(kind).items()
            if not _empty_struct(k)
        }

    # ---- records

    def conform(self, rec: dict[str, Any], kind: str) -> dict[str, Any]:
        """``rec`` (as a stage or reader made it) with every field in its settled type."""
        out = {}
        for name, k in self.field_kinds(kind).items():
            value = rec.get(name)
            if name == "verdict":
                out[name] = verdict_out(value)
            elif name == "signals":
                out[name] = signals_out(value, self.signals)
            elif name in ("source", "meta"):
                out[name] = kinds.convert(value or {}, k) if not _empty_struct(k) else {}
            elif name == "edits":
                out[name] = value or []
            else:
                out[name] = value
        return out

    def conform_objects(self, rec: dict[str, Any], kind: str) -> dict[str, Any]:
        """A record a run's writer has normalised (signals and verdict in their written form,
        objects filled) in the settled types: :meth:`conform` of it, converting only its
        ``source`` and ``meta``."""
        for name in ("source", "meta"):
            k = getattr(self, name)
            rec[name] = kinds.convert(rec.get(name) or {}, k) if not _empty_struct(k) else {}
        return rec

    # ---- persistence

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "source": self.source,
            "meta": self.meta,
            "signals": self.signals,
            "conflicts": self.conflicts,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RunSchema:
        return cls(d["signals"], d["source"], d["meta"], d.get("conflicts", []), d["version"])

    def dumps(self) -> bytes:
        return orjson.dumps(self.to_dict(), option=orjson.OPT_INDENT_2) + b"\n"

    @classmethod
    def load(cls, out: str | Path) -> RunSchema:
        """The settled schema of the run in ``out`` (its ``schema.json``)."""
        path = Path(out) / "schema.json"
        if not path.exists():
            raise FileNotFoundError(
                f"{path}: no record schema; this output was written before schemas were "
                "settled (tamis < schema version 1): rerun it"
            )
        return cls.from_dict(orjson.loads(path.read_bytes()))


def _empty_struct(k: Kind) -> bool:
    return type(k) is list and k[0] == "struct" and not k[1]


_KEPT_VERDICT_OUT = {"status": "kept", "stage": "", "reason": "", "details": None}


def verdict_out(verdict: dict[str, Any] | None) -> dict[str, Any]:
    """A verdict as written: the four fields, ``details`` as JSON text (or null)."""
    if verdict is None:
        return dict(_KEPT_VERDICT_OUT)
    details = verdict.get("details")
    return {
        "status": verdict.get("status", "kept"),
        "stage": verdict.get("stage", ""),
        "reason": verdict.get("reason", ""),
        "details": details if details is None or type(details) is str else kinds.json_text(details),
    }


def verdict_in(verdict: dict[str, Any]) -> dict[str, Any]:
    """A written verdict back as stages made it (``details`` parsed)."""
    details = verdict.get("details")
    if type(details) is str:
        verdict = dict(verdict)
        verdict["details"] = orjson.loads(details)
    return verdict


def signals_out(
    signals: dict[str, dict[str, Any]] | None, declared: dict[str, dict[str, Kind]]
) -> dict[str, Any]:
    """Signals as written: one entry per declared stage (null when it measured nothing), each
    with every declared signal in its declared type. A signal a stage did not declare is a
    programming error, reported rather than dropped."""
    signals = signals or {}
    plans = _plans(declared)
    for stage in signals:
        if stage not in plans:
            raise ValueError(
                f"stage {stage!r} stored signals but declares none; add them to its "
                "'signals' declaration"
            )
    out: dict[str, Any] = {}
    for stage, plan in plans.items():
        values = signals.get(stage)
        out[stage] = None if values is None else plan.row(stage, values)
    return out


_NONE = type(None)
#: the Python type a value of a scalar kind already has when :func:`kinds.convert` returns it
#: unchanged (an ``int`` for a ``float`` signal is converted, so it is not listed)
_AS_IS = {"int": int, "float": float, "string": str, "bool": bool}


class _StagePlan:
    """One stage's declared signals, and the shapes of values already in their types.

    A row whose values all have the type of their declared scalar kind (or are null) is written
    as it is; :func:`kinds.convert` would return each value unchanged. Such type shapes are
    remembered, so most rows cost a few C-level maps and one set lookup."""

    __slots__ = ("names", "kinds", "keys", "as_is", "ok")

    def __init__(self, decl: dict[str, Kind]) -> None:
        self.names = tuple(decl)
        self.kinds = tuple(decl.values())
        self.keys = decl.keys()
        self.as_is = tuple(_AS_IS.get(k) if type(k) is str else None for k in self.kinds)
        self.ok: set[tuple[type, ...]] = set()

    def row(self, stage: str, values: dict[str, Any]) -> dict[str, Any]:
        if not values.keys() <= self.keys:
            extra = values.keys() - self.keys
            raise ValueError(
                f"stage {stage!r} stored undeclared signals {sorted(extra)}; add them to its "
                "'signals' declaration"
            )
        got = tuple(map(values.get, self.names))
        shape = tuple(map(type, got))
        if shape in self.ok:
            return dict(zip(self.names, got, strict=True))
        if all(t is _NONE or t is a for t, a in zip(shape, self.as_is, strict=True)):
            self.ok.add(shape)
            return dict(zip(self.names, got, strict=True))
        return {n: kinds.convert(v, k) for n, v, k in zip(self.names, got, self.kinds, strict=True)}


_PLANS: dict[int, tuple[dict[str, dict[str, Kind]], dict[str, _StagePlan]]] = {}


def _plans(declared: dict[str, dict[str, Kind]]) -> dict[str, _StagePlan]:
    """The plans of a run's declarations, made once (a writer passes the same dict each time)."""
    cached = _PLANS.get(id(declared))
    if cached is not None and cached[0] is declared:
        return cached[1]
    plans = {stage: _StagePlan(decl) for stage, decl in declared.items()}
    if len(_PLANS) >= 16:
        _PLANS.clear()
    _PLANS[id(declared)] = (declared, plans)  # the dict itself is kept: its id stays its own
    return plans


def _tree(name: str, k: Kind, pad: str, note: str = "") -> list[str]:
    """One field and, for an object or a list of objects, its fields indented below it."""
    inner = k[1] if type(k) is list and k[0] == "list" else None
    struct = inner if inner is not None and type(inner) is list and inner[0] == "struct" else k
    if type(struct) is list and struct[0] == "struct" and struct[1]:
        head = "list<struct>" if struct is not k else "struct"
        out = [f"{pad}{name}: {head}" + (f"    # {note}" if note else "")]
        for sub, sk in struct[1].items():
            out += _tree(sub, sk, pad + "    ")
        return out
    return [f"{pad}{name}: {kinds.describe(k)}" + (f"    # {note}" if note else "")]


def describe(schema: RunSchema) -> str:
    """The schema as text, for ``tamis schema``."""
    lines = [f"tamis record schema, version {schema.version}", ""]
    for kind, fixed in (
        ("kept, rejected", FIXED_DOC),
        ("quarantine", FIXED_QUARANTINE),
    ):
        lines.append(f"{kind}:")
        fields = schema.field_kinds("quarantine" if kind == "quarantine" else "kept")
        for name, k in fields.items():
            lines += _tree(name, k, "  ", fixed[name][1])
        lines.append("")
    if schema.conflicts:
        lines.append("fields whose types disagreed across inputs (written as text):")
        lines += [f"  {c}" for c in schema.conflicts]
    return "\n".join(lines) + "\n"
