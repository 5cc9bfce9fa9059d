"""Every output loads where corpora are loaded: datasets, pandas, polars, pyarrow, DuckDB, Spark.

One run (in both output formats) over inputs whose metadata disagree: real IMDb reviews (label
a string, a rating), the real DCLM judgments (label a number, a url), a generated news source
(nested metadata: a list and an object, one field a list where another source has a string),
a saved HTML page (so ``extract`` runs), and broken lines (quarantine). Every registered stage
runs, in filter mode, so there are rejected records and every stage's signals. Each library
must read every record of every kind, with the types of the run's schema.
"""

from __future__ import annotations

import gzip
import io
import shutil
from pathlib import Path

import orjson
import pytest
import zstandard

from tamis.io.output import KINDS, read_records, shard_files
from tamis.io.schema import RunSchema
from tamis.stages.base import stage_class, stage_names
from tests.helpers import output_digest, require, tamis

IMDB_RECORDS = 1500

STAGES = [
    {"url_filter": {}},
    {"extract": {}},
    {"repair": {}},
    {"clean": {}},
    {"boilerplate": {}},
    {"pii": {}},
    {"langid": {"languages": ["en"], "per_paragraph": True}},
    {"gopher_quality": {}},
    {"gopher_repetition": {}},
    {"c4": {"edit_lines": False}},
    {"fineweb": {}},
    {"exact_dedup": {}},
    {"minhash_dedup": {}},
    {"line_dedup": {}},
    {"rewrite_dedup": {}},
]


def _corpus(shared: Path, dest: Path) -> list[Path]:
    """The mixed inputs (a slice of the real IMDb file is written to ``dest``, not the repo)."""
    from tamis.demo import make_documents

    dest.mkdir(parents=True, exist_ok=True)
    imdb = dest / "imdb-head.jsonl"
    with zstandard.ZstdDecompressor().stream_reader(
        open(shared / "text" / "imdb-reviews.jsonl.zst", "rb")
    ) as fh:
        lines = io.TextIOWrapper(fh, encoding="utf-8")
        imdb.write_text("".join(next(lines) for _ in range(IMDB_RECORDS)), encoding="utf-8")
    news = dest / "generated-news.jsonl"
    rows = []
    for i, doc in enumerate(make_documents(300, seed=11)):
        doc["crawl"] = {"host": doc["url"].split("/")[2], "status": 200, "depth": i % 4}
        doc["tags"] = ["news", f"batch-{i % 3}"] if i % 2 else []
        doc["label"] = [i % 2, "wire"]  # a string in IMDb, a number in DCLM
        rows.append(orjson.dumps(doc))
    rows[5] = b'{"text": "broken'  # quarantined: invalid JSON
    rows[9] = b'{"id": "no-text", "body": "no text field"}'  # quarantined: no text
    news.write_bytes(b"\n".join(rows) + b"\n")
    page = sorted((shared / "extraction" / "scrapinghub-aeb" / "html").iterdir())[0]
    html = dest / "page.html"
    html.write_bytes(gzip.decompress(page.read_bytes()))
    return [imdb, shared / "quality" / "dclm-human-majority.jsonl", news, html]


def _run(inputs: list[Path], out: Path, fmt: str, workers: int) -> None:
    pipeline = out.parent / f"{out.name}.yaml"
    pipeline.write_bytes(
        orjson.dumps(
            {
                "inputs": [str(p) for p in inputs],
                "output": str(out),
                "output_format": fmt,
                "workers": workers,
                "shard_size_mb": 1,
                "stages": STAGES,
            }
        )
    )
    assert tamis("run", pipeline, "--quiet", "--no-report") == 0


