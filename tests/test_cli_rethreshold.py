"""`tamis rethreshold` from the command line: new thresholds, counts printed, output verifiable."""

from __future__ import annotations

import orjson
import yaml

from tamis.demo import write_demo_corpus
from tests.helpers import tamis


def test_rethreshold_command(tmp_path, capsys):
    corpus = tmp_path / "c"
    write_demo_corpus(corpus, 300, seed=5)
    out, out2 = tmp_path / "out", tmp_path / "out2"
    assert (
        tamis("clean", corpus, "-o", out, "--stages", "gopher_quality", "--quiet", "--no-report")
        == 0
    )
    cfg = tmp_path / "new.yaml"
    cfg.write_text(yaml.safe_dump({"stages": [{"gopher_quality": {"min_doc_words": 150}}]}))
    capsys.readouterr()
    assert tamis("rethreshold", out, "--config", cfg, "-o", out2) == 0
    printed = capsys.readouterr().out
    before = orjson.loads((out / "stats.json").read_bytes())["kept"]["records"]
    after = orjson.loads((out2 / "stats.json").read_bytes())["kept"]["records"]
    assert after < before
    assert f"kept {after:,} (was {before:,})" in printed
    assert "gopher_quality.gopher_short_doc" in printed
    assert tamis("verify", out2) == 0


def test_rethreshold_refuses_unknown_options(tmp_path, capsys):
    corpus = tmp_path / "c"
    write_demo_corpus(corpus, 50, seed=5)
    out = tmp_path / "out"
    assert (
        tamis("clean", corpus, "-o", out, "--stages", "gopher_quality", "--quiet", "--no-report")
        == 0
    )
    cfg = tmp_path / "new.yaml"
    cfg.write_text(yaml.safe_dump({"stages": [{"gopher_quality": {"min_doc_wordz": 150}}]}))
    assert tamis("rethreshold", out, "--config", cfg, "-o", tmp_path / "o2") == 2
    assert "min_doc_wordz: unknown key" in capsys.readouterr().err
