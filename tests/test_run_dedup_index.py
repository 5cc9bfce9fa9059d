"""--dedup-index: a later run deduplicates new data against what an earlier run kept."""

from __future__ import annotations

import json

import orjson

from tamis.io.output import read_records, shard_files
from tests.helpers import tamis

ARTICLE = (
    "The regional council approved a new plan for the river valley on Tuesday after a long "
    "debate about flood defences, housing and the cost of repairing the old bridge. "
    "Residents said they welcomed the decision but wanted more details about the timetable."
)


def _write(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def test_second_run_drops_copies_of_what_the_first_kept(tmp_path):
    first = tmp_path / "first.jsonl"
    _write(
        first,
        [
            {"id": f"a{i}", "text": f"{ARTICLE} Story {i} of the week, part {i * 7}."}
            for i in range(5)
        ],
    )
    second = tmp_path / "second.jsonl"
    copies = [
        {"id": f"b{i}", "text": f"{ARTICLE} Story {i} of the week, part {i * 7}."} for i in range(3)
    ]
    fresh = [
        {
            "id": "new",
            "text": "A completely different report about a football match in Krakow and its fans.",
        }
    ]
    _write(second, copies + fresh)

    out1, out2 = tmp_path / "out1", tmp_path / "out2"
    assert (
        tamis("clean", first, "-o", out1, "--stages", "exact_dedup", "--quiet", "--no-report") == 0
    )
    assert (out1 / "dedup-index" / "exact_dedup").is_dir()
    assert (
        tamis(
            "clean",
            second,
            "-o",
            out2,
            "--stages",
            "exact_dedup",
            "--dedup-index",
            out1,
            "--quiet",
            "--no-report",
        )
        == 0
    )

    kept = [r["id"] for p in shard_files(out2, "kept") for r in read_records(p)]
    rejected = {
        r["id"]: r["verdict"] for p in shard_files(out2, "rejected") for r in read_records(p)
    }
    assert kept == ["new"]
    assert set(rejected) == {"b0", "b1", "b2"}
    assert all(v["reason"] == "duplicate" for v in rejected.values())
    stats = orjson.loads((out2 / "stats.json").read_bytes())
    assert stats["dedup"]["exact_dedup"]["documents_removed"] == 3
    assert tamis("verify", out2) == 0


def test_dedup_index_without_an_index_is_a_config_error(tmp_path, capsys):
    src = tmp_path / "a.jsonl"
    _write(src, [{"text": ARTICLE}])
    assert (
        tamis(
            "clean", src, "-o", tmp_path / "o", "--stages", "exact_dedup", "--dedup-index", tmp_path
        )
        == 2
    )
    assert "no index for exact_dedup" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_dedup_index_error_names_every_stage_that_reads_an_index(tmp_path, capsys):
    src = tmp_path / "a.jsonl"
    _write(src, [{"text": ARTICLE}])
    assert (
        tamis("clean", src, "-o", tmp_path / "o", "--stages", "clean", "--dedup-index", tmp_path)
        == 2
    )
    err = capsys.readouterr().err
    assert "exact_dedup, minhash_dedup, rewrite_dedup" in err
    assert not (tmp_path / "o").exists()
