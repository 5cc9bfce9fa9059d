"""Second opinions, asked only where the bench shows the fast pass goes wrong.

* :class:`NaiveBayesArbiter` (py3langid, a naive Bayes model over byte n-grams, 140 languages,
  shipped in its wheel) re-judges short texts that CLD2 calls English or unknown on thin
  evidence: CLD2 falls back to English when it cannot place a short text, and about half of
  its "English" answers on short non-English sentences are wrong (see bench/results/langid.md).
  It votes only among languages that have an ISO 639-1 code, which keeps it from answering
  ``pcm`` (Nigerian Pidgin) or ``zxx`` (no language) for English tables of figures.
* :class:`LinguaArbiter` (lingua, high-accuracy mode) separates languages that CLD2 mixes up
  among themselves, such as Serbian/Croatian/Bosnian and Serbian/Macedonian Cyrillic.
  Restricted to one small group, lingua loads only those languages' models (about 35 MB each)
  instead of 1.2 GB for all 75, and runs several times faster.

Both load lazily and once per process.
"""

from __future__ import annotations

from functools import cache

#: Characters a second opinion sees at most. Lingua switches to trigrams alone past 120
#: characters, so longer input only costs time.
ARBITER_SAMPLE_CHARS = 600


class NaiveBayesArbiter:
    """py3langid restricted to ISO 639-1 languages; returns ranked (code, probability)."""

    def __init__(self) -> None:
        from py3langid.langid import MODEL_FILE

        # Restricting by filtering the ranking (and renormalising) gives the same answer as
        # py3langid's set_languages, without the second copy of the model that it makes.
        self._model = _identifier_class().from_model_file(MODEL_FILE, norm_probs=True)
        self._model.use_window_walk()
        # py3langid's rank() keeps each label's first column and sorts every label; only the
        # ISO 639-1 ones are wanted, so their columns are picked once here and only they are
        # sorted (a stable sort, as rank's: the same order, ties included)
        classes = list(self._model.nb_classes)
        first = {}
        for i, code in enumerate(classes):
            first.setdefault(code, i)
        self._iso_columns = [i for code, i in first.items() if len(code) == 2]
        self._iso_codes = [classes[i] for i in self._iso_columns]
        self._scores = getattr(self._model, "_decide", None)

    def rank(self, text: str, top: int = 2) -> list[tuple[str, float]]:
        text = text[:ARBITER_SAMPLE_CHARS]
        if self._scores is None:  # a py3langid without the scoring step rank() is built on
            ranked = [(c, float(p)) for c, p in self._model.rank(text) if len(c) == 2]
        else:
            scores = self._scores(text).tolist()
            picked = list(map(scores.__getitem__, self._iso_columns))
            order = sorted(range(len(picked)), key=picked.__getitem__, reverse=True)
            ranked = [(self._iso_codes[i], picked[i]) for i in order]
        total = sum(p for _, p in ranked) or 1.0
        return [(code, p / total) for code, p in ranked[:top]]


@cache
def _identifier_class():
    """py3langid's identifier, finding its features with :class:`tamis.langid.window.WindowWalk`
    when its model is one the window walk is proven for (the same counts, in the same order,
    so the same scores); any other model keeps py3langid's own walk."""
    from py3langid.langid import LanguageIdentifier

    from tamis.langid.window import PROVEN_DEPTHS, WindowWalk, fingerprint

    class WindowedIdentifier(LanguageIdentifier):
        _walk: WindowWalk | None = None

        def use_window_walk(self) -> None:
            needed = ("tk_nextmove", "_rowbase", "tk_output", "_sparse_score", "_raw_score")
            if not all(hasattr(self, name) for name in needed):
                return  # a py3langid built otherwise: its own walk
            tables = (self.tk_nextmove, self._rowbase, self.tk_output)
            depth = PROVEN_DEPTHS.get(fingerprint(*tables))
            if depth is not None:
                self._walk = WindowWalk(*tables, depth)

        def _raw_score(self, text):
            if self._walk is not None and isinstance(text, bytes):
                visits = self._walk.visits(text)
                if visits:
                    return self._sparse_score(visits, self.nb_ptc)
            # no feature (or no proven walk): py3langid's own path, its own answer
            return super()._raw_score(text)

    return WindowedIdentifier


class LinguaArbiter:
    """lingua (high accuracy) restricted to one group of languages it is asked to separate."""

    def __init__(self, group: frozenset[str]) -> None:
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        codes = [getattr(IsoCode639_1, code.upper()) for code in sorted(group)]
        self._builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        self._detector = self._builder.build()

    def preload(self) -> None:
        """Load every model of the group now (lingua otherwise loads them on first need)."""
        self._detector = self._builder.with_preloaded_language_models().build()

    def rank(self, text: str, top: int = 2) -> list[tuple[str, float]]:
        values = self._detector.compute_language_confidence_values(text[:ARBITER_SAMPLE_CHARS])
        return [(v.language.iso_code_639_1.name.lower(), float(v.value)) for v in values[:top]]


@cache
def naive_bayes_arbiter() -> NaiveBayesArbiter:
    return NaiveBayesArbiter()


@cache
def lingua_arbiter(group: frozenset[str]) -> LinguaArbiter:
    return LinguaArbiter(group)
