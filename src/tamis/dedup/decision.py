"""The merged decision of a document-level dedup stage, on disk and memory-mapped.

``apply`` runs in every worker; it must not load one entry per document of the corpus. The
decision is therefore a directory of sorted arrays (removed uids with their survivor and
similarity; survivors with their cluster size and id) that workers memory-map and binary-search:
each worker touches only the pages its own documents fall on. The pickled object is just paths
and the summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tamis.dedup.table import DocTable

_OPEN: dict[tuple, dict[str, np.ndarray]] = {}
LARGEST_CLUSTERS = 10
MEMBERS_LISTED = 20


def cluster_id(survivor_uid: int) -> str:
    """A cluster is named after its survivor's uid: stable across runs and shard layouts."""
    return f"{survivor_uid:016x}"


@dataclass
class DedupDecision:
    stage: str
    directory: str
    summary: dict[str, Any] = field(default_factory=dict)

    def arrays(self) -> dict[str, np.ndarray]:
        # keyed by the file's identity too: a rerun may rewrite the same directory in-process
        st = (Path(self.directory) / "removed_uid.npy").stat()
        key = (self.directory, st.st_ino, st.st_mtime_ns)
        cached = _OPEN.get(key)
        if cached is None:
            d = Path(self.directory)
            cached = {p.stem: np.load(p, mmap_mode="r") for p in d.glob("*.npy")}
            if len(_OPEN) >= 8:  # a few stages per run; drop maps of finished runs
                _OPEN.clear()
            _OPEN[key] = cached
        return cached

    def survivor_id(self, index: int) -> str:
        arr = self.arrays()
        start = int(arr["surv_id_end"][index - 1]) if index else 0
        return bytes(arr["surv_ids"][start : int(arr["surv_id_end"][index])]).decode(
            "utf-8", "surrogatepass"
        )

    def lookup(self, uids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """For each uid: removed?, index of its survivor (or -1), similarity, own cluster size."""
        arr = self.arrays()
        removed_uid = arr["removed_uid"]
        pos = np.searchsorted(removed_uid, uids)
        pos_c = np.minimum(pos, max(len(removed_uid) - 1, 0))
        is_removed = (
            (pos < len(removed_uid)) & (removed_uid[pos_c] == uids)
            if len(removed_uid)
            else np.zeros(len(uids), bool)
        )
        surv = np.where(is_removed, arr["removed_surv"][pos_c] if len(removed_uid) else -1, -1)
        sim = np.where(is_removed, arr["removed_sim"][pos_c] if len(removed_uid) else 0.0, 0.0)
        surv_uid = arr["surv_uid"]
        spos = np.searchsorted(surv_uid, uids)
        spos_c = np.minimum(spos, max(len(surv_uid) - 1, 0))
        is_surv = (
            (spos < len(surv_uid)) & (surv_uid[spos_c] == uids)
            if len(surv_uid)
            else np.zeros(len(uids), bool)
        )
        size = np.where(is_surv, arr["surv_size"][spos_c] if len(surv_uid) else 0, 0)
        return is_removed, surv, sim, size


def write_decision(
    stage: str,
    directory: Path,
    table: DocTable,
    perm: np.ndarray,
    removed_rank: np.ndarray,
    survivor_rank: np.ndarray,
    similarity: np.ndarray,
    extra_summary: dict[str, Any],
) -> DedupDecision:
    directory.mkdir(parents=True, exist_ok=True)
    removed_row = perm[removed_rank]
    survivor_row = perm[survivor_rank]
    # documents of a previous run's index are not in this run: they cannot be removed here
    in_run = (
        ~np.asarray(table.external[removed_row], dtype=bool)
        if len(removed_row)
        else np.zeros(0, bool)
    )
    removed_row, survivor_row, similarity = (
        removed_row[in_run],
        survivor_row[in_run],
        similarity[in_run],
    )

    surv_rows, surv_index, surv_count = np.unique(
        survivor_row, return_inverse=True, return_counts=True
    )
    surv_uid = np.asarray(table.uid[surv_rows], dtype=np.uint64)
    by_uid = np.argsort(surv_uid)
    new_index = np.empty_like(by_uid)
    new_index[by_uid] = np.arange(len(by_uid))
    surv_rows, surv_uid, surv_size = surv_rows[by_uid], surv_uid[by_uid], surv_count[by_uid] + 1
    surv_index = new_index[surv_index] if len(surv_index) else surv_index
    surv_ids = [table.id_of(int(r)).encode("utf-8", "surrogatepass") for r in surv_rows]

    removed_uid = np.asarray(table.uid[removed_row], dtype=np.uint64)
    order = np.argsort(removed_uid)
    np.save(directory / "removed_uid.npy", removed_uid[order])
    np.save(directory / "removed_surv.npy", surv_index[order].astype(np.int64))
    np.save(directory / "removed_sim.npy", similarity[order].astype(np.float32))
    np.save(directory / "surv_uid.npy", surv_uid)
    np.save(directory / "surv_size.npy", surv_size.astype(np.int64))
    np.save(directory / "surv_id_end.npy", np.cumsum([len(s) for s in surv_ids], dtype=np.int64))
    np.save(directory / "surv_ids.npy", np.frombuffer(b"".join(surv_ids), dtype=np.uint8))

    sizes, counts = np.unique(surv_size, return_counts=True)
    largest = np.argsort(-surv_size, kind="stable")[:LARGEST_CLUSTERS]
    largest_info = []
    for i in largest.tolist():
        members = np.flatnonzero(surv_index == i)[:MEMBERS_LISTED]
        largest_info.append(
            {
                "cluster": cluster_id(int(surv_uid[i])),
                "size": int(surv_size[i]),
                "survivor": surv_ids[i].decode("utf-8", "surrogatepass"),
                "removed": [table.id_of(int(removed_row[m])) for m in members],
            }
        )
    summary = {
        "documents": int(np.count_nonzero(~np.asarray(table.external, dtype=bool))),
        "removed": int(len(removed_row)),
        "clusters": int(len(surv_uid)),
        "clusters_by_size": {str(int(s)): int(c) for s, c in zip(sizes, counts, strict=True)},
        "largest_clusters": largest_info,
        **extra_summary,
    }
    return DedupDecision(stage, str(directory), summary)
