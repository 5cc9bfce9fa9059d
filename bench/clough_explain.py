"""How much of a Clough-Stevenson answer its given source text can explain at all.

The corpus's five ``orig_task*.txt`` files are excerpts of Wikipedia articles, and its labels
(cut, light, heavy) say how an answer was written from the *whole* article: an answer pasted
or revised from a part the excerpt leaves out is labelled a copy that no method could find
from the excerpt. So every answer a detector misses is measured against its excerpt three
ways, independent of the detector:

- 5-gram share: the share of the answer's distinct word 5-grams found verbatim in the source;
- stem share: the share of its distinct content-word stems (words that are not closed-class
  function words or numbers, cut to their first five letters, as the detector compares them)
  found in the source's;
- sentence share: the share of its sentences (split as the spinner splits) that have a source
  sentence whose content-word stems reach a Jaccard of :data:`SENTENCE_JACCARD`.

The same figures for the non-plagiarised answers of the same task (written without the
source) give the floor a topic alone reaches.
"""

from __future__ import annotations

import re

from spinner import split_sentences

from tamis.dedup.skeleton import FUNCTION_WORDS

SENTENCE_JACCARD = 0.25
#: an answer holding this share of its word 5-grams from the source is a copy of it
COPY_GRAMS = 0.5
STEM = 5  # the detector's crude stem: a word's first five letters
_WORD = re.compile(r"[A-Za-z0-9]+(?:['.,-][A-Za-z0-9]+)*")


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def stems(text: str) -> set[str]:
    """Distinct content-word stems: not a function word, not a figure."""
    return {
        w[:STEM]
        for w in words(text)
        if w not in FUNCTION_WORDS and not any(c.isdigit() for c in w) and len(w) > 1
    }


def grams(text: str, n: int = 5) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i : i + n]) for i in range(max(len(w) - n + 1, 1))}


def share(part: set, whole: set) -> float:
    return len(part & whole) / len(part) if part else 0.0


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def explained(answer: str, source: str) -> dict[str, float]:
    """The three shares of ``answer`` that ``source`` explains (see the module docstring)."""
    src_sentences = [stems(s) for s in split_sentences(source)]
    sentences = [stems(s) for s in split_sentences(answer)]
    sentences = [s for s in sentences if s]
    matched = sum(any(jaccard(s, o) >= SENTENCE_JACCARD for o in src_sentences) for s in sentences)
    return {
        "grams": share(grams(answer), grams(source)),
        "stems": share(stems(answer), stems(source)),
        "sentences": matched / len(sentences) if sentences else 0.0,
        "n_sentences": len(sentences),
        "n_matched": matched,
    }


def misses_section(info: dict, status: dict, partners: dict, text_of) -> list[str]:
    """Markdown: every cut, light and heavy answer neither removed with nor reported against
    its source (``status`` as ``clough_status`` gives it), with the document it was removed
    with or reported against instead (``partners``), what its source explains of it, beside the highest figures of the same task's non-plagiarised answers.

    An answer is called *beyond the excerpt* when none of its three figures exceeds the
    highest a non-plagiarised answer of its task reaches: then nothing in the given source
    tells it from an answer written without it, and no method working from that source could
    find it without pairing a non-plagiarised answer too. Otherwise it is a *real miss*."""
    figures = {}
    for fid, (cat, task, _part) in info.items():
        if cat != "orig":
            figures[fid] = explained(text_of(fid), text_of(f"orig_task{task}"))
    ceiling: dict[str, dict[str, float]] = {}
    for fid, (cat, task, _part) in info.items():
        if cat == "non":
            top = ceiling.setdefault(task, {"grams": 0.0, "stems": 0.0, "sentences": 0.0})
            for k in top:
                top[k] = max(top[k], figures[fid][k])
    lines = [
        "| answer | category | task (part) | removed with or reported against | 5-gram share | stem share "
        "| sentences matched | task's non-plagiarised max (5-gram / stem / sentence) | reading |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    counts = {"real": 0, "beyond": 0, "via copy": 0}
    order = {"cut": 0, "light": 1, "heavy": 2}
    missed = [
        fid
        for fid, (cat, _task, _part) in info.items()
        if cat in order and not (status[fid][0] or status[fid][1])
    ]
    for fid in sorted(missed, key=lambda f: (order[info[f][0]], info[f][1], f)):
        cat, task, part = info[fid]
        f, top = figures[fid], ceiling[task]
        real = any(f[k] > top[k] for k in top)
        counts["real" if real else "beyond"] += 1
        how, partner = partners.get(fid, ("-", ""))
        reading = "real miss" if real else "beyond the excerpt"
        if partner in figures and figures[partner]["grams"] >= COPY_GRAMS:
            counts["via copy"] += 1
            reading += (
                f"; found with a copy of the source ({partner}: {figures[partner]['grams']:.2f})"
            )
        lines.append(
            f"| {fid} | {cat} | {task} ({part}) | {how}{', ' + partner if partner else ''} "
            f"| {f['grams']:.2f} | {f['stems']:.2f} | {f['n_matched']}/{f['n_sentences']} "
            f"({f['sentences']:.2f}) | {top['grams']:.2f} / {top['stems']:.2f} / "
            f"{top['sentences']:.2f} | {reading} |"
        )
    lines += [
        "",
        f"- {len(missed)} answers missed: {counts['real']} real misses (some figure above "
        f"every non-plagiarised answer of the task), {counts['beyond']} beyond the excerpt; "
        f"{counts['via copy']} of them removed with or reported against an answer holding "
        f"{COPY_GRAMS} or more of its 5-grams from the source (a copy of the source that "
        "survives apart from it: see the notes).",
    ]
    return lines
