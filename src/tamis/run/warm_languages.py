"""One document for each language a cheap sample of the whole input holds, for the warm-up.

The first document of a language loads what the stages need for it: a word splitter's model
(kiwipiepy for Korean, a few seconds and hundreds of MB; jieba, pythainlp), a language's spaCy
tables, its stop words. Loaded in a pool worker, that cost is paid again by every worker that
meets the language, while the others may wait on that one task at the end of a phase (a small
input's phase is a few seconds long), and each worker holds its own copy. Loaded once in the
forkserver (:mod:`tamis.run.prewarm`), every worker is forked with it, and the model's pages
are shared by all of them.

The input's first documents are not enough: a corpus sorted by source, or a crawl, holds its
other languages further on. So the sample is spread over the whole input: up to
:data:`SAMPLE_FILES` files evenly over the input's files, and in each, documents at evenly
spaced records. Only :data:`SCAN_BYTES` of the files are read: a larger input's tasks are
long enough that a worker's one-time load is a small part of them. The sample goes through the
run's language identifier alone; one document of each language and script found then goes
through every stage, cut to its first :data:`PROBE_CHARS` characters (a language's loads do not
depend on a page's length; the stages' time does).

Nothing here changes what a run writes: models and caches give the same output whatever
documents filled them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

#: How many documents the sample holds, about, over all its files: enough to meet a language
#: one page in a thousand is written in (the language identifier reads each in about 0.1 ms).
SAMPLE_DOCS = 2048
#: How many files the sample is spread over, at most (evenly over the input's files).
SAMPLE_FILES = 8
#: How many of an input's files are listed, at most, to spread the sample over (a folder of
#: millions of files is not listed whole before the first task: the driver's plan does that).
LISTED_FILES = 1024
#: How many bytes (on disk) of the sampled files are read, at most, shared between them: all of
#: a small input (whose tasks are short, so that a worker's one-time load would weigh on them),
#: the start of each sampled file of a larger one (reading a 32 MB zstd file's records takes
#: about a quarter of a second).
SCAN_BYTES = 32 << 20
#: How much of a language's document goes through every stage.
PROBE_CHARS = 4000
#: The stage whose signals name a document's language.
LANGID = "langid"


def local_files(inputs: list[str]) -> Iterator[str]:
    """The local files among ``inputs`` in the order the plan reads them, folders walked
    lazily: the first few are wanted, never a whole tree's listing."""
    from tamis.io import storage
    from tamis.run.plan import folder_files

    for name in inputs:
        if storage.is_url(name):
            continue
        if Path(name).is_file():
            yield name
        elif Path(name).is_dir():
            yield from folder_files(name)