@pytest.fixture(scope="module")
def outputs(shared_data, tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("loaders")
    inputs = _corpus(shared_data, root / "in")
    outs = {}
    for fmt in ("jsonl.zst", "parquet"):
        outs[fmt] = root / fmt.replace(".", "-")
        _run(inputs, outs[fmt], fmt, workers=2)
    return outs


def _counts(out: Path) -> dict[str, int]:
    counts = orjson.loads((out / "manifest.json").read_bytes())["counts"]
    return {
        "kept": counts["kept"],
        "rejected": counts["rejected"],
        "quarantine": counts["quarantined"],
    }


def _records(out: Path, kind: str) -> list[dict]:
    return [r for p in shard_files(out, kind) for r in read_records(p)]


# ------------------------------------------------------------------ the run and its schema


def test_every_registered_stage_declares_its_signals():
    from tamis.io.kinds import declared

    for name in stage_names():
        cls = stage_class(name)
        assert "signals" in vars(cls) or any(
            "signals" in vars(base) for base in cls.__mro__[1:] if base.__name__ != "Stage"
        ), f"stage {name} does not declare its signals (class attribute 'signals')"
        for spec in cls().signal_types().values():
            declared(spec)  # raises on a type that cannot be written


def test_the_run_mixes_everything_it_should(outputs):
    out = outputs["jsonl.zst"]
    counts = _counts(out)
    assert all(counts[k] > 0 for k in KINDS), counts
    schema = RunSchema.load(out)
    assert "meta.label" in schema.conflicts
    stats = orjson.loads((out / "stats.json").read_bytes())
    assert stats["schema"]["conflicts"] == schema.conflicts
    # every stage that measures something is in the schema, and measured some record
    measured = {s for r in _records(out, "kept") + _records(out, "rejected") for s in r["signals"]}
    declaring = {n for n in stage_names() if stage_class(n)().signal_types()}
    assert declaring <= set(schema.signals)
    assert {"extract", "repair", "langid", "gopher_quality", "c4", "fineweb"} <= measured
    meta = schema.meta[1]
    assert meta["label"] == "string" and meta["rating"] == "int"
    assert meta["crawl"][0] == "struct" and meta["tags"] == ["list", "string"]


def _check(value, kind, where):
    if value is None:
        return
    if type(kind) is str:
        want = {"string": str, "int": int, "float": float, "bool": bool}[kind]
        assert type(value) is want, f"{where}: {value!r} is not {kind}"
    elif kind[0] == "list":
        assert type(value) is list, where
        for v in value:
            _check(v, kind[1], where + "[]")
    else:
        # every field present (JSON readers need no order; Parquet's columns follow the schema)
        assert type(value) is dict and set(value) == set(kind[1]), f"{where}: fields {value}"
        for k, sub in kind[1].items():
            _check(value[k], sub, f"{where}.{k}")


@pytest.mark.parametrize("fmt", ["jsonl.zst", "parquet"])
def test_every_record_has_every_field_in_its_one_type(outputs, fmt):
    out = outputs[fmt]
    schema = RunSchema.load(out)
    for kind in KINDS:
        fields = {
            n: k for n, k in schema.field_kinds(kind).items() if not (k[0] == "struct" and not k[1])
        }
        for path in shard_files(out, kind):
            if fmt == "parquet":
                pq = pytest.importorskip("pyarrow.parquet")
                rows = pq.read_table(path).to_pylist()
            else:
                with zstandard.ZstdDecompressor().stream_reader(open(path, "rb")) as fh:
                    rows = [orjson.loads(line) for line in fh.read().splitlines()]
            for row in rows:
                assert list(row) == list(fields), f"{path}: fields {list(row)}"
                for name, k in fields.items():
                    _check(row[name], k, f"{path.name}:{name}")


def test_output_is_the_same_for_any_worker_count(outputs, tmp_path):
    """The schema is settled after all shards are written: it must not depend on who wrote
    which shard, nor must the rewritten shards."""
    src = orjson.loads((outputs["jsonl.zst"].parent / "jsonl-zst.yaml").read_bytes())["inputs"]
    one = tmp_path / "one"
    _run([Path(p) for p in src], one, "jsonl.zst", workers=1)
    a, b = output_digest(one), output_digest(outputs["jsonl.zst"])
    assert a.keys() == b.keys()
    # no signal is timed (run.json holds the stage times): every shard is byte-identical
    differing = sorted(k for k in a if a[k] != b[k])
    assert set(differing) <= {"manifest.json"}, differing
    assert (one / "schema.json").read_bytes() == (outputs["jsonl.zst"] / "schema.json").read_bytes()
    assert (one / "README.md").read_bytes() == (outputs["jsonl.zst"] / "README.md").read_bytes()


@pytest.mark.parametrize("fmt", ["jsonl.zst", "parquet"])
def test_verify_and_rethreshold_read_the_layout(outputs, fmt, tmp_path):
    out = outputs[fmt]
    assert tamis("verify", out) == 0
    new = tmp_path / "new.yaml"
    new.write_text("stages:\n  - gopher_quality: {min_doc_words: 20}\n")
    assert tamis("rethreshold", out, "--config", new, "-o", tmp_path / "re") == 0
    assert tamis("verify", tmp_path / "re") == 0
    assert RunSchema.load(tmp_path / "re") == RunSchema.load(out)


# ----------------------------------------------------------------------------- libraries


def _hf_features(datasets, out: Path, kind: str, cache: Path):
    return datasets.load_dataset_builder(str(out), kind, cache_dir=str(cache)).info.features


@pytest.mark.parametrize("fmt", ["jsonl.zst", "parquet"])
def test_datasets_loads_every_kind(outputs, fmt, tmp_path):
    datasets = require("datasets")
    datasets.disable_progress_bars()
    out = outputs[fmt]
    counts = _counts(out)
    for kind in KINDS:
        # the folder, as pushed to the Hub: the card gives the configurations and types
        if kind == "kept":
            ds = datasets.load_dataset(str(out), split="train", cache_dir=str(tmp_path))
        else:
            ds = datasets.load_dataset(str(out), kind, split="train", cache_dir=str(tmp_path))
        assert len(ds) == counts[kind]
        assert list(ds.features)[0] == ("raw" if kind == "quarantine" else "text")
        # the format's own builder over the files, with the card's features
        files = [str(p) for p in shard_files(out, kind)]
        builder = "parquet" if fmt == "parquet" else "json"
        features = _hf_features(datasets, out, kind, tmp_path)
        ds2 = datasets.load_dataset(
            builder, data_files=files, split="train", features=features, cache_dir=str(tmp_path)
        )
        assert len(ds2) == counts[kind]
        if fmt == "parquet":  # Parquet carries its types: no features needed
            ds3 = datasets.load_dataset(
                "parquet", data_files=files, split="train", cache_dir=str(tmp_path / "bare")
            )
            assert len(ds3) == counts[kind]
            assert ds3.features == features
    kept = datasets.load_dataset(str(out), split="train", cache_dir=str(tmp_path))
    words = [s["gopher_quality"]["n_words"] for s in kept["signals"]]
    assert all(isinstance(w, int) for w in words)


def test_pandas_polars_pyarrow_read_parquet(outputs):
    pd = require("pandas")
    pl = require("polars")
    import pyarrow.parquet as pq

    out = outputs["parquet"]
    schema = RunSchema.load(out)
    for kind, n in _counts(out).items():
        files = shard_files(out, kind)
        for path in files:
            pf = pq.ParquetFile(path)
            assert pf.schema_arrow.remove_metadata() == schema.arrow_schema(kind).remove_metadata()
            assert pf.schema_arrow.names[0] == ("raw" if kind == "quarantine" else "text")
        assert len(pd.concat([pd.read_parquet(p) for p in files])) == n
        assert pl.read_parquet(files).height == n
    frame = pl.read_parquet(shard_files(out, "kept"))
    words = frame.select(pl.col("signals").struct.field("gopher_quality").struct.field("n_words"))
    assert words.dtypes == [pl.Int64]


def test_pyarrow_and_polars_read_jsonl_with_the_run_schema(outputs):
    """JSON readers infer types from the first records, and a field null in all of them gives
    nothing to infer from: they read every record given the schema tamis writes."""
    pl = require("polars")
    import pyarrow.json as pj

    out = outputs["jsonl.zst"]
    schema = RunSchema.load(out)
    for kind, n in _counts(out).items():
        arrow = schema.arrow_schema(kind)
        polars_schema = pl.from_arrow(arrow.empty_table()).schema
        got_pa = got_pl = 0
        for path in shard_files(out, kind):
            with zstandard.ZstdDecompressor().stream_reader(open(path, "rb")) as fh:
                data = fh.read()
            table = pj.read_json(
                io.BytesIO(data), parse_options=pj.ParseOptions(explicit_schema=arrow)
            )
            assert table.schema.remove_metadata() == arrow.remove_metadata()
            got_pa += table.num_rows
            got_pl += pl.read_ndjson(io.BytesIO(data), schema=polars_schema).height
        assert got_pa == got_pl == n


@pytest.mark.parametrize("fmt", ["jsonl.zst", "parquet"])
def test_duckdb_filters_on_a_signal_without_parsing_json(outputs, fmt):
    duckdb = require("duckdb")
    out = outputs[fmt]
    schema = RunSchema.load(out)
    if fmt == "parquet":
        source = f"read_parquet('{out}/kept/*.parquet')"
    else:
        cols = schema.duckdb_columns("kept")
        source = f"read_json('{out}/kept/*.jsonl.zst', columns={cols})"
    con = duckdb.connect()
    assert (
        con.execute(
            f"select typeof(signals.gopher_quality.n_words) from {source} limit 1"
        ).fetchone()[0]
        == "BIGINT"
    )
    got = con.execute(
        f"select count(*) from {source} where signals.gopher_quality.n_words > 100"
    ).fetchone()[0]
    want = sum(
        1
        for r in _records(out, "kept")
        if (r["signals"].get("gopher_quality") or {}).get("n_words", 0) > 100
    )
    assert got == want > 0
    for kind, n in _counts(out).items():
        if fmt == "parquet":
            src = f"read_parquet('{out}/{kind}/*.parquet')"
        else:
            src = f"read_json('{out}/{kind}/*.jsonl.zst', columns={schema.duckdb_columns(kind)})"
        assert con.execute(f"select count(*) from {src}").fetchone()[0] == n


@pytest.mark.slow
def test_spark_reads_parquet(outputs):
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime (java is not on PATH)")
    require("pyspark")
    from pyspark.sql import SparkSession

    out = outputs["parquet"]
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    try:
        for kind, n in _counts(out).items():
            assert spark.read.parquet(str(out / kind)).count() == n
        kept = spark.read.parquet(str(out / "kept"))
        fields = {f.name: f.dataType.simpleString() for f in kept.schema.fields}
        assert fields["signals"].startswith("struct<")
        want = sum(
            1
            for r in _records(out, "kept")
            if (r["signals"].get("gopher_quality") or {}).get("n_words", 0) > 100
        )
        assert kept.where("signals.gopher_quality.n_words > 100").count() == want
    finally:
        spark.stop()
        _stop_spark_jvm()


def _stop_spark_jvm() -> None:
    """``spark.stop()`` leaves the JVM (half a gigabyte) running until Python exits; the
    gateway process pyspark launched exits when its standard input closes."""
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    if gateway is None:
        return
    proc = getattr(gateway, "proc", None)
    gateway.shutdown()
    if proc is not None:
        proc.stdin.close()
        proc.wait(timeout=30)
    SparkContext._gateway = None
    SparkContext._jvm = None
