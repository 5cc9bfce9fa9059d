"""Thai character clusters as pythainlp's newmm and nlpo3's newmm cut them, to tell where the
two searches must agree.

newmm's words depend on a text, the dictionary and the set of positions where a character
cluster (TCC) ends: a word may end only there. nlpo3 (pythainlp's newmm in Rust) runs the
same search over the same dictionary, but its clusters are not pythainlp 5's: its rule for
``c[ิุู]์`` takes a karan tail, its ``cรรc์`` rule never matches Thai letters alone, its two
``เ-ีย`` look-ahead rules come last instead of among the ``เ`` rules, need a following
consonant or leading vowel (not the text's end), and a cluster that starts with one is trimmed
by one character. So on a run of Thai letters where the two cut the same clusters, nlpo3's
words are ``_onecut``'s; where they cut otherwise, they may differ (``เดียว์``).

:func:`clusters_agree` compares the two cuttings of a run. pythainlp's are read from its own
rules (``tcc_p._RE_TCC``) in one ``findall``; nlpo3's follow nlpo3 1.4's rule list, matched
as its tokenizer matches them (the first rule that matches, then the look-ahead trim).
``tests/test_quality_segment_th.py`` holds nlpo3's words equal to ``_onecut``'s on random runs
where the clusters agree and shows runs where they do not.
"""

from __future__ import annotations

import re
from functools import cache


def _spelled(rule: str) -> str:
    """A TCC rule in pythainlp's shorthand as a regular expression: ``c`` a consonant, ``t`` an
    optional tone mark, ``k`` the optional karan tail, ``d`` a lower vowel."""
    return (
        rule.replace("k", "(?:cc?[dิ]?[์])?")
        .replace("c", "[ก-ฮ]")
        .replace("t", "[่-๋]?")
        .replace("d", "ุู")
    )


#: nlpo3 1.4's rules in its order (``tokenizer/tcc/tcc_rules.rs``): the same shorthand as
#: pythainlp's, with its differences kept (see the module docstring); the rule with a space
#: cannot match inside a run of Thai letters
_NLPO3_RULES = (
    "เc็ck เcctาะk เccีtยะk เcc็ck เcิc์ck เcิtck เcีtยะ?k เcืtอะ?k เctา?ะ?k cัtวะk "
    "c[ัื]tc[ุิะ]?k c[ิุู]์k c[ะ-ู]tk cรรc์_็ c็ ct[ะาำ]?k ck แc็c แcc์ แctะ แcc็c แccc์ "
    "โctะ [เ-ไ]ct ก็ อึ หึ เccีtย[เ-ไก-ฮ]k เc[ิีุู]tย[เ-ไก-ฮ]k"
).split()
_NLPO3_TCC = re.compile("|".join(_spelled(rule).replace("_", " ") for rule in _NLPO3_RULES))
#: a cluster nlpo3 trims by its last character: one that starts with a look-ahead rule's
#: letters and the consonant or leading vowel after them
_NLPO3_TRIMMED = re.compile(_spelled("เccีtย[เ-ไก-ฮ]|เc[ิีุู]tย[เ-ไก-ฮ]"))


def nlpo3_clusters(text: str) -> list[str]:
    """The character clusters nlpo3 cuts ``text`` (Thai letters) into."""
    out = []
    match, trimmed = _NLPO3_TCC.match, _NLPO3_TRIMMED.match
    at, n = 0, len(text)
    while at < n:
        m = match(text, at)
        if m is None:
            end = at + 1
        else:
            end = m.end()
            if trimmed(text, at, end) is not None:
                end -= 1
        out.append(text[at:end])
        at = end
    return out


@cache
def _pythainlp_tcc() -> re.Pattern[str]:
    """pythainlp's cluster rules, with any single character as the last choice, as one
    pattern whose successive matches are ``tcc_p.tcc``'s clusters (its ``$`` is the text's end
    in both, ``tcc`` matching each rest of the text from its start)."""
    from pythainlp.tokenize import tcc_p

    rules = "|".join(tcc_p._RE_TCC)
    return re.compile(re.sub(r"\((?!\?)", "(?:", f"(?:{rules})|."), re.DOTALL)


def pythainlp_clusters(text: str) -> list[str]:
    """The character clusters pythainlp's ``tcc_p.tcc`` cuts ``text`` into, in one call."""
    return _pythainlp_tcc().findall(text)


def clusters_agree(run: str) -> bool:
    """Whether nlpo3 and pythainlp cut the run of Thai letters ``run`` into the same clusters
    (then nlpo3's newmm words are pythainlp's)."""
    return nlpo3_clusters(run) == pythainlp_clusters(run)