def spread(items: list[Any], n: int) -> list[Any]:
    """At most ``n`` of ``items``, evenly spaced from the first on, in their order."""
    if len(items) <= n:
        return list(items)
    return [items[len(items) * i // n] for i in range(n)]


def _file_documents(path: str, options: Any, n: int, scan: int) -> list[Any]:
    """About ``n`` documents of one file, every so many records of its first ``scan`` bytes
    on disk (its first ``n`` when its reader cannot reach a record range). The whole part is
    read, past the records the reader estimated (a compressed file's count is a guess from its
    start, and an input's end often holds what its start does not), and thinned again to ``n``.
    """
    from tamis.document import Document
    from tamis.io import storage
    from tamis.io.base import reader_for

    reader = reader_for(path)
    if reader is None:
        return []
    items: list[Any] = []
    try:
        if not reader.splittable:
            items = reader.sample(path, options, n)
        else:
            size = storage.size(path)
            count = reader.extent(path, size)[0]
            stop = max(1, count * scan // size) if size > scan else None
            step = max(1, (stop or count) // n)
            items = [
                i
                for i in reader.read(path, options, 0, stop)
                if type(i) is Document and i.source["index"] % step == 0
            ]
    except Exception:  # noqa: BLE001 (an unreadable file: the run's tasks will say what is wrong)
        pass
    finally:
        reader.release(path)  # nothing parked survives into the forked workers
    docs = [i for i in items if type(i) is Document and i.text and not i.text.isspace()]
    return spread(docs, n)  # as many as asked, however far off the estimate was


def spread_documents(inputs: list[str], options: Any, n: int = SAMPLE_DOCS) -> list[Any]:
    """About ``n`` documents spread over the local files of ``inputs`` (see the module)."""
    return sample_files(list(islice(local_files(inputs), LISTED_FILES)), options, n)


def sample_files(listed: list[str], options: Any, n: int = SAMPLE_DOCS) -> list[Any]:
    """About ``n`` documents spread over ``listed`` (files, local or URLs, in the plan's order;
    the driver reads URL inputs' sample with it, :mod:`tamis.run.warm_sample`)."""
    from tamis.io.base import reader_for

    files = spread([f for f in listed if reader_for(f) is not None], SAMPLE_FILES)
    docs: list[Any] = []
    for i, path in enumerate(files):
        share = n * (i + 1) // len(files) - n * i // len(files)
        docs.extend(_file_documents(path, options, share, SCAN_BYTES // len(files)))
    return docs


def _language(doc: Any) -> tuple[Any, ...]:
    """What decides the stages' per-language loads: the language found, and the script most
    of the text's letters are in (one language, several scripts: Serbian)."""
    from tamis.quality.languages import text_scripts

    found = doc.signals.get(LANGID) or {}
    script = next(iter(text_scripts(doc.text).most_common(1)), ("", 0))[0]
    return found.get("lang"), found.get("language"), found.get("language_script"), script


def language_identifier(pipeline: Any) -> Any:
    """The run's language identifier stage, None when the run has none."""
    return next((s for p in pipeline.phases for s in p.stages if s.name == LANGID), None)


def one_per_language(pipeline: Any, docs: list[Any]) -> list[Any]:
    """The first of ``docs`` in each language the run's language identifier finds, as fresh
    documents (no signals, edits or verdict); none when the run identifies no language."""
    langid = language_identifier(pipeline)
    if langid is None or not docs:
        return []
    probes = [_fresh(d) for d in docs]
    langid.process_batch(probes)
    firsts: dict[tuple[Any, ...], Any] = {}
    for doc, probe in zip(docs, probes, strict=True):
        firsts.setdefault(_language(probe), doc)
    return [_fresh(d, PROBE_CHARS) for d in firsts.values()]


def run_stages(pipeline: Any, docs: list[Any], every_stage: bool = False) -> None:
    """The pipeline's stages over ``docs`` as a run's phases take them, the global stages
    observing into states that are thrown away. With ``every_stage``, each stage sees every
    document that still holds text, whatever an earlier stage decided (a Korean page a length
    rule rejects must still reach the word rules that load Korean)."""
    from tamis.pipeline import Stats, run_stage

    stats = Stats()
    for phase in pipeline.phases:
        for stage in phase.stages:
            if every_stage:
                _revive(docs)
            run_stage(stage, docs, stats)
        if every_stage:
            _revive(docs)
        live = [d for d in docs if d.kept]
        for stage in phase.observe:
            if live:
                stage.observe(live, stage.new_state())


def _revive(docs: list[Any]) -> None:
    """Mark every document of ``docs`` that still holds text kept again."""
    from tamis.document import KEPT_VERDICT

    for doc in docs:
        if doc.text and not doc.text.isspace():
            doc.verdict = KEPT_VERDICT


def _fresh(doc: Any, chars: int | None = None) -> Any:
    """A copy of ``doc`` as a reader gives it (its text cut to ``chars`` characters)."""
    from tamis.document import KEPT_VERDICT

    text = doc.text[:chars]
    return dataclasses.replace(doc, text=text, edits=[], signals={}, verdict=KEPT_VERDICT)


def warm_languages(
    pipeline: Any, inputs: list[str], options: Any, handed: str | None = None
) -> int:
    """Run every stage of ``pipeline`` over one document of each language a sample spread over
    ``inputs`` holds; how many documents that was. The local files' sample is read here; the
    URL inputs' is the driver's, received from the address ``handed``
    (:mod:`tamis.run.warm_sample`). A run that identifies no language reads no sample (a bare
    run's warm-up would otherwise decode up to :data:`SCAN_BYTES` of input for nothing)."""
    if language_identifier(pipeline) is None:
        return 0
    docs = spread_documents(inputs, options)
    if handed:
        from tamis.run.warm_sample import receive

        docs += receive(handed)
    picked = one_per_language(pipeline, docs)
    run_stages(pipeline, picked, every_stage=True)
    return len(picked)
