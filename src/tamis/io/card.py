"""``OUT/README.md``: a Hugging Face dataset card, so the output folder loads as it is.

The card's YAML front matter names one configuration per kind of record (``kept``, the
default, ``rejected`` and ``quarantine``, each present when the run wrote any) with its files
and its features (the run's settled schema), so ``datasets.load_dataset("OUT")`` and
``load_dataset("OUT", "rejected")`` read every record with the documented types, and the
folder can be pushed to a Hub repository unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from tamis.io import kinds
from tamis.io.output import KINDS
from tamis.io.schema import RunSchema

CARD = "README.md"


def _yaml(value: Any, indent: int = 0) -> list[str]:
    """A tiny YAML emitter for the card's plain data (strings quoted as JSON, which is YAML)."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, dict | list) and v:
                lines.append(f"{pad}{k}:")
                lines += _yaml(v, indent + 2)
            else:
                lines.append(f"{pad}{k}: {_scalar(v)}")
    else:
        for item in value:
            sub = _yaml(item, indent + 2) if isinstance(item, dict | list) else None
            if sub is None:
                lines.append(f"{pad}- {_scalar(item)}")
            else:
                lines.append(f"{pad}- {sub[0].lstrip()}")
                lines += sub[1:]
    return lines


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dict | list):
        return "{}" if isinstance(v, dict) else "[]"
    return orjson.dumps(str(v)).decode()


def card_data(schema: RunSchema, fmt: str, present: set[str]) -> dict[str, Any]:
    configs, infos = [], []
    for kind in KINDS:
        if kind not in present:
            continue
        entry: dict[str, Any] = {"config_name": kind}
        if kind == "kept":
            entry["default"] = True
        entry["data_files"] = [{"split": "train", "path": f"{kind}/part-*.{fmt}"}]
        configs.append(entry)
        fields = {
            name: k
            for name, k in schema.field_kinds(kind).items()
            if not (type(k) is list and k[0] == "struct" and not k[1])
        }
        infos.append({"config_name": kind, "features": kinds.hf_fields(["struct", fields, False])})
    return {"configs": configs, "dataset_info": infos}


def write_card(out: Path, schema: RunSchema, fmt: str, present: set[str]) -> None:
    front = "\n".join(_yaml(card_data(schema, fmt, present)))
    conflicts = (
        "\n".join(f"- `{c}`" for c in schema.conflicts)
        if schema.conflicts
        else "none: every input gave each field one type"
    )
    body = f"""---
{front}
---

# tamis output

Documents cleaned, deduplicated and labelled by [tamis](https://pypi.org/project/tamis/).
Every input record is in exactly one of the configurations:

- `kept`: the cleaned documents (the default);
- `rejected`: the dropped documents with their original text, the stage and reason that
  dropped them (`verdict`) and the signals that decided;
- `quarantine`: input records that could not be read: raw bytes (base64), where they were,
  the error.

Record schema version {schema.version} (`schema.json`; `tamis schema` prints and explains it):
every field has one type in every record. `verdict.details` is JSON text; `signals` holds one
object per stage, null where the stage measured nothing.

Metadata fields whose types disagreed between inputs, written as text: {conflicts}

```python
from datasets import load_dataset
kept = load_dataset("path/to/this/folder")            # or ("...", "rejected")
```
"""
    tmp = out / (CARD + ".tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(out / CARD)
