"""The inspector's index: one SQLite file with a small row per record, built once per output.

Browsing a million documents must not mean reading a million documents per click. The index
holds, for every record, its address (kind, shard, row, byte offset in the decoded shard), the
fields one filters by (verdict, stage, reason, source, language, id), a few numbers and an
80-character snippet; each edit rule a document carries is one row of ``edit_rules``. Pages
are read with keyset pagination (``n > last ORDER BY n LIMIT k``) over indexes, so the cost of
a page does not depend on how deep it is; a document's text is then fetched from its shard by
address (:func:`tamis.report.scan.fetch`).

Repeated strings (kind, verdict, stage, reason, source, language, rule) are stored once in
``names`` and referred to by integer code: about 220 bytes a record with its indexes (80 of
them the snippet), against 310 with the strings inline.

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
SCHEMA_VERSION = 2
SNIPPET = 80
PAGE = 50
COUNT_LIMIT = 100_000  # list pages count matches up to this, then say 'more than'

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE names (code INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE docs (
    n INTEGER PRIMARY KEY,
    kind INTEGER NOT NULL, shard INTEGER NOT NULL, row INTEGER NOT NULL, offset INTEGER NOT NULL,
    id TEXT NOT NULL, status INTEGER NOT NULL, stage INTEGER, reason INTEGER,
    source INTEGER, lang INTEGER, chars INTEGER, out_chars INTEGER, n_edits INTEGER, snippet TEXT
);
CREATE TABLE edit_rules (n INTEGER NOT NULL, stage INTEGER NOT NULL, rule INTEGER NOT NULL,
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
"""

CODED = ("kind", "status", "stage", "reason", "source", "lang")
# a docs row with its coded columns decoded, under their own names
SELECT = "SELECT n, shard, row, offset, id, chars, out_chars, n_edits, snippet, " + ", ".join(
    f"(SELECT name FROM names WHERE code = docs.{c}) AS {c}" for c in CODED
)

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
        codes: dict[str, int] = {}

        def code(name: Any) -> int | None:
            if name is None:
                return None
            name = str(name)
            c = codes.get(name)
            if c is None:
                c = codes[name] = len(codes) + 1
            return c

        n = 0
        for kind, shard, row, offset, rec in iter_located(out):
            n += 1
            docs.append(_doc_row(n, kind, shard, row, offset, rec, code))
            counts: dict[tuple[int, int], int] = {}
            for e in rec.get("edits") or []:
                k = (code(e["stage"]), code(e["rule"]))
                counts[k] = counts.get(k, 0) + 1
            rules.extend((n, s, r, c) for (s, r), c in counts.items())
            if len(docs) >= 5000:
                _flush(con, docs, rules)
                if progress:
                    progress(n)
        _flush(con, docs, rules)
        con.executemany("INSERT INTO names VALUES (?, ?)", ((c, k) for k, c in codes.items()))
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


