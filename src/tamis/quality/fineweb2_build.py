"""Build the shipped FineWeb-2 thresholds file from a directory of FineWeb-2 configs.

    python -m tamis.quality.fineweb2_build path/to/fineweb-2/configs [--commit SHA]

reads every ``{iso3}_{Script}.yml`` of the directory (a clone of huggingface/fineweb-2 holds
1,929 under ``configs/``), checks each as :func:`tamis.quality.fineweb2.parse_config` does, and
writes ``tamis/quality/data/fineweb2/thresholds.json`` with the source and its licence
(ODC-By 1.0, as FineWeb-2): the file tamis ships. A user who has the configs does not need this
to use them: ``thresholds: path/to/configs`` on a quality stage reads them directly.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tamis.quality.fineweb2 import SHIPPED, parse_config
from tamis.quality.languages import is_pair

SOURCE = "https://github.com/huggingface/fineweb-2 configs/{iso3}_{Script}.yml"
LICENCE = (
    "Open Data Commons Attribution License (ODC-By) v1.0, as FineWeb-2 "
    "(https://opendatacommons.org/licenses/by/1-0/); thresholds and stop words by the "
    "FineWeb-2 authors (Hugging Face), unchanged"
)


def build(directory: Path, commit: str | None = None) -> dict:
    configs = {}
    for path in sorted(directory.iterdir()):
        if path.suffix in (".yml", ".yaml") and is_pair(path.stem):
            configs[path.stem] = parse_config(path.read_text(encoding="utf-8"), str(path))
    if not configs:
        raise SystemExit(f"{directory}: no FineWeb-2 config files (named like por_Latn.yml)")
    return {"source": SOURCE, "commit": commit, "licence": LICENCE, "configs": configs}


def render(data: dict) -> str:
    """The file's text: the header fields, then one line per language (diffs stay readable)."""
    head = {k: v for k, v in data.items() if k != "configs"}
    lines = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
    configs = [
        f"    {json.dumps(pair)}: {json.dumps(config, ensure_ascii=False, sort_keys=True)}"
        for pair, config in sorted(data["configs"].items())
    ]
    return "{\n" + "\n".join(lines) + '\n  "configs": {\n' + ",\n".join(configs) + "\n  }\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("configs", type=Path, help="directory of FineWeb-2 config files")
    parser.add_argument("--commit", help="commit of huggingface/fineweb-2 they come from")
    parser.add_argument("-o", "--output", type=Path, default=SHIPPED)
    args = parser.parse_args(argv)
    data = build(args.configs, args.commit)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(data), encoding="utf-8")
    print(f"{args.output}: {len(data['configs'])} languages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
