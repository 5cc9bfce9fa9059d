"""The inspector's index: one SQLite file with a small row per record, built once per output.

Browsing a million documents must not mean reading a million documents per click. The index
holds, for every record, its address (kind, shard, row, byte offset in the decoded shard), the
fields one filters by (verdict, stage, reason, source, language, id), a few numbers and an
80-character snippet; each edit rule a document carries is one row of ``edit_rules``. Pages
are read with keyset pagination (``n > last ORDER BY n LIMIT k``) over indexes, so the cost of
a page does not depend on how deep it is; a document's text is then fetched from its shard by
address (:func:`tamis.report.scan.fetch`).

The index lives in ``OUT/.tamis/inspect.sqlite``, is written to a temporary name and renamed
when complete, and is rebuilt when the output's shards or manifest change.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from tamis.io.output import KINDS, shard_files
from tamis.report.collect import source_of
from tamis.report.scan import iter_located

INDEX_NAME = "inspect.sqlite"
SCHEMA_VERSION = 1
SNIPPET = 80
PAGE = 50

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs (
    n INTEGER PRIMARY KEY,
    kind TEXT NOT NULL, shard INTEGER NOT NULL, row INTEGER NOT NULL, offset INTEGER NOT NULL,
    id TEXT NOT NULL, status TEXT NOT NULL, stage TEXT, reason TEXT,
    source TEXT, lang TEXT, chars INTEGER, out_chars INTEGER, n_edits INTEGER, snippet TEXT
);
CREATE TABLE edit_rules (n INTEGER NOT NULL, stage TEXT NOT NULL, rule TEXT NOT NULL,
    count INTEGER NOT NULL);
"""

INDEXES = """
CREATE INDEX docs_id ON docs (id);
CREATE INDEX docs_status ON docs (status);
CREATE INDEX docs_reason ON docs (stage, reason);
CREATE INDEX docs_source ON docs (source);
CREATE INDEX docs_lang ON docs (lang);
CREATE INDEX docs_addr ON docs (kind, shard, row);
CREATE INDEX edit_rules_rule ON edit_rules (stage, rule, n);
CREATE INDEX edit_rules_n ON edit_rules (n);
"""

STATUS = {"kept": "kept", "rejected": "rejected", "quarantine": "quarantined"}


def index_path(out: Path) -> Path:
    """``OUT/.tamis/inspect.sqlite``, or a per-output file in the temp dir when OUT is read-only."""
    out = Path(out)
    work = out / ".tamis"
    if os.access(work if work.exists() else out, os.W_OK):
        return work / INDEX_NAME
    import hashlib
    import tempfile

    key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"tamis-inspect-{key}.sqlite"


def output_key(out: Path) -> str:
    """What the index was built from: shard names, sizes and times, and the manifest's."""
    parts: list[Any] = [SCHEMA_VERSION]
    for kind in KINDS:
        for p in shard_files(out, kind):
            st = p.stat()
            parts.append([kind, p.name, st.st_size, st.st_mtime_ns])
    manifest = Path(out) / "manifest.json"
    if manifest.exists():
        st = manifest.stat()
        parts.append(["manifest", st.st_size, st.st_mtime_ns])
    return orjson.dumps(parts).decode()


def is_current(out: Path) -> bool:
    path = index_path(out)
    if not path.exists():
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
            row = con.execute("SELECT value FROM meta WHERE key = 'output_key'").fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == output_key(out)


def build_index(
    out: Path, progress: Callable[[int], None] | None = None, force: bool = False
) -> Path:
    """Build (or reuse, when current) the index of ``out``; returns its path."""
    out = Path(out)
    path = index_path(out)
    if not force and is_current(out):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    key = output_key(out)
    t0 = time.perf_counter()
    con = sqlite3.connect(tmp)
    try:
        con.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
        docs: list[tuple] = []
        rules: list[tuple] = []
        n = 0
        for kind, shard, row, offset, rec in iter_located(out):
            n += 1
            docs.append(_doc_row(n, kind, shard, row, offset, rec))
            counts: dict[tuple[str, str], int] = {}
            for e in rec.get("edits") or []:
                k = (e["stage"], e["rule"])
                counts[k] = counts.get(k, 0) + 1
            rules.extend((n, s, r, c) for (s, r), c in counts.items())
            if len(docs) >= 5000:
                _flush(con, docs, rules)
                if progress:
                    progress(n)
        _flush(con, docs, rules)
        con.executescript(INDEXES)
        facets = _facets(con)
        con.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [
                ("output_key", key),
                ("facets", orjson.dumps(facets).decode()),
                ("records", str(n)),
                ("build_seconds", f"{time.perf_counter() - t0:.2f}"),
            ],
        )
        con.commit()
        con.execute("ANALYZE")
        con.commit()
    finally:
        con.close()
    os.replace(tmp, path)
    return path


def _doc_row(n: int, kind: str, shard: int, row: int, offset: int, rec: dict[str, Any]) -> tuple:
    verdict = rec.get("verdict") or {}
    status = STATUS.get(kind, kind)
    edits = rec.get("edits") or []
    if kind == "quarantine":
        text = rec.get("error") or ""
        chars = out_chars = None
    else:
        text = rec.get("text") or ""
        net = sum(len(e["inserted"]) - len(e["removed"]) for e in edits)
        chars = len(text) - net if kind == "kept" else len(text)
        out_chars = len(text) if kind == "kept" else len(text) + net
    lang = ((rec.get("signals") or {}).get("langid") or {}).get("lang")
    return (
        n,
        kind,
        shard,
        row,
        offset,
        str(rec.get("id", "")),
        status,
        verdict.get("stage") if status != "kept" else None,
        verdict.get("reason") if status != "kept" else None,
        source_of(rec),
        lang if isinstance(lang, str) else None,
        chars,
        out_chars,
        len(edits),
        " ".join(text[: SNIPPET * 3].split())[:SNIPPET],
    )


