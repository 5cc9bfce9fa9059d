"""The stage contract: what every stage is, so that executors never need to know which one runs.

A *per-document* stage edits or rejects documents one batch at a time. A *global* stage
(deduplication, learned boilerplate) runs in two phases around a barrier:

1. ``observe`` sees every kept document of a shard and folds what it needs into a small,
   picklable shard state (hashes, signatures, counts: never texts);
2. ``merge`` (once, in the driver) combines all shard states into one decision object;
3. ``apply`` edits or rejects each document using that decision.

Shard states and decisions are pickled to the run's work directory, which is what makes an
interrupted run resumable and lets the same stage run under any executor.

Global stages that follow one another may observe in one phase (one read and spill of the
documents fewer): a stage whose apply only rejects (``rejects_only``) tells the driver which
documents it rejects (``rejected_uids``), and a later stage that accepts it
(``observes_beside``) is merged from its shard states ``without`` those documents, which gives
the decision it would have made observing only the documents the earlier stages kept.

Stages declare their options as a pydantic model (``Options``, unknown keys forbidden) and
register themselves by ``name`` through :func:`register`; the registry imports every module of
``tamis.stages`` on first use (a stage named as its module is found by importing that module
alone), so a new stage is a new module and nothing else changes.
Modules must keep heavy third-party imports inside functions so that discovery stays cheap.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from tamis.document import Document
from tamis.registry import import_submodules


class StageOptions(BaseModel):
    """Base for stage options: unknown keys are errors, values are validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Stage:
    name: ClassVar[str]
    Options: ClassVar[type[StageOptions]] = StageOptions
    is_global: ClassVar[bool] = False
    #: True when the stage may appear several times under instance names (``classifier@edu``).
    named_instances: ClassVar[bool] = False

    @classmethod
    def check_options(cls, options: StageOptions, where: str) -> None:
        """Checks that need more than the options themselves (files, models), made once before
        any work starts; raise ``ValueError`` with a message that starts with the key's path."""

    #: Every signal the stage may store (``doc.signal``), name -> type: ``int``, ``float``,
    #: ``str``, ``bool``, ``list[...]``, a ``{name: type}`` dict, or ``tamis.io.kinds.JSON``
    #: (values of no single type, written as JSON text). Outputs are written with these types
    #: (``docs/schema.md``); a stage that measures nothing declares ``{}``. Required: a test
    #: checks that every registered stage declares it.
    signals: ClassVar[dict[str, Any]]

    #: ``meta`` fields the stage may add to a document: writers give every record these from
    #: the start (null where absent), so the run's schema settles without rewriting shards
    meta_fields: ClassVar[tuple[str, ...]] = ()

    def signal_types(self) -> dict[str, Any]:
        """The signals of this stage with its options (override when they depend on them)."""
        return type(self).signals

    def __init__(self, options: StageOptions | None = None) -> None:
        self.options = options if options is not None else self.Options()

    def process(self, doc: Document) -> None:
        """Edit ``doc`` in place (through ``doc.apply``) or ``doc.reject`` it."""
        raise TypeError(f"stage {self.name} must define process or process_batch")

    def process_batch(self, docs: list[Document]) -> None:
        """Called with kept documents only. Override to vectorise."""
        for doc in docs:
            self.process(doc)


