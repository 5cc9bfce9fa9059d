"""The pipeline: stages cut into phases at each global stage, and the statistics they keep.

With global stages G1..Gk the stage list ``[a, b, G1, c, G2, d]`` becomes phases
``[a, b | observe G1]``, ``[apply G1, c | observe G2]``, ``[apply G2, d]``. Each phase runs
shard by shard; between phases the driver merges the global stages' shard states. Statistics
are counted here, once, for every stage (as datatrove's base class does), so no stage needs to
count anything itself.

Global stages that follow one another with no per-document stage between them observe in the
same phase when the earlier ones only reject (their apply never edits text:
:attr:`~tamis.stages.base.GlobalStage.rejects_only`) and the later one says it can be merged
without the documents they reject (:meth:`~tamis.stages.base.GlobalStage.observes_beside`):
``[a, E, M, b]`` with exact and MinHash dedup is ``[a | observe E, M]``, ``[apply E, M, b]``,
one read and one spill fewer than a phase each, with the same decisions.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from tamis.config import PipelineConfig
from tamis.document import Document
from tamis.stages.base import GlobalStage, Stage, build_stages


@dataclass
class Phase:
    index: int
    apply: tuple[GlobalStage, ...]  # the global stages whose decisions this phase applies first
    stages: list[Stage]  # per-document stages, in order
    observe: tuple[GlobalStage, ...]  # the global stages this phase observes for, at its end

    @property
    def final(self) -> bool:
        return not self.observe


def split_phases(stages: list[Stage]) -> list[Phase]:
    phases: list[Phase] = []
    current: list[Stage] = []
    pending: tuple[GlobalStage, ...] = ()
    for stage in stages:
        if isinstance(stage, GlobalStage):
            last = phases[-1] if phases else None
            if (
                last is not None
                and not current
                and all(g.rejects_only for g in last.observe)
                and stage.observes_beside(last.observe)
            ):
                # nothing between them changes what this stage reads: it observes beside them
                last.observe = (*last.observe, stage)
                pending = last.observe
                continue
            phases.append(Phase(len(phases), pending, current, (stage,)))
            pending, current = (stage,), []
        else:
            current.append(stage)
    phases.append(Phase(len(phases), pending, current, ()))
    return phases


@dataclass
class StageStats:
    docs_in: int = 0
    rejected: int = 0
    reasons: Counter = field(default_factory=Counter)
    docs_edited: int = 0
    rules: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    # kept documents a stage let through unchecked, by why (url_filter: no_url)
    passed: Counter = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "docs_in": self.docs_in,
            "rejected": self.rejected,
            "reasons": dict(sorted(self.reasons.items())),
            "docs_edited": self.docs_edited,
            "edits": sum(c["edits"] for c in self.rules.values()),
            "rules": {r: dict(sorted(c.items())) for r, c in sorted(self.rules.items())},
        }
        if self.passed:
            out["passed"] = dict(sorted(self.passed.items()))
        return out

    def merge_dict(self, d: dict[str, Any]) -> None:
        self.docs_in += d["docs_in"]
        self.rejected += d["rejected"]
        self.reasons.update(d["reasons"])
        self.docs_edited += d["docs_edited"]
        for rule, counts in d["rules"].items():
            self.rules[rule].update(counts)
        self.passed.update(d.get("passed", {}))


@dataclass
class Stats:
    """Counts for one shard-phase, or (merged) for a whole run. Deterministic: no timings."""

    input_records: int = 0
    input_chars: int = 0
    skipped: Counter = field(default_factory=Counter)
    quarantined: Counter = field(default_factory=Counter)
    kept_records: int = 0
    kept_chars: int = 0
    rejected_records: int = 0
    rejected_chars: int = 0
    stages: dict[str, StageStats] = field(default_factory=dict)
    seconds: Counter = field(default_factory=Counter)  # per stage; kept out of stats.json

    def stage(self, name: str) -> StageStats:
        if name not in self.stages:
            self.stages[name] = StageStats()
        return self.stages[name]

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": {
                "records": self.input_records,
                "chars": self.input_chars,
                "skipped": dict(sorted(self.skipped.items())),
            },
            "kept": {"records": self.kept_records, "chars": self.kept_chars},
            "rejected": {"records": self.rejected_records, "chars": self.rejected_chars},
            "quarantined": {
                "records": sum(self.quarantined.values()),
                "reasons": dict(sorted(self.quarantined.items())),
            },
            "stages": {name: s.to_dict() for name, s in self.stages.items()},
        }

    def merge_dict(self, d: dict[str, Any], seconds: dict[str, float] | None = None) -> None:
        self.input_records += d["input"]["records"]
        self.input_chars += d["input"]["chars"]
        self.skipped.update(d["input"]["skipped"])
        self.kept_records += d["kept"]["records"]
        self.kept_chars += d["kept"]["chars"]
        self.rejected_records += d["rejected"]["records"]
        self.rejected_chars += d["rejected"]["chars"]
        self.quarantined.update(d["quarantined"]["reasons"])
        for name, sd in d["stages"].items():
            self.stage(name).merge_dict(sd)
        self.seconds.update(seconds or {})


_PROCESS = object()


def run_stage(stage: Stage, docs: list[Document], stats: Stats, decision: Any = _PROCESS) -> None:
    """Run one stage (or, given a decision, a global stage's apply) on the kept documents."""
    live = [d for d in docs if d.kept]
    if not live:
        return
    st = stats.stage(stage.name)
    st.docs_in += len(live)
    before = [len(d.edits) for d in live]
    t0 = time.perf_counter()
    if decision is _PROCESS:
        stage.process_batch(live)
    else:
        assert isinstance(stage, GlobalStage)
        stage.apply(live, decision)
    stats.seconds[stage.name] += time.perf_counter() - t0
    counts_passed = getattr(stage, "counts_passed", False)
    for doc, n in zip(live, before, strict=True):
        if doc.kept and len(doc.edits) > n and (not doc.text or doc.text.isspace()):
            doc.reject(stage.name, "empty", {"note": "the stage's edits left no text"})
        if len(doc.edits) > n:
            st.docs_edited += 1
            for e in doc.edits[n:]:
                c = st.rules[e.rule]
                c["edits"] += 1
                c["chars_removed"] += len(e.removed)
                c["chars_inserted"] += len(e.inserted)
        if not doc.kept:
            st.rejected += 1
            st.reasons[doc.verdict.reason] += 1
        elif counts_passed:
            why = (doc.signals.get(stage.name) or {}).get("passed")
            if why:
                st.passed[why] += 1


class Pipeline:
    """Stages built from a configuration and cut into phases."""

    def __init__(self, config: PipelineConfig) -> None:
        self.config = config
        self.stages = build_stages(config.stages)
        self.phases = split_phases(self.stages)

    def signal_kinds(self) -> dict[str, dict[str, Any]]:
        """The declared signal types of this pipeline's stages, in stage order."""
        from tamis.io.schema import signal_kinds

        return signal_kinds([(s.name, s.signal_types()) for s in self.stages])

    def run_batch(
        self,
        phase: Phase,
        docs: list[Document],
        stats: Stats,
        decisions: list[Any],
        states: list[Any],
    ) -> None:
        """One batch through one phase: apply the previous decisions, the stages, then observe."""
        for stage, decision in zip(phase.apply, decisions, strict=True):
            run_stage(stage, docs, stats, decision)
        for stage in phase.stages:
            run_stage(stage, docs, stats)
        if phase.observe:
            live = [d for d in docs if d.kept]
            if live:
                for stage, state in zip(phase.observe, states, strict=True):
                    t0 = time.perf_counter()
                    stage.observe(live, state)
                    stats.seconds[stage.name + ":observe"] += time.perf_counter() - t0
