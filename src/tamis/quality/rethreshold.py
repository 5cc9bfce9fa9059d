"""Re-decide keep/reject of a finished output from its stored signals, under new thresholds.

Every quality stage stores all of its signals, so changing a threshold is a comparison, not a
rerun: :func:`rethreshold` reads ``SRC/kept`` and ``SRC/rejected``, re-judges each record with
:func:`tamis.quality.rules.decide`, and writes ``DST`` with the same layout (same shard names
and format, quarantine copied, ``manifest.json`` and ``stats.json`` updated so that
``tamis verify DST`` holds). It returns, per rule, how many documents the change makes fail or
pass, and how many documents moved.

What can and cannot be re-decided without recomputation:

* A kept document that now fails a rule is rejected by the first stage (in pipeline order) that
  fails; its record then carries the original text, as every rejected record does.
* A document rejected by a re-thresholded stage that now passes is restored only when nothing
  after that stage ever ran on it, that is when the stage is the pipeline's last. Otherwise the
  later stages (deduplication, other filters...) never saw it: it stays rejected and is counted
  under ``needs_rerun``. The same holds for ``c4`` in filter mode with ``edit_lines``, whose
  line removals are only made for documents it keeps. Running the quality stages with
  ``mode: annotate`` and choosing thresholds here afterwards avoids both limits.
* Options that change what is measured (:data:`tamis.quality.options.MEASUREMENT_OPTIONS`, or a
  new n-gram size) are refused with a message naming the option.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from tamis.document import replay, undo
from tamis.quality.fineweb2 import OptionsByLanguage, thresholds_source
from tamis.quality.languages import resolve
from tamis.quality.options import MEASUREMENT_OPTIONS, QualityOptions, options_for
from tamis.quality.rules import QUALITY_STAGES, decide


def _stage_list(manifest: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for entry in manifest.get("config", {}).get("stages", []):
        if isinstance(entry, dict):
            ((name, opts),) = entry.items()
        else:
            name, opts = entry, {}
        out.append((name, opts or {}))
    return out


def _is_classifier(stage: str) -> bool:
    return stage.partition("@")[0] == "classifier"


def _options(stage: str, given: dict[str, Any] | Any) -> Any:
    if _is_classifier(stage):
        from tamis.classify.options import ClassifierOptions

        return given if isinstance(given, ClassifierOptions) else ClassifierOptions(**given)
    return options_for(stage, given)


def _measured_by(stage: str) -> frozenset[str]:
    if _is_classifier(stage):
        from tamis.classify.options import MEASUREMENT_OPTIONS as CLASSIFIER_MEASUREMENT

        return CLASSIFIER_MEASUREMENT
    return MEASUREMENT_OPTIONS[stage]


def new_options(
    pipeline: list[tuple[str, dict[str, Any]]], stage_options: dict[str, dict[str, Any]]
) -> tuple[dict[str, QualityOptions], dict[str, QualityOptions]]:
    """(old, new) validated options of every re-thresholded stage; refuses measurement changes.

    The quality rule stages and ``classifier`` stages (any instance) can be re-decided; a
    classifier only in ``unit: document``, whose stored scores are the whole decision.
    """
    ran = dict(pipeline)
    old: dict[str, QualityOptions] = {}
    new: dict[str, QualityOptions] = {}
    for stage, given in stage_options.items():
        if stage not in QUALITY_STAGES and not _is_classifier(stage):
            raise ValueError(
                f"rethreshold: {stage!r} is not a quality stage; allowed: "
                f"{', '.join(QUALITY_STAGES)}, classifier (and classifier@NAME)"
            )
        if stage not in ran:
            raise ValueError(f"rethreshold: stage {stage!r} did not run in this output")
        try:
            old[stage] = _options(stage, ran[stage])
            merged = {**old[stage].model_dump(), **(given or {})}
            if _is_classifier(stage) and given and ("keep" in given or "remove" in given):
                merged["keep"], merged["remove"] = given.get("keep"), given.get("remove")
            new[stage] = _options(stage, merged)
        except ValidationError as exc:
            raise ValueError(f"rethreshold: {stage}: {exc.errors()[0]['msg']}") from None
        if _is_classifier(stage) and old[stage].unit != "document":
            raise ValueError(
                f"rethreshold: {stage}.unit is {old[stage].unit!r}: its decisions were made "
                "per unit and only document means are stored; rerun instead"
            )
        for key in sorted(_measured_by(stage)):
            if getattr(old[stage], key) != getattr(new[stage], key):
                raise ValueError(
                    f"rethreshold: {stage}.{key} changes what is measured, not a threshold "
                    f"({getattr(old[stage], key)!r} -> {getattr(new[stage], key)!r}); rerun instead"
                )
    return old, new


def _failures(stage: str, sig: dict[str, Any], opts: QualityOptions) -> list[dict[str, Any]]:
    if opts.mode != "filter":
        return []
    if _is_classifier(stage):
        from tamis.classify.options import failures

        return failures(sig, opts)
    return decide(stage, sig, _for_language(stage, opts, sig))


_BY_LANGUAGE: dict[tuple[str, int], OptionsByLanguage] = {}


def _for_language(stage: str, opts: QualityOptions, sig: dict[str, Any]) -> QualityOptions:
    """The options the stage applies to a record in its stored language (FineWeb-2 thresholds
    are per language)."""
    if thresholds_source(opts) is None:
        return opts
    by = _BY_LANGUAGE.get((stage, id(opts)))
    if by is None or by.options is not opts:
        by = _BY_LANGUAGE[(stage, id(opts))] = OptionsByLanguage(stage, opts)
    return by(resolve(sig.get("lang") or "en"))[0]


class _Rejudge:
    """Re-judges records one at a time and keeps the tallies."""

    def __init__(self, pipeline, old, new) -> None:
        self.order = [name for name, _ in pipeline]
        self.old = old
        self.new = new
        self.rule_moves: dict[str, Counter] = {}
        self.docs = Counter()

    def _count_rules(self, signals: dict[str, Any]) -> None:
        for stage, opts in self.new.items():
            sig = signals.get(stage)
            if sig is None:
                continue
            was = {f["rule"] for f in _failures(stage, sig, self.old[stage])}
            now = {f["rule"] for f in _failures(stage, sig, opts)}
            for rule in now - was:
                self.rule_moves.setdefault(f"{stage}.{rule}", Counter())["newly_failing"] += 1
            for rule in was - now:
                self.rule_moves.setdefault(f"{stage}.{rule}", Counter())["newly_passing"] += 1

    def record(self, rec: dict[str, Any]) -> dict[str, Any]:
        signals = rec.get("signals") or {}
        self._count_rules(signals)
        verdict = rec.get("verdict") or {"status": "kept"}
        was_kept = verdict.get("status") == "kept"
        rejected_by = None if was_kept else verdict.get("stage")
        for stage in self.order:
            if stage in self.new and stage in signals:
                failures = _failures(stage, signals[stage], self.new[stage])
                if failures:
                    return self._reject(rec, was_kept, stage, failures)
            if stage == rejected_by and stage not in self.new:
                self.docs["unchanged"] += 1
                return rec
            if stage == rejected_by:
                break
        if was_kept:
            self.docs["unchanged"] += 1
            return rec
        stage = rejected_by
        if stage not in self.new:
            self.docs["unchanged"] += 1
            return rec
        # Rejected by a re-thresholded stage that now passes.
        last = self.order and self.order[-1] == stage
        c4_edits = stage == "c4" and self.new[stage].edit_lines
        if not last or c4_edits:
            self.docs["needs_rerun"] += 1
            return rec
        out = dict(rec)
        out["text"] = replay(rec["text"], rec.get("edits") or [])
        out["verdict"] = {"status": "kept", "stage": "", "reason": "", "details": None}
        self.docs["rejected_to_kept"] += 1
        return out

    def _reject(self, rec, was_kept, stage, failures) -> dict[str, Any]:
        out = dict(rec)
        if was_kept:
            out["text"] = undo(rec["text"], rec.get("edits") or [])
            self.docs["kept_to_rejected"] += 1
        else:
            self.docs["rejected_again"] += 1
        out["verdict"] = {
            "status": "rejected",
            "stage": stage,
            "reason": _reason(stage, failures, self.new[stage]),
            "details": failures,
        }
        return out


def _reason(stage: str, failures: list[dict[str, Any]], opts: Any) -> str:
    if _is_classifier(stage):
        from tamis.classify.options import reason

        return reason(opts)
    return failures[0]["rule"]


def rethreshold(
    src_out: Path, stage_options: dict[str, dict[str, Any]], dst_out: Path
) -> dict[str, Any]:
    """Write ``dst_out``: ``src_out`` re-judged under ``stage_options`` (stage -> changed options).

    Returns ``{"rules": {"stage.rule": {"newly_failing", "newly_passing"}}, "documents":
    {"kept_to_rejected", "rejected_to_kept", "rejected_again", "needs_rerun", "unchanged"},
    "kept", "rejected"}``.
    """
    from tamis.io.output import ShardWriter, file_checksum, read_records
    from tamis.io.schema import RunSchema

    src_out, dst_out = Path(src_out), Path(dst_out)
    if dst_out.resolve() == src_out.resolve():
        raise ValueError("rethreshold: the new output must be a different directory")
    from tamis.run.lock import has_entries

    if dst_out.exists() and has_entries(dst_out):
        raise ValueError(f"rethreshold: {dst_out} exists and is not empty")
    manifest = orjson.loads((src_out / "manifest.json").read_bytes())
    pipeline = _stage_list(manifest)
    old, new = new_options(pipeline, stage_options)
    judge = _Rejudge(pipeline, old, new)
    fmt = manifest["config"].get("output_format", "jsonl.zst")
    schema = RunSchema.load(src_out)  # re-judged records keep the source's record schema

    totals = Counter()
    chars = Counter()
    reasons: dict[str, Counter] = {}
    reached = Counter()
    for shard in manifest["shards"]:
        outputs = shard.get("outputs", {})
        name = Path(next(iter(outputs.values()))["file"]).name if outputs else None
        writers: dict[str, ShardWriter] = {}
        for kind in ("kept", "rejected"):
            info = outputs.get(kind)
            if info is None:
                continue
            for rec in read_records(src_out / info["file"]):
                rec = judge.record(rec)
                status = rec["verdict"]["status"]
                dest = "kept" if status == "kept" else "rejected"
                if dest not in writers:
                    writers[dest] = ShardWriter(
                        dst_out / dest / name, fmt, kind=dest, schema=schema
                    )
                writers[dest].write(rec)
                totals[dest] += 1
                chars[dest] += len(rec["text"])
                for stage in rec.get("signals") or {}:
                    reached[stage] += 1
                if dest == "rejected":
                    v = rec["verdict"]
                    reasons.setdefault(v["stage"], Counter())[v["reason"]] += 1
        new_outputs = {}
        for kind, writer in writers.items():
            writer.close()
            new_outputs[kind] = {
                "file": f"{kind}/{writer.path.name}",
                "records": writer.count,
                "checksum": file_checksum(writer.path),
            }
        if "quarantine" in outputs:
            info = outputs["quarantine"]
            (dst_out / "quarantine").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src_out / info["file"], dst_out / info["file"])
            new_outputs["quarantine"] = info
        shard["outputs"] = new_outputs
        counts = shard.get("counts", {})
        counts["kept"] = new_outputs.get("kept", {}).get("records", 0)
        counts["rejected"] = new_outputs.get("rejected", {}).get("records", 0)

    manifest["counts"]["kept"] = totals["kept"]
    manifest["counts"]["rejected"] = totals["rejected"]
    c = manifest["counts"]
    manifest["accounting_holds"] = c["input"] == c["kept"] + c["rejected"] + c["quarantined"]
    manifest["config"]["stages"] = [
        {name: (new[name].model_dump(mode="json") if name in new else opts)}
        for name, opts in pipeline
    ]
    manifest["rethreshold"] = {
        "from": str(src_out),
        "stage_options": {k: new[k].model_dump(mode="json") for k in new},
    }
    (dst_out).mkdir(parents=True, exist_ok=True)
    _write_json(dst_out / "manifest.json", manifest)
    shutil.copyfile(src_out / "schema.json", dst_out / "schema.json")
    if (src_out / "README.md").exists():
        from tamis.io.card import write_card

        present = {kind for s in manifest["shards"] for kind in s.get("outputs", {})}
        write_card(dst_out, schema, fmt, present)

    stats_path = src_out / "stats.json"
    stats = orjson.loads(stats_path.read_bytes()) if stats_path.exists() else {}
    for kind in ("kept", "rejected"):
        stats.setdefault(kind, {})["records"] = totals[kind]
        stats[kind]["chars"] = chars[kind]
    for stage, entry in stats.get("stages", {}).items():
        entry["rejected"] = sum(reasons.get(stage, Counter()).values())
        entry["reasons"] = dict(sorted(reasons.get(stage, Counter()).items()))
        if stage in reached:
            entry["docs_in"] = reached[stage]
    _write_json(dst_out / "stats.json", stats)

    return {
        "rules": {k: dict(v) for k, v in sorted(judge.rule_moves.items())},
        "documents": {
            k: judge.docs[k]
            for k in (
                "kept_to_rejected",
                "rejected_to_kept",
                "rejected_again",
                "needs_rerun",
                "unchanged",
            )
        },
        "kept": totals["kept"],
        "rejected": totals["rejected"],
    }


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    tmp.replace(path)
