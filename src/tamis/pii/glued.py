"""Where a value ends when the text around it is glued on: blocks of a page extracted with no
space between them ("info@example.comCustomer Support", "Fax: 03-5613699E-mail:",
"meganr@spokesman.com(509) 459-5382", "+1 609 632 0350info@damcogroup.com").

Why: a detector that asks for a non-word character at each end of a value misses it whole
when a word is glued on, and one that takes any run of letters as a top-level domain swallows
the glued word. What decides where a value ends is what a value of its kind can be: a domain
ends with a top-level domain that exists (the Public Suffix List snapshot tldextract ships,
never fetched), and a number ends where a word starts.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

# Names reserved for tests, examples and local networks (RFC 2606, RFC 6761, RFC 7686): no
# registry holds them, yet documentation and real mail write addresses under them.
_SPECIAL_USE = frozenset("example invalid localhost local localdomain test onion internal".split())

# A word that starts right after a number, glued to it: a capital and a small letter, or a
# capital, a dash and a small letter ("E-mail"). A small letter alone is no word start: digits
# and small letters make codes ("12ab"), and "3rd" or "1st" are ordinals.
GLUED_WORD_AFTER = r"(?=[A-Z]-?[a-z])"
# The local part of an address glued after a number ("0350info@damcogroup.com"): letters, then
# an "@" within the length a local part may have.
GLUED_ADDRESS_AFTER = r"(?=[A-Za-z][\w.%+-]{0,63}@)"
# A bracketed area code and the number after it ("(509) 459-5382"), which may be glued after a
# word: the bracket opens the number whatever precedes it.
AREA_CODE_OPENS = re.compile(r"\(\d{2,5}\)[ .-]?\d")


@lru_cache(maxsize=1)
def top_level_domains() -> frozenset[str]:
    """Every top-level domain of the Public Suffix List (ASCII ones, lowercase), with the
    special-use names above. The snapshot file is read as it lies in tldextract's folder,
    without importing tldextract (whose import, HTTP client included, takes most of a second)."""
    from importlib.util import find_spec

    spec = find_spec("tldextract")
    folder = Path(next(iter(spec.submodule_search_locations)))
    tlds = set(_SPECIAL_USE)
    for line in (folder / ".tld_set_snapshot").read_text(encoding="utf-8").splitlines():
        rule = line.strip()
        if rule and not rule.startswith("//") and "." not in rule:
            if rule.isascii() and rule.isalpha():
                tlds.add(rule.lower())
    return frozenset(tlds)


def is_tld(label: str) -> bool:
    return label.lower() in top_level_domains()


# The generic top-level domains that a word in the same case may be glued to ("comfor more",
# "orgwww"). Any top-level domain opens some words ("domain" opens with "do", "scheme" with
# "sc", "address" with "ad"): a name nobody registered ("me@my.domain", "dmesg@xterm.scheme")
# is read whole, and only these, which few words open with, are cut from what is glued on.
_GLUED_SAME_CASE = ("com", "org", "net", "edu", "gov")


def tld_length(label: str) -> int | None:
    """How much of a domain's last label is its top-level domain: all of it when it is one,
    else one of the generic ones above that it opens with, two letters at least left over for
    the glued word ("comfor" -> 3, "orgPhone" -> 3), or None ("domain", "scheme": no cut)."""
    if is_tld(label):
        return len(label)
    head = label[:3].lower()
    return 3 if head in _GLUED_SAME_CASE and len(label) >= 5 else None
