"""Quality signals and rules (Gopher quality and repetition, C4, FineWeb) with datatrove parity.

``words`` splits words as datatrove's spaCy tokenizer does, ``parts`` shares one split of each
document between the rule sets, ``signals`` measures, ``rules.decide`` judges from stored
signals, and ``rethreshold`` re-judges a finished output under new thresholds. The stages that
use them live in ``tamis.stages.quality``.
"""
