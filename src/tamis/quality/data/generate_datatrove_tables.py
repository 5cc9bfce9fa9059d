"""Regenerate ``datatrove_text.json``: the character sets datatrove's quality rules test against.

``PUNCTUATION_SET`` decides which words are "symbols" for Gopher quality (a word made only of
these characters does not count as a word) and ``TERMINAL_PUNCTUATION`` is FineWeb's default set
of line-ending marks. They are datatrove's (Apache-2.0, HuggingFace); run once with datatrove
installed:

    .venv/bin/python src/tamis/quality/data/generate_datatrove_tables.py
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    from importlib.metadata import version

    from datatrove.utils.text import PUNCTUATION_SET, TERMINAL_PUNCTUATION

    path = HERE / "datatrove_text.json"
    data = {
        "source": f"datatrove {version('datatrove')} datatrove/utils/text.py (Apache-2.0, HuggingFace)",
        "punctuation_set": "".join(sorted(PUNCTUATION_SET)),
        "terminal_punctuation": "".join(sorted(TERMINAL_PUNCTUATION)),
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(path, len(PUNCTUATION_SET), len(TERMINAL_PUNCTUATION))
