"""The ``report`` and ``inspect`` subcommands, for cli.py to mount with two lines::

    from tamis.report.commands import REPORT_COMMANDS, add_report_commands
    add_report_commands(sub)          # in build_parser(), after the other subparsers
    COMMANDS.update(REPORT_COMMANDS)  # next to the COMMANDS table

Each command returns an exit code: 0 done, 1 failed, 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tamis.io import storage
from tamis.io.storage import is_url
from tamis.report.links import DEFAULT_HOST, DEFAULT_PORT
from tamis.run.lock import OutLock
from tamis.run.object_lock import lock_for
from tamis.run.outstore import local_output


def add_report_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write OUT/report.html (one self-contained page)")
    p.add_argument("out", metavar="OUT")

    p = sub.add_parser("inspect", help="browse OUT's documents and edits in a local web page")
    p.add_argument("out", metavar="OUT")
    p.add_argument(
        "--port",
        type=int,
        help=f"port to listen on (default {DEFAULT_PORT}, or any free port if it is taken)",
    )
    p.add_argument(
        "--host", default=DEFAULT_HOST, help="loopback address to bind (default 127.0.0.1)"
    )
    p.add_argument(
        "--reindex", action="store_true", help="rebuild the index even if it looks current"
    )


def _read_only(exc: OSError) -> bool:
    import errno

    return exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM)


def _is_output(out: Path) -> bool:
    return (out / "manifest.json").exists() or (out / "stats.json").exists()


def cmd_report(args: argparse.Namespace) -> int:
    from tamis.report.html import write_report

    if is_url(args.out):  # written from a local copy, then published beside the output
        with lock_for(args.out, "report"):
            path = write_report(local_output(args.out))
            storage.put_file(path, str(storage.join(args.out, "report.html")))
        print(f"{storage.join(args.out, 'report.html')} ({path.stat().st_size / 1e6:.2f} MB)")
        return 0
    out = Path(args.out)
    if not _is_output(out):
        print(f"tamis: error: {out} is not a tamis output (no manifest.json)", file=sys.stderr)
        return 2
    with OutLock(out, "report"):
        path = write_report(out)
    print(f"{path} ({path.stat().st_size / 1e6:.2f} MB)")
    return 0


def cmd_inspect(args: argparse.Namespace) -> int:
    from tamis.report.index import build_index
    from tamis.report.inspect import serve

    out = local_output(args.out)  # a URL's output is browsed from a local copy
    if not _is_output(out):
        print(f"tamis: error: {out} is not a tamis output (no manifest.json)", file=sys.stderr)
        return 2
    try:
        lock = OutLock(out, "inspect").acquire()  # the index is written under OUT/.tamis/
    except OSError as exc:
        if not _read_only(exc):
            raise
        lock = None  # a read-only output: its index goes to the temp folder, no lock needed
    try:
        build_index(out, force=args.reindex)
    finally:
        if lock is not None:
            lock.release()
    try:
        serve(out, args.host, args.port)
    except (ValueError, OSError) as exc:
        print(f"tamis: error: {exc}", file=sys.stderr)
        return 2
    return 0


REPORT_COMMANDS = {"report": cmd_report, "inspect": cmd_inspect}
