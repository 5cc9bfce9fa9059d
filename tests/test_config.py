"""Bad configuration fails before any work, with the key and the allowed values, exit 2, OUT untouched."""

from __future__ import annotations

import json

import pytest
import yaml

from tamis.config import ConfigError, load_config
from tests.helpers import tamis


@pytest.fixture()
def inputs(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text(json.dumps({"text": "hello world"}) + "\n")
    return p


CASES = [
    ({"stages": [{"no_such_stage": {}}]}, "stages[0]: unknown stage 'no_such_stage'; allowed:"),
    ({"stages": "repair"}, "stages: must be a list"),
    ({"stages": [{"a": {}, "b": {}}]}, "stages[0]: each stage must be a mapping of one stage name"),
    ({"workers": "many"}, "workers: Input should be a valid integer"),
    ({"workerz": 2}, "workerz: unknown key; allowed:"),
    ({"output_format": "csv"}, "output_format: Input should be"),
    ({"max_record_bytes": 0}, "max_record_bytes: Input should be greater than or equal to 1"),
    ([1, 2], "must be a mapping at the top"),
]


@pytest.mark.parametrize(("data", "message"), CASES)
def test_bad_pipeline_file(tmp_path, inputs, capsys, data, message):
    cfg = tmp_path / "p.yaml"
    cfg.write_text(yaml.safe_dump(data))
    out = tmp_path / "out"
    assert tamis("clean", inputs, "-o", out, "--config", cfg) == 2
    err = capsys.readouterr().err
    assert message in err
    assert not out.exists()


def test_unknown_stage_option_names_key_and_allowed(tmp_path, inputs, capsys):
    from tamis.stages.base import stage_names

    name = stage_names()[0]
    cfg = tmp_path / "p.yaml"
    cfg.write_text(yaml.safe_dump({"stages": [{name: {"definitely_not_an_option": 1}}]}))
    assert tamis("clean", inputs, "-o", tmp_path / "out", "--config", cfg) == 2
    err = capsys.readouterr().err
    assert f"stages[0].{name}.definitely_not_an_option: unknown key; allowed:" in err
    assert not (tmp_path / "out").exists()


def test_unknown_stage_in_stages_flag(tmp_path, inputs, capsys):
    assert tamis("clean", inputs, "-o", tmp_path / "out", "--stages", "nope") == 2
    assert "--stages[0]: unknown stage 'nope'; allowed:" in capsys.readouterr().err


def test_invalid_yaml_and_missing_config(tmp_path, inputs, capsys):
    cfg = tmp_path / "p.yaml"
    cfg.write_text("stages: [unclosed")
    assert tamis("clean", inputs, "-o", tmp_path / "out", "--config", cfg) == 2
    assert "not valid YAML" in capsys.readouterr().err
    assert tamis("clean", inputs, "-o", tmp_path / "out", "--config", tmp_path / "none.yaml") == 2
    assert "cannot read configuration" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_missing_input_fails_before_work(tmp_path, capsys):
    assert tamis("clean", tmp_path / "nope.jsonl", "-o", tmp_path / "out") == 2
    assert "nope.jsonl: no such file or directory" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_existing_output_is_not_clobbered(tmp_path, inputs, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "precious.txt").write_text("mine")
    assert tamis("clean", inputs, "-o", out) == 2
    assert "other files" in capsys.readouterr().err
    assert tamis("clean", inputs, "-o", out, "--overwrite") == 2
    assert "refusing to delete" in capsys.readouterr().err
    assert (out / "precious.txt").read_text() == "mine"


def test_different_run_needs_overwrite(tmp_path, inputs, capsys):
    out = tmp_path / "out"
    assert tamis("clean", inputs, "-o", out, "--stages", "", "--quiet") == 0
    assert tamis("clean", inputs, "-o", out, "--output-format", "jsonl", "--quiet") == 2
    assert "already holds a different run" in capsys.readouterr().err
    assert (
        tamis("clean", inputs, "-o", out, "--output-format", "jsonl", "--overwrite", "--quiet") == 0
    )


def test_run_command_reads_inputs_and_output_from_the_file(tmp_path, inputs):
    cfg = tmp_path / "p.yaml"
    cfg.write_text(
        yaml.safe_dump({"inputs": [str(inputs)], "output": str(tmp_path / "o"), "stages": []})
    )
    assert tamis("run", cfg, "--quiet") == 0
    assert (tmp_path / "o" / "manifest.json").exists()


def test_recipe_show_round_trips(capsys):
    assert tamis("recipe", "show", "default") == 0
    text = capsys.readouterr().out
    data = yaml.safe_load(text)
    assert "stages" in data and "output_format" in data
    load_config(None, None, {})  # the default recipe validates


def test_config_error_is_an_exception_type():
    with pytest.raises(ConfigError):
        load_config(None, "nope")