def _doc_row(
    n: int, kind: str, shard: int, row: int, offset: int, rec: dict[str, Any], code: Any
) -> tuple:
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
        code(kind),
        shard,
        row,
        offset,
        str(rec.get("id", "")),
        code(status),
        code(verdict.get("stage")) if status != "kept" else None,
        code(verdict.get("reason")) if status != "kept" else None,
        code(source_of(rec)),
        code(lang) if isinstance(lang, str) else None,
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

    def q(sql: str) -> list[list[Any]]:
        return [list(r) for r in con.execute(sql).fetchall()]

    def name(col: str) -> str:
        return f"(SELECT name FROM names WHERE code = {col})"

    kept = "(SELECT code FROM names WHERE name = 'kept')"
    return {
        "status": q(f"SELECT {name('status')}, COUNT(*) FROM docs GROUP BY status ORDER BY 1"),
        "reasons": q(
            f"SELECT {name('stage')}, {name('reason')}, COUNT(*) FROM docs "
            f"WHERE status != {kept} GROUP BY stage, reason ORDER BY 3 DESC, 1, 2"
        ),
        "rules": q(
            f"SELECT {name('stage')}, {name('rule')}, COUNT(*), SUM(count) FROM edit_rules "
            "GROUP BY stage, rule ORDER BY 3 DESC, 1, 2"
        ),
        "sources": q(
            f"SELECT {name('source')}, COUNT(*), SUM(status = {kept}) FROM docs GROUP BY source "
            "ORDER BY 2 DESC, 1 LIMIT 200"
        ),
        "n_sources": con.execute("SELECT COUNT(DISTINCT source) FROM docs").fetchone()[0],
        "langs": q(
            f"SELECT {name('lang')}, COUNT(*), SUM(status = {kept}) FROM docs "
            "WHERE lang IS NOT NULL GROUP BY lang ORDER BY 2 DESC, 1 LIMIT 200"
        ),
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

    def _code(self, name: str) -> int:
        """The code of a name; -1 (matches nothing) when the output has no such value."""
        row = self.con.execute("SELECT code FROM names WHERE name = ?", (name,)).fetchone()
        return -1 if row is None else row[0]

    def _where(self, filters: dict[str, str]) -> tuple[str, list[Any]]:
        conds, args = [], []
        for col in ("status", "stage", "reason", "source", "lang"):
            if filters.get(col):
                conds.append(f"{col} = ?")
                args.append(self._code(filters[col]))
        if filters.get("id"):
            conds.append("id >= ? AND id < ?")
            args += [filters["id"], filters["id"] + "\U0010ffff"]
        if filters.get("edited") or filters.get("rule"):
            sub = "n IN (SELECT e.n FROM edit_rules e WHERE 1"
            if filters.get("edited"):
                sub += " AND e.stage = ?"
                args.append(self._code(filters["edited"]))
            if filters.get("rule"):
                sub += " AND e.rule = ?"
                args.append(self._code(filters["rule"]))
            conds.append(sub + ")")
        return (" AND ".join(conds) or "1"), args

    def page(
        self, filters: dict[str, str], after: int = 0, before: int = 0, size: int = PAGE
    ) -> tuple[list[sqlite3.Row], bool, bool]:
        """One page of matching records; returns (rows, has_previous, has_next)."""
        if set(filters) == {"edited", "rule"} and not before:
            # the report's "browse" links: page through the (stage, rule, n) index itself
            rows = self.con.execute(
                f"{SELECT} FROM docs WHERE n IN (SELECT n FROM edit_rules WHERE stage = ? "
                "AND rule = ? AND n > ? ORDER BY n LIMIT ?) ORDER BY n",
                [self._code(filters["edited"]), self._code(filters["rule"]), after, size + 1],
            ).fetchall()
            return rows[:size], after > 0, len(rows) > size
        where, args = self._where(filters)
        if before:
            rows = self.con.execute(
                f"{SELECT} FROM docs WHERE {where} AND n < ? ORDER BY n DESC LIMIT ?",
                [*args, before, size + 1],
            ).fetchall()
            has_prev = len(rows) > size
            rows = list(reversed(rows[:size]))
            return rows, has_prev, True
        rows = self.con.execute(
            f"{SELECT} FROM docs WHERE {where} AND n > ? ORDER BY n LIMIT ?",
            [*args, after, size + 1],
        ).fetchall()
        return rows[:size], after > 0, len(rows) > size

    def count(self, filters: dict[str, str], limit: int = COUNT_LIMIT) -> int:
        """Matching records, counted up to ``limit`` (so a broad filter stays fast)."""
        if filters.get("rule") and set(filters) <= {"edited", "rule"}:
            # an edit rule alone: count its own index, not the documents
            args: list[Any] = [self._code(filters["rule"])]
            cond = "rule = ?"
            if filters.get("edited"):
                cond += " AND stage = ?"
                args.append(self._code(filters["edited"]))
            return self.con.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM edit_rules WHERE {cond} LIMIT ?)",
                [*args, limit],
            ).fetchone()[0]
        where, args = self._where(filters)
        row = self.con.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM docs WHERE {where} LIMIT ?)", [*args, limit]
        ).fetchone()
        return row[0]

    def by_address(self, kind: str, shard: int, row: int) -> sqlite3.Row | None:
        return self.con.execute(
            f"{SELECT} FROM docs WHERE kind = ? AND shard = ? AND row = ?",
            (self._code(kind), shard, row),
        ).fetchone()

    def by_id(self, doc_id: str) -> list[sqlite3.Row]:
        """Records with this id, kept ones first (a duplicate's survivor is the kept one)."""
        kept = self._code("kept")
        return self.con.execute(
            f"{SELECT} FROM docs WHERE id = ? ORDER BY status != ?, n LIMIT 20", (doc_id, kept)
        ).fetchall()

    def neighbours(self, n: int) -> tuple[sqlite3.Row | None, sqlite3.Row | None]:
        prev = self.con.execute(f"{SELECT} FROM docs WHERE n = ?", (n - 1,)).fetchone()
        nxt = self.con.execute(f"{SELECT} FROM docs WHERE n = ?", (n + 1,)).fetchone()
        return prev, nxt