class GlobalStage(Stage, ABC):
    is_global: ClassVar[bool] = True
    #: True when ``apply`` only rejects documents (and adds this stage's own signals), never
    #: edits a text or changes what another stage reads: a later global stage may then observe
    #: in the same phase (:meth:`observes_beside`), given :meth:`rejected_uids`
    rejects_only: ClassVar[bool] = False

    @abstractmethod
    def new_state(self) -> Any:
        """A fresh, empty, picklable state for one shard."""

    @abstractmethod
    def observe(self, docs: list[Document], state: Any) -> None:
        """Fold kept documents into this shard's ``state`` (mutate it in place)."""

    @abstractmethod
    def merge(self, states: Iterator[Any], workdir: Path) -> Any:
        """Combine all shard states (given in shard order) into one picklable decision.

        ``workdir`` is a private directory for spilling when the state outgrows memory.
        """

    @abstractmethod
    def apply(self, docs: list[Document], decision: Any) -> None:
        """Edit or reject kept documents using the merged decision."""

    def summary(self, decision: Any) -> dict[str, Any]:
        """Run-level facts for stats.json (for example clusters by size)."""
        return {}

    def observes_beside(self, earlier: tuple[GlobalStage, ...]) -> bool:
        """Whether this stage may observe in the same phase as the ``earlier`` global stages
        (all ``rejects_only``, applied before it), its merge then given their shard states
        :meth:`without` the documents they reject. Only when what it observes of a document
        does not depend on their apply (their signals, say)."""
        return False

    def without(self, state: Any, rejected: Any) -> Any:
        """``state`` as if the documents whose uid is in ``rejected`` (a sorted uint64 array)
        had not been observed; required of a stage whose :meth:`observes_beside` says yes."""
        raise NotImplementedError(f"{self.name} cannot leave documents out of its state")

    def rejected_uids(self, decision: Any) -> Any:
        """The uids (a sorted uint64 array) of the documents ``apply`` rejects with
        ``decision``; required of a ``rejects_only`` stage."""
        raise NotImplementedError(f"{self.name} does not list the documents it rejects")


#: The stage names of the contract (DESIGN.md), in the order a full pipeline runs them
#: (``classifier`` needs a model, so it has no place in a pipeline of default options).
CONTRACT_ORDER = (
    "url_filter",
    "extract",
    "repair",
    "clean",
    "boilerplate",
    "pii",
    "langid",
    "gopher_quality",
    "gopher_repetition",
    "c4",
    "fineweb",
    "exact_dedup",
    "minhash_dedup",
    "rewrite_dedup",
    "line_dedup",
)

_REGISTRY: dict[str, type[Stage]] = {}
_DISCOVERED = False


def register(cls: type[Stage]) -> type[Stage]:
    """Class decorator: make a stage available by its ``name``."""
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise RuntimeError(f"two stages are named {cls.name!r}")
    _REGISTRY[cls.name] = cls
    return cls


def _discover() -> None:
    global _DISCOVERED
    if not _DISCOVERED:
        import_submodules("tamis.stages", skip=("base",))
        _DISCOVERED = True


def _find(name: str) -> type[Stage] | None:
    """The class registered as ``name``, importing as few stage modules as it takes: a stage
    in a module of its own name (``tamis.stages.classifier``) is found without importing the
    others (a run starts sooner); any other name, or none, takes discovering them all."""
    own_module = name.isidentifier() and not name.startswith("_") and name != "base"
    if own_module and name not in _REGISTRY and not _DISCOVERED:
        try:
            importlib.import_module(f"tamis.stages.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tamis.stages.{name}":
                raise
    if name not in _REGISTRY:
        _discover()
    return _REGISTRY.get(name)


def stage_names() -> list[str]:
    _discover()
    return sorted(_REGISTRY)


def stage_class(name: str) -> type[Stage]:
    """The class of a stage name; ``base@instance`` names an instance of a stage that allows
    several (``classifier@edu``): an instance name is lowercase letters, digits and ``_``."""
    base, at, instance = name.partition("@")
    cls = _find(base)
    if cls is not None and at:
        if not cls.named_instances:
            raise KeyError(f"stage {base!r} does not take an instance name ({name!r})")
        if not instance or not all(c.isascii() and (c.isalnum() or c == "_") for c in instance):
            raise KeyError(f"bad instance name in {name!r}: use letters, digits and _")
    if cls is None:
        named = sorted(n for n, c in _REGISTRY.items() if c.named_instances)
        raise KeyError(
            f"unknown stage {name!r}; allowed: {', '.join(sorted(_REGISTRY))}"
            + (f" ({', '.join(named)} also as NAME@instance)" if named else "")
        )
    return cls


def build_stages(spec: Iterable[tuple[str, StageOptions]]) -> list[Stage]:
    stages = []
    for name, options in spec:
        stage = stage_class(name)(options)
        if name != stage.name:
            stage.name = name  # an instance: signals, verdicts and counts under its full name
        stages.append(stage)
    return stages