def _flush(con: sqlite3.Connection, docs: list[tuple], rules: list[tuple]) -> None:
    con.executemany(f"INSERT INTO docs VALUES ({', '.join('?' * 15)})", docs)
    con.executemany("INSERT INTO edit_rules VALUES (?, ?, ?, ?)", rules)
    docs.clear()
    rules.clear()


def _facets(con: sqlite3.Connection) -> dict[str, Any]:
    """Counts for the overview page, computed once at build time."""
    q = con.execute
    return {
        "status": q("SELECT status, COUNT(*) FROM docs GROUP BY status ORDER BY status").fetchall(),
        "reasons": q(
            "SELECT stage, reason, COUNT(*) FROM docs WHERE status != 'kept' "
            "GROUP BY stage, reason ORDER BY 3 DESC, 1, 2"
        ).fetchall(),
        "rules": q(
            "SELECT stage, rule, COUNT(*), SUM(count) FROM edit_rules "
            "GROUP BY stage, rule ORDER BY 3 DESC, 1, 2"
        ).fetchall(),
        "sources": q(
            "SELECT source, COUNT(*), SUM(status = 'kept') FROM docs GROUP BY source "
            "ORDER BY 2 DESC, 1 LIMIT 200"
        ).fetchall(),
        "n_sources": q("SELECT COUNT(DISTINCT source) FROM docs").fetchone()[0],
        "langs": q(
            "SELECT lang, COUNT(*), SUM(status = 'kept') FROM docs WHERE lang IS NOT NULL "
            "GROUP BY lang ORDER BY 2 DESC, 1 LIMIT 200"
        ).fetchall(),
    }


FILTERS = ("status", "stage", "reason", "edited", "rule", "source", "lang", "id")


class Index:
    """Read-only queries over a built index; one per thread (sqlite connections are not shared)."""

    def __init__(self, path: Path) -> None:
        self.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.con.row_factory = sqlite3.Row

    def close(self) -> None:
        self.con.close()

    def meta(self, key: str) -> Any:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def facets(self) -> dict[str, Any]:
        return orjson.loads(self.meta("facets") or "{}")

    @staticmethod
    def _where(filters: dict[str, str]) -> tuple[str, list[Any]]:
        conds, args = [], []
        for col in ("status", "stage", "reason", "source", "lang"):
            if filters.get(col):
                conds.append(f"{col} = ?")
                args.append(filters[col])
        if filters.get("id"):
            conds.append("id >= ? AND id < ?")
            args += [filters["id"], filters["id"] + "\U0010ffff"]
        if filters.get("edited") or filters.get("rule"):
            sub = "EXISTS (SELECT 1 FROM edit_rules e WHERE e.n = docs.n"
            if filters.get("edited"):
                sub += " AND e.stage = ?"
                args.append(filters["edited"])
            if filters.get("rule"):
                sub += " AND e.rule = ?"
                args.append(filters["rule"])
            conds.append(sub + ")")
        return (" AND ".join(conds) or "1"), args

    def page(
        self, filters: dict[str, str], after: int = 0, before: int = 0, size: int = PAGE
    ) -> tuple[list[sqlite3.Row], bool, bool]:
        """One page of matching records; returns (rows, has_previous, has_next)."""
        where, args = self._where(filters)
        if before:
            rows = self.con.execute(
                f"SELECT * FROM docs WHERE {where} AND n < ? ORDER BY n DESC LIMIT ?",
                [*args, before, size + 1],
            ).fetchall()
            has_prev = len(rows) > size
            rows = list(reversed(rows[:size]))
            return rows, has_prev, True
        rows = self.con.execute(
            f"SELECT * FROM docs WHERE {where} AND n > ? ORDER BY n LIMIT ?",
            [*args, after, size + 1],
        ).fetchall()
        return rows[:size], after > 0, len(rows) > size

    def count(self, filters: dict[str, str], limit: int = 1_000_000) -> int:
        """Matching records, counted up to ``limit`` (so a broad filter stays fast)."""
        where, args = self._where(filters)
        row = self.con.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM docs WHERE {where} LIMIT ?)", [*args, limit]
        ).fetchone()
        return row[0]

    def by_address(self, kind: str, shard: int, row: int) -> sqlite3.Row | None:
        return self.con.execute(
            "SELECT * FROM docs WHERE kind = ? AND shard = ? AND row = ?", (kind, shard, row)
        ).fetchone()

    def by_id(self, doc_id: str) -> list[sqlite3.Row]:
        """Records with this id, kept ones first (a duplicate's survivor is the kept one)."""
        return self.con.execute(
            "SELECT * FROM docs WHERE id = ? ORDER BY status != 'kept', n LIMIT 20", (doc_id,)
        ).fetchall()

    def neighbours(self, n: int) -> tuple[sqlite3.Row | None, sqlite3.Row | None]:
        prev = self.con.execute("SELECT * FROM docs WHERE n = ?", (n - 1,)).fetchone()
        nxt = self.con.execute("SELECT * FROM docs WHERE n = ?", (n + 1,)).fetchone()
        return prev, nxt
