"""The country calling codes of ITU-T E.164 (the list ITU publishes as "List of ITU-T
Recommendation E.164 assigned country codes"), so that a number written after "+" or a dialled
"00" is a phone only when its first digits are a code some country or service has.

Why: texts give numbers whose code exists nowhere as examples of what a parser refuses
("+9991112223333", a "non-existing country calling code"), and "+" before digits also opens
signed figures and identifiers. A real international number always opens with an assigned code.

A few codes that were withdrawn but still stand in older text are kept, since a number written with them was a real phone:
38 (Yugoslavia, and how Ukrainian numbers are often written, "+38 044 ..."), 42
(Czechoslovakia), 388 (the European Telephony Numbering Space), 671 (Guam before it joined
+1), 684 (American Samoa before it joined +1), 878 (Universal Personal Telecommunications).
"""

from __future__ import annotations

_ONE_DIGIT = "1 7"
_TWO_DIGITS = (
    "20 27 30 31 32 33 34 36 38 39 40 41 42 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 "
    "60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98"
)
_THREE_DIGITS = (
    "211 212 213 216 218 "
    "220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 "
    "240 241 242 243 244 245 246 247 248 249 250 251 252 253 254 255 256 257 258 "
    "260 261 262 263 264 265 266 267 268 269 290 291 297 298 299 "
    "350 351 352 353 354 355 356 357 358 359 370 371 372 373 374 375 376 377 378 379 "
    "380 381 382 383 385 386 387 388 389 420 421 423 "
    "500 501 502 503 504 505 506 507 508 509 590 591 592 593 594 595 596 597 598 599 "
    "670 671 672 673 674 675 676 677 678 679 680 681 682 683 684 685 686 687 688 689 "
    "690 691 692 "
    "800 808 850 852 853 855 856 870 878 880 881 882 883 886 888 "
    "960 961 962 963 964 965 966 967 968 970 971 972 973 974 975 976 977 979 "
    "991 992 993 994 995 996 998"
)
CALLING_CODES = frozenset((_ONE_DIGIT + " " + _TWO_DIGITS + " " + _THREE_DIGITS).split())


def assigned_code(digits: str) -> bool:
    """Whether ``digits`` (what follows the "+" or "00") open with an assigned calling code; any
    script's decimal digits count as theirs ("+٤٤..." is +44)."""
    head = "".join(str(int(c)) for c in digits[:3])
    return any(head[:n] in CALLING_CODES for n in (1, 2, 3))
