"""Build tamis's packaged URL lists from datatrove's assets (run by maintainers, not at run time).

    python -m tamis.urls.build DATATROVE_ASSETS_DIR

reads ``url_filterblacklistsv0_3_0.tar.gz`` (the UT1 ``domains`` and ``urls`` lists) and the
three word lists, and writes ``src/tamis/urls/data/``. Entries are read exactly as datatrove
reads them (``#`` lines skipped, domains and URLs stripped, words normalised), so the same
sets come out.
"""

from __future__ import annotations

import sys
import tarfile
from pathlib import Path

import zstandard

from tamis.urls.blocklist import write_blocked_set
from tamis.urls.lists import DATA, _split_nl, parse_lines


def _universal(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def main(assets: str) -> None:
    src = Path(assets)
    with tarfile.open(src / "url_filterblacklistsv0_3_0.tar.gz", "r:gz") as tar:
        members = {Path(m.name).name: m for m in tar.getmembers() if m.isfile()}
        domains_text = tar.extractfile(members["domains"]).read().decode("utf-8")
        urls_text = tar.extractfile(members["urls"]).read().decode("utf-8")
    domains = parse_lines(_split_nl(_universal(domains_text)), normalize_words=False)
    urls = parse_lines(_split_nl(_universal(urls_text)), normalize_words=False)
    header = write_blocked_set((d.encode("utf-8") for d in domains), DATA / "ut1_domains.bin")
    print(f"domains: {header['lines']:,} in {header['blocks']:,} blocks")
    (DATA / "ut1_urls.txt.zst").write_bytes(
        zstandard.ZstdCompressor(level=19).compress("\n".join(sorted(urls)).encode("utf-8"))
    )
    print(f"urls: {len(urls):,}")
    for name in ("banned_words.txt", "banned_subwords.txt", "soft_banned_words.txt"):
        (DATA / name).write_bytes((src / name).read_bytes())


if __name__ == "__main__":
    main(sys.argv[1])
