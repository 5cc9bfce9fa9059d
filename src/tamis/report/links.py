"""The inspector's URL scheme, shared by the report (which links into it) and the server.

The report is a static file that may be opened from disk, so its links are absolute URLs to
the inspector's default address, ``http://127.0.0.1:8765``. When the inspector serves the
report itself (``/report``), a few lines of inline script turn those links into same-origin
paths, so they also work on any other port. Addresses:

* ``/doc/<kind>/<shard>/<row>``: one record (kind: kept, rejected, quarantine; shard: the
  ordinal in ``part-NNNNN``; row: the record's row in that shard);
* ``/id/<id>``: the record(s) with that id;
* ``/docs?status=&stage=&reason=&rule=&source=&lang=``: a filtered list.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
BASE = f"http://{DEFAULT_HOST}:{DEFAULT_PORT}"


def doc_path(kind: str, shard: int, row: int) -> str:
    return f"/doc/{kind}/{shard}/{row}"


def id_path(doc_id: str) -> str:
    return "/id/" + quote(str(doc_id), safe="")


def list_path(**filters: str | None) -> str:
    kept = {k: v for k, v in filters.items() if v not in (None, "")}
    return "/docs" + ("?" + urlencode(sorted(kept.items())) if kept else "")


def absolute(path: str) -> str:
    return BASE + path
