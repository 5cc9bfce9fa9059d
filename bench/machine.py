"""What every benchmark says about the machine it ran on."""

from __future__ import annotations

import platform
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def peak_rss_kb(pid: int | str = "self") -> int:
    """A process's peak resident memory (VmHWM). Unlike ru_maxrss it is not inherited from the
    parent across fork and exec, which would floor every child at the parent's size."""
    return _proc_kb(f"/proc/{pid}/status", "VmHWM:")


def pss_kb(pid: int | str = "self") -> int:
    """A process's proportional share of resident memory now (Pss): pages shared with other
    processes (a forkserver's preloaded modules, say) count as a share, not in full."""
    return _proc_kb(f"/proc/{pid}/smaps_rollup", "Pss:")


def private_kb(pid: int | str = "self") -> int:
    """A process's own resident memory now (USS: private clean + private dirty pages): what
    the machine would get back if the process ended. Library code mapped by other processes
    too is not in it, however many pages of it this process touched."""
    return _proc_kb(f"/proc/{pid}/smaps_rollup", "Private_Clean:") + _proc_kb(
        f"/proc/{pid}/smaps_rollup", "Private_Dirty:"
    )


def _proc_kb(path: str, field: str) -> int:
    """The kB figure of ``field`` in a /proc file (0 when the process is gone)."""
    try:
        with open(path) as fh:
            for line in fh:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_tree(root: int) -> set[int]:
    """``root`` and every process under it. Pool workers are not children of the driver under
    forkserver, so the tree is followed through the forkserver too (it is the driver's child)."""
    parent: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
                parent[int(d.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        for child, pp in parent.items():
            if pp == p and child not in tree:
                tree.add(child)
                frontier.append(child)
    return tree


def cpu_seconds(pid: int | str = "self") -> float:
    """The CPU time (user + system) a process has used so far (0 when it is gone): on a loaded
    machine, what a command costs in CPU moves far less with the load than its wall time."""
    import os

    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
