"""``rewrite_dedup`` with and without its verbatim report (``verbatim_report``) on every part
of the rewrite benchmark, and its time beside ``minhash_dedup``'s.

``verbatim`` is the stage's default. A document pasting two or more sentences of another nearly word for word
(:data:`tamis.dedup.rewrite.VERBATIM_SIMILARITY`) is reported against it when those sentences
make at least the option's share of its own. The cut (:data:`VERBATIM`) was chosen on the
tuned parts alone (Clough-Stevenson tasks a, b and c; the tuned Reuters part); the held-out
parts (Reuters ``heldout``, ``aeb``, Clough-Stevenson tasks d and e, MSRP) are measured after.

    .venv/bin/python bench/rewrite_verbatim.py --rounds 3 --timing-part heldout
"""

from __future__ import annotations

import json

import rewrite_weights as rw

#: the cut chosen on the tuned parts: 0.05, 0.1, 0.15 and 0.2 gave the same tuned outcome
#: (Clough-Stevenson and Reuters); the lowest of those tried with that outcome but one
VERBATIM = {"verbatim_report": 0.1}


def main() -> None:
    args = rw.arguments(__doc__.split("\n")[0])
    rw.VARIANTS = {"off": {"verbatim_report": 0.0}, "verbatim": VERBATIM}
    rw.measure(
        args,
        "rewrite_verbatim.py",
        "Sentences pasted verbatim reported (`verbatim_report`)",
        "`off`: the stage with the verbatim report off (its behaviour before the option). "
        f"`verbatim`: "
        f"`{json.dumps(VERBATIM)}`, the cut chosen on the tuned parts only (Clough-Stevenson "
        "tasks a-c, the tuned Reuters part); the held-out parts (Reuters `heldout`, `aeb`, "
        "Clough-Stevenson tasks d-e, MSRP) were measured after the choice.",
    )


if __name__ == "__main__":
    main()
