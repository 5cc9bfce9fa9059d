"""Language identification: a fast detector first, accurate ones only where it is known to err.

See :mod:`tamis.langid.identifier` for the policy and bench/results/langid.md for the figures
that chose it. Every model ships inside its package: nothing is downloaded at run time.
"""

from tamis.langid.identifier import Detection, identify, identify_many

__all__ = ["Detection", "identify", "identify_many"]
