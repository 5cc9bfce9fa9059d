"""Which threshold belongs to which signal, found without knowing any stage.

Stages are written independently, so the report cannot hard-code that ``gopher_quality``'s
``min_doc_words`` bounds its ``n_words`` signal. It uses two kinds of evidence:

* rejections: a stage that reports its failing rules as ``{"rule", "value", "threshold"}``
  (the quality stages do) says exactly which value it compared; when that value equals one
  of the document's own signals of that stage, the signal and the threshold are linked;
* configuration: a numeric option named ``min_<key>``, ``max_<key>``, ``<key>_min``,
  ``<key>_max`` or ``<key>_threshold`` for a signal ``<key>`` of the same stage (the langid
  stage's ``min_score`` bounds its ``score``); or a mapping option that names the signal as a
  key (the classifier's ``keep: {hq: 0.018}`` bounds its ``hq`` score).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

_PREFIXES = ("min_", "max_")
_SUFFIXES = ("_min", "_max", "_threshold")


def failing_rules(details: Any) -> list[dict[str, Any]]:
    """The ``{"rule", "value", "threshold"}`` entries of a reject's details, if any."""
    items = details if isinstance(details, list) else [details]
    return [
        d
        for d in items
        if isinstance(d, dict) and "rule" in d and _num(d.get("threshold")) is not None
    ]


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v) if math.isfinite(v) else None


class ThresholdEvidence:
    """Counts (stage, signal key) -> (rule, threshold) links seen in rejected records."""

    def __init__(self, cap: int = 5000) -> None:
        self.links: Counter = Counter()
        self.cap = cap
        self.keys: dict[str, set[str]] = {}  # signal keys seen per stage

    def observe(self, stage: str, details: Any, signals: dict[str, Any]) -> None:
        keys = self.keys.setdefault(stage, set())
        if len(keys) < 1000:
            keys.update(signals)
        numbers = None  # the signals that are numbers, found once per document
        for f in failing_rules(details):
            value = _num(f.get("value"))
            if value is None:
                continue
            if numbers is None:
                numbers = [(key, n) for key, v in signals.items() if (n := _num(v)) is not None]
            for key, n in numbers:
                if math.isclose(n, value, rel_tol=1e-9):
                    link = (stage, key, str(f["rule"]), float(f["threshold"]))
                    if link in self.links or len(self.links) < self.cap:
                        self.links[link] += 1

    def merge(self, other: ThresholdEvidence) -> None:
        """Add the evidence of another part of the output, within this one's caps."""
        for link, n in other.links.items():
            if link in self.links or len(self.links) < self.cap:
                self.links[link] += n
        for stage, keys in other.keys.items():
            mine = self.keys.setdefault(stage, set())
            if len(mine) < 1000:
                mine.update(keys)

    def for_signal(self, stage: str, key: str) -> list[tuple[str, float]]:
        """(rule, threshold) pairs for one signal, strongest evidence first.

        A rule is linked to the signal that bears its name, else to the one whose value matched
        its reported value most often, so a coincidental match (two signals both 0) does not
        attach it twice.
        """
        per_rule: dict[str, Counter] = {}
        for (st, k, rule, _), n in self.links.items():
            if st == stage:
                per_rule.setdefault(rule, Counter())[k] += n
        found = []
        for (st, k, rule, thr), n in self.links.items():
            if st != stage or k != key:
                continue
            if rule in self.keys.get(stage, ()):
                best = rule  # a rule named after a signal of its stage is about that signal
            else:
                best = min(per_rule[rule].items(), key=lambda kv: (-kv[1], kv[0]))[0]
            if best == key:
                found.append((rule, thr, n))
        found.sort(key=lambda t: (-t[2], t[0], t[1]))
        seen, out = set(), []
        for rule, thr, _ in found:
            if thr not in seen:
                seen.add(thr)
                out.append((rule, thr))
        return out[:4]


def option_thresholds(options: dict[str, Any], key: str) -> list[tuple[str, float]]:
    """(option name, value) of the numeric options that name this signal key."""
    out = []
    for name, value in sorted(options.items()):
        if isinstance(value, dict):  # per-label thresholds: classifier's keep: {hq: 0.018}
            v = _num(value.get(key))
            if v is not None:
                out.append((f"{name}.{key}", v))
            continue
        v = _num(value)
        if v is None:
            continue
        base = name
        for p in _PREFIXES:
            base = base.removeprefix(p)
        for s in _SUFFIXES:
            base = base.removesuffix(s)
        if base != name and base == key:
            out.append((name, v))
    return out


def stage_options(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Stage name -> its resolved options, from manifest.json's configuration."""
    out: dict[str, dict[str, Any]] = {}
    for item in (manifest.get("config") or {}).get("stages") or []:
        if isinstance(item, dict):
            for name, opts in item.items():
                out[name] = opts if isinstance(opts, dict) else {}
        elif isinstance(item, str):
            out[item] = {}
    return out
