"""The run's pipeline built, and each of its stages run once, in the pool's forkserver.

Imported by the forkserver (:func:`tamis.run.warm.warm_workers`) when a run's configuration
came with it. A stage loads what it needs on first use: the language model, compiled
patterns, word tables, suffix lists; about two seconds of a quiet machine's time over the
default recipe. Left to the workers, each pays it on its first task of each phase, all at
once, while in a 1-worker run it is paid once; so it cost a 2-worker run as much wall time as
a 1-worker one. Done here, once, while the driver loads its configuration and plans, every
worker is forked with it done.

When no input is a local file (every input a URL: no request is made here, since the storage
clients' threads would not survive the fork), the stages run on the demo corpus's first
documents instead (:func:`tamis.demo.make_documents`: English news with mojibake, boilerplate
and spun copies, a few German, French and Spanish paragraphs), which load what the input's
own documents would for the languages most runs hold.

Then one document of each language found in a sample spread over the whole input goes through
every stage (:mod:`tamis.run.warm_languages`; a URL input's sample is read by the driver and
handed over, :mod:`tamis.run.warm_sample`): a language's first document loads its word
splitter (seconds, and hundreds of MB for some), which would otherwise be paid by each worker
that meets it, and held by each. Last, what was loaded is frozen out of the garbage
collector's passes (``gc.freeze``), so the workers share its pages rather than copy them.

Only per-document stages run and global stages observe into states that are thrown away;
nothing here is written or kept but what the stages keep across tasks anyway (models and
caches, which give the same output whatever documents filled them). A failure only costs
time: the workers then load what they need themselves.
"""

from __future__ import annotations

import gc
import os
from itertools import islice
from typing import Any

from tamis.run.warm import WARM_ENV
from tamis.run.warm_languages import local_files, run_stages, warm_languages

#: How many of the first input's first documents each stage sees once.
WARM_DOCS = 64


#: How many local files are opened, at most, looking for documents to warm on.
WARM_FILES = 8


def _first_documents(inputs: list[str], options: Any) -> list[Any]:
    """The first documents of the first local input file (named, or in a named folder) a reader
    takes and that holds any text."""
    from tamis.document import Document
    from tamis.io.base import reader_for

    readable = (f for f in local_files(inputs) if reader_for(f) is not None)
    for name in islice(readable, WARM_FILES):
        items = reader_for(name).sample(name, options, WARM_DOCS)
        docs = [i for i in items if type(i) is Document and i.text and not i.text.isspace()]
        if docs:
            return docs
    return []


def _demo_documents() -> list[Any]:
    """The demo corpus's first documents' texts, as a JSON Lines reader would give records of
    ``id`` and ``text`` alone: no URL or site, whose libraries (a suffix list and its HTTP
    stack) only inputs that carry them should load."""
    from tamis.demo import make_documents
    from tamis.document import KEPT_VERDICT, Document

    return [
        Document(
            d["id"],
            d["text"],
            {"index": i, "offset": 0, "path": "demo.jsonl"},
            {},
            [],
            {},
            KEPT_VERDICT,
        )
        for i, d in enumerate(make_documents(WARM_DOCS))
    ]


def warm(run: dict[str, Any]) -> None:
    """Build ``run["config"]``'s pipeline (cached for the tasks) and run each stage once."""
    from tamis.io import storage
    from tamis.io.hashed import take_checksums
    from tamis.run.worker import pipeline_for, read_options

    pipeline = pipeline_for(run["config"])
    options = read_options(pipeline.config)
    docs = _first_documents(run["inputs"], options) or _demo_documents()
    run_stages(pipeline, docs)
    warm_languages(pipeline, run["inputs"], options, run.get("sample"))
    # what reading counted belongs to no task (forked workers would report it as theirs)
    take_checksums()
    storage.take_counts()
    # what was loaded is shared with every worker forked from here: kept out of the collector's
    # passes, so that a worker's collections do not write to (and so copy) those objects' pages
    gc.freeze()


def _warm_from_environment() -> None:
    raw = os.environ.pop(WARM_ENV, None)  # the workers forked from here need it no more
    if not raw:
        return
    import orjson

    from tamis.run.lifeline import EXIT_ORPHANED, set_parent_death_signal

    # the driver may run tasks meanwhile (tamis.run.head_start), so it may be killed now too:
    # the warm-up (seconds) ends with it, as the workers will, rather than run on orphaned
    try:
        run = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return
    parent = run.get("driver", os.getppid())
    set_parent_death_signal()
    if os.getppid() != parent:  # the driver died before (or while) the signal was armed
        os._exit(EXIT_ORPHANED)
    try:
        warm(run)
    except Exception:  # noqa: BLE001 (a warm-up that fails leaves the work to the workers)
        return
    finally:  # once serving, the forkserver ends when the driver's end of its pipe closes
        set_parent_death_signal(0)


_warm_from_environment()
