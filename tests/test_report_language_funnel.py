"""The report's funnel per language: each language's documents left after each stage."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import yaml

from tamis.io.output import read_records
from tests.helpers import tamis
from tests.multilingual_docs import documents, sentences


def test_language_funnels_match_the_records(shared_data: Path, tmp_path: Path):
    lingua = shared_data / "langid" / "lingua-sentences"
    rows = [
        {"id": f"{iso}-{i}", "text": text}
        for iso in ("tr", "de", "ru")
        for i, text in enumerate(documents(sentences(lingua, iso))[:10])
    ]
    data = tmp_path / "in.jsonl"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    stages = [
        {"langid": {"mode": "annotate"}},
        {"gopher_repetition": {"thresholds": "fineweb2"}},
        {"fineweb": {"thresholds": "fineweb2", "short_line_thr": 999}},
        {"gopher_quality": {"thresholds": "fineweb2"}},
    ]
    cfg = tmp_path / "p.yaml"
    cfg.write_text(yaml.safe_dump({"stages": stages}))
    out = tmp_path / "out"
    assert tamis("clean", data, "-o", out, "--config", cfg, "--executor", "inprocess") == 0
    records = [
        r for kind in ("kept", "rejected") for p in (out / kind).glob("*") for r in read_records(p)
    ]
    langs = Counter(r["signals"]["langid"]["lang"] for r in records)
    kept = Counter(
        r["signals"]["langid"]["lang"] for r in records if r["verdict"]["status"] == "kept"
    )
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Funnel per language" in html
    table = html.split("Funnel per language", 1)[1].split("</table>", 1)[0]
    heads = re.findall(r"<th class=n>after ([a-z_]+)</th>", table)
    assert heads and heads == [
        s for s in ("gopher_repetition", "fineweb", "gopher_quality") if s in heads
    ]
    for lang in ("tr", "de", "ru"):
        cells = re.search(rf"<tr><td>{lang}</td>(.*?)</tr>", table).group(1)
        numbers = [int(n.replace(",", "")) for n in re.findall(r"<td class=n>([\d,]+)</td>", cells)]
        assert numbers[0] == langs[lang] and numbers[-1] == kept[lang]
        assert numbers == sorted(numbers, reverse=True)
