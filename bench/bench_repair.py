"""Benchmark of the ``repair`` stage: speed beside ftfy, and every accuracy figure of issue 3.

Run from the project root with the project venv (chardet and cchardet are needed for the
detector comparison; nothing here needs the peers venv):

    .venv/bin/pip install 'chardet>=7.7' cchardet
    .venv/bin/python bench/bench_repair.py            # writes bench/results/repair.md

Speed: the corpora are cut into batches of about 200 KB; each batch is run through the tamis
``repair`` stage (on Documents, edit log included) and through plain ``ftfy.fix_text`` with its
defaults, alternating which goes first, and CPU time (``time.process_time``) is summed per tool,
so the MB/s figures are per worker and the ratio is measured in the same run on the same data.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from machine import cpu_model

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "tests"))


NOTES = """## Notes

- Speed: the pre-check (`tamis.repair.precheck`) sends a line to ftfy only when it holds a C1
  control, a surrogate, an escape, or two adjacent characters of ftfy's own mojibake alphabet
  (a superset of ftfy's badness test; `tests/test_repair_real.py` checks on every real document
  that no line ftfy would change is skipped). A line whose flagged stretches are only C1
  controls gets ftfy on those stretches alone. Pure-ASCII documents cost one `isascii()` and
  two scans; other text first meets one character-class scan that leaves out Greek and Cyrillic
  letters (the gate's own search tries each of its branches at every one of them), and ftfy is
  not called on stretches its badness test passes that hold no C1 control, surrogate or escape
  (it changes nothing there; `tests/test_repair_precheck.py` checks both shortcuts against the
  full checks). The gate itself is tried only at its one-class trigger and the character
  before it (its alternation, run over every accented letter, cost more than the scan), and
  the Vietnamese fold search only on text holding `áo` or `áa`. The figures are CPU seconds of
  one process per corpus, started fresh, two passes over the corpus (the tools interleaved
  batch by batch), each tool's best pass; the first pass of that fresh process also carries
  every one-time read (the word lists, lingua's letter models): its ratio is given too. The
  letter models are no longer built as whole tables (a language's five took about 0.4 s): the
  few dozen runs a damaged word needs are looked up one by one in the decompressed JSON
  (`tamis.repair.charmodels.Runs`, a byte search of about a millisecond each, equal to the
  built table for every run: `tests/test_repair_charmodels.py`), and a line holding a C1
  control Windows-1252 defines (Polish read as Windows-1250, then as Latin-1) is left to ftfy
  instead of being rebuilt as lost bytes (with its word lists and letter models read). The
  ftfy column is `ftfy.fix_text`
  with its defaults (which also straightens quotes, so it "changes" more documents).
- True repairs, not false ones: the IMDb reviews with Windows-1252 punctuation stored as C1
  controls (`\\x96`, `\\x97`, `\\x85`) are real damage and are repaired. Counted here, 2,392
  of the 75,000 reviews hold a C1 control (811 in the labelled pos/neg part; PEERS.md gives
  636 for its own count). So are the lingua sentences decoded with
  the wrong code page (Afrikaans `â€™n`, Czech and Polish in cp1250/ISO-8859-2, Romanian `ï¿½`,
  one French sentence in MacRoman). Each of their edits is checked by a round trip: the
  removed characters are exactly a known wrong decoding of the inserted ones.
- `c1_stripped`: once the C1 bytes of a Latin-1 reading are stripped, `‘ ’ “ ” – —` all leave
  the same lone `â`, so the text decides. First its own intact marks: where the text around
  the line still sets spaced dashes, the kind it sets most (`tamis.repair.dashes`), and where it
  sets low-9 quotes (`„…“`, German, Czech, South Slavic), those (`tamis.repair.stripped`); a
  title damaged above a clean body is read so. Then the line (`tamis.repair.stripped`): between letters an
  apostrophe (a contraction, an elision such as `l’`, `dell’`, a particle of one or two letters)
  or else an unspaced em dash; between digits an en dash; between spaced words a spaced dash,
  unless the text is Welsh-like (`tamis.repair.welsh`, figures below): an em dash in English
  text, an en dash in other languages (`tamis.repair.dashes`, a table learned from the clean
  text of the tuned part: English 50 spaced em dashes to 29 en dashes, the other target
  languages 41 en dashes to none; English is told by the share of its function words; on an
  English title, heading or list item, where a dash separates, an en dash); after a
  space an opening quote, before a space or punctuation a closing one. A line with no evidence
  of its own is read so when another line of the same text shows the reading (the whole text
  went through it), and English text shows it by an unspaced dash before a function word
  (`periodâalthough`, `officer"âand`), a plural possessive before a word, a dash opening a
  line, a range or score between figures; and text whose language writes no `â` (CLD2,
  `tamis.repair.circumflex`) shows it by a lone `â` before `a e o` inside a word no list of the
  languages that write `â` holds (`Syiâah`, `Kurâan`), unless the text carries other
  circumflex letters (a transliteration's long vowels). The first damage model (above) sets English with spaced en dashes
  like the other languages, which is why its `c1_stripped` cell fell from 98.3% to 96.5%. The quote kind follows the typography of
  news, which the damage model now states (tests/test_repair_damage.py): the line's role
  (`tamis.repair.headline`: a short line that does not end a sentence, or a short first line,
  or its repetition, before body text, is a headline and quotes in single marks; body text in
  double ones; a line that is one whole quotation is an utterance, double), nesting (a quotation inside another takes the other kind; a closing mark the
  kind of the quotation it closes), and letter-`â`-letter is an apostrophe. What it still
  misses: lines whose only damage is an elided apostrophe (`lâhistoire`, `dellâEuropa`) stay as
  they are, because a lone `â` before a vowel is also a letter (Romanian `câine`, Welsh `câi`);
  an unspaced en dash between words (`Cgil–Funzione`) comes back as an em dash; a quotation
  whose closing mark follows `&` or `-` gives no evidence of the damage; a spaced quote mark
  (`flop “ du carnaval`) reads as a dash; and headlines that end in a question mark are not
  modelled (nothing in a short line tells them from a short body question).
- Nested quotations (the model's `“‘`): under NFKC, `â€œâ€ ` (with the folded `˜`) is read by
  ftfy as `“†` and then, taken for MacRoman, as `Ҡ`; the `dagger_quote` rule restores `“‘` on
  lines that carry other mojibake evidence (`nfkc_ftfy`).
- Welsh check (`tamis.repair.welsh`): WELSH_FIGURES
- The NFKC kinds are measured on punctuation-only sentences and `c1_stripped` on sentences
  without capital accented letters: NFKC folds `Ã¨` (è) and `Ã´` (ô) to the same `Ã` plus a
  space, and stripping C1 leaves a bare `Ã` for every capital from À to ß; no context rule
  recovers those letters. `holes` drops `Á Í Ï Ð Ý` the same way (the 0.2% it misses).
- Multilingual damage model (issue 18; `tamis.repair.unfold`): a line of UTF-8 read as
  Windows-1252 whose bytes NFKC folded (`Å3⁄4` for `ž`) or a strict decoder dropped (`Ä` for
  `č`) is rebuilt from its surviving characters and accepted only when re-damaging the rebuilt
  line gives back exactly the damaged line and the line carries evidence no clean text has; a
  line ftfy already decoded in part is rebuilt sequence by sequence, each verified the same way.
  A dropped byte leaves up to five readings (Cyrillic `Ñ` is `с э я ѐ ѝ`, Vietnamese `á»`
  is `ề ọ ỏ Ố ờ`, `Ä` is `ā č ď Đ ĝ`): the word lists of the `wordfreq` package (optional
  extra `lexicon`, its `small` lists, read from its wheel, never downloaded; `tamis.repair.lexicon`)
  choose the spelling of each such word, after the line's other words name its language
  (Russian, Ukrainian, Bulgarian, Macedonian, Serbian transliterated from the Serbo-Croatian
  list; Vietnamese; Czech, Slovak, Slovene, Serbo-Croatian, Polish, Latvian, Hungarian,
  Spanish, Portuguese, Icelandic); a word no list holds takes the spelling whose stem a
  listed word shares well past the lost byte (`японськ` starts `японський`; a Latin `i`
  typed for Cyrillic `і`, `скiнчив`, `пенсiй`, is looked up as `і`), else the one
  scored best by a three-letter model of the same lists plus lingua's letter runs of up to
  five letters (`tamis.repair.charmodels`: the models lingua ships for its 75 languages,
  brotli-compressed JSON its Rust library embeds in its extension module, found through the
  ELF's relocations; about 0.05 s for the directory, then only the runs a word needs, looked
  up in the line's language's decompressed tables), and a Cyrillic line whose letters do
  not name Belarusian or Kazakh is named so when its intact words score best under those
  languages' letter runs. Belarusian and Kazakh, which wordfreq lacks, are named by their
  letters (`ў`, `і` beside `ы`; `ә ғ қ ң ө ұ ү һ`) and choose from tables shipped in tamis
  (`src/tamis/repair/data/letters_*.tsv.gz`: letter-run counts and the short words holding
  `с э я`, derived from the dictionaries of Tesseract's Apache-2.0 models, Debian packages
  `tesseract-ocr-bel`/`-kaz`, by `generate_letters.py`), a few Belarusian function words
  first, then Ukrainian and Russian frequencies. Vietnamese syllables that both readings spell
  (`tờ`/`tỏ`) are chosen by the syllable pair they form with a neighbour (`giấy tờ`, `lề đường`,
  the neighbour spelt every way when it lost a byte too: `data/vi_pairs.txt.gz`, the 25,801
  adjacent syllable pairs of the words of the MIT word list of the `pyvi` package, built by
  `data/generate_vi_pairs.py`); the same pairs rejoin a syllable ftfy split at `à` when the
  joined one makes a word with its neighbour (`pháo đà i` is `pháo đài`). No lingua text went
  into any of these. What still misses the 97%
  target, and why: words two readings both spell that no compound or list ranks (`с` and `я`
  alone before a verb the endings do not show, `cỏ dại`, `nhờn`/`nhọn`), Belarusian words
  longer than the shipped short words (`тэхнічных`), capitals that lost a byte (`А`/`Н` in
  abbreviations: `ААТ`, `ВНУ`). `c1_stripped` leaves a bare `â` for every quote and dash, so
  single versus double quotes and en versus em dashes follow the typography of news
  (`tamis.repair.headline`; a short first sentence is a title only when a blank line sets it
  apart); English web pages keep their own typography (spaced em dashes, single or double
  quotes at will): those are style, not bytes. Measured on the clean English texts of the
  tuned part, no feature the damage leaves tells a spaced en dash from an em dash: the web
  pages set 48 em to 22 en dashes whatever stands left or right of the mark, wherever it stands
  on the line, whether the page uses straight or curly quotes; the lingua sentences, typeset by
  the model with spaced en dashes, set none, so an English text damaged whole keeps the em dash
  of English news and misses every en dash (most of the English `c1_stripped` misses). `c1_stripped_letters` (letters whose second
  byte is 80-9F, stripped) carries no information to restore them and has no target.
  `ftfy_lossy`: ftfy's partial readings are undone where they leave a sign (a lone `Ñ` among
  Cyrillic letters, a dagger between letters of another script, a Vietnamese syllable split
  at `à`, a whole `á»™` inside a decoded word, a C4/C5 pair beside a lower-case letter that
  ftfy left on a line it decoded in part (`vaÅ¡o`, `zostaÅ‚`, `ÄŒlanovi`), the space NFKC made
  of the A0 of `à` before punctuation on a line that shows the fold (`là ,`), a dagger glued
  between a stop and a word (`bars,†Sasse`), an emoji's variation selector that lost its 8F,
  a letter and the space after it that ftfy read as one character (`đഠcủa` for `đô của`,
  `nhỠđất` for `nhỏ đất`), a Vietnamese letter whose `º` NFKC folded inside a word (`máo1o`
  for `mẹo`), one left whole whose last byte reads as punctuation (`dá»…` for `dễ`, when the
  word list holds the syllable and the line is Vietnamese), one that lost its last byte inside
  a word (`há»i`), a C4/C5 pair ftfy left beside a pair it decoded, even on a line it decoded
  in the same pass (`groÅ¡` beside `težinu`), no Braille pattern rebuilt from a stripped dash
  before a figure (`15:19 â 10`), no `Š`/`Ġ` from a folded space glued after a lower-case
  letter (Maori `mÅ `)); Kazakh `ә` whose `™` NFKC folded (`мÓTMлі`) and Vietnamese `ẹ`
  whose `º` it folded (`đáo1p`) are restored after ftfy's pass, once ftfy has decoded the
  letters around them; the rest (`Рвось` for Belarusian
  `А вось`, which no word list holds; `БАРще` for `БАН ще`; `съцсъда` for `със” съда`, whose
  two letters before the `ц` are too short a word to trust) is left. Two marks ftfy glues to the next word when it reads a
  lost byte and the space after it as one character are read back: a dagger between the end
  of a word and a lower-case word or a spaced dash (`silnejší†si`, `momento†– disse`: `”`
  whose 9D was dropped; not where the dagger's 86 completes a UTF-8 sequence with its
  neighbours, `ãƒ†` is `テ`), and a Cyrillic `Р` glued at a clause start to a word the lists
  hold, with a consonant after the `Р` and no listed word spelt with it (`сдали, Ртолько`:
  `А` whose 90 was dropped), and a `ц` inside an open quotation gluing a listed word to a
  capital or a spaced `-` (`деревнцСилланкорва`: `я”` or `с”` and a space, each last byte
  dropped, `tamis.repair.eaten`; glued to a lower-case word, `желаницне`, it is left: the
  word lists would be read for every `ц` in a quotation). Texts holding an HTML entity
  (`firm&#8217;s`) are no longer counted as clean: the repair decodes the entity.
- Clean text never edited: every edit of the rebuild pass is re-damage verified; on the real
  corpora above the only documents it edits are lingua sentences that are damaged already
  (Polish and Catalan text decoded with the wrong code page, where the lost byte's reading is
  a guess). A dagger after a bracket (`(†44)`), before a space, or glued to a word before a
  space (`lá† 1944`, which ftfy would read as one character) is never taken for a quote.
- Charset detection: `decode_bytes` tries a BOM, then strict UTF-8, then a declared encoding,
  then the detector; "correct" means the decoded text equals the file decoded with its folder's
  codec, or with the decoder browsers use for that label (GBK for GB2312, cp932 for Shift_JIS,
  cp949 for EUC-KR, Windows-1252 for ISO-8859-1, Windows-1254 for ISO-8859-9, cp874 for
  TIS-620). Python has no EUC-TW codec, so that file counts as a miss for everyone.
"""


MULTILINGUAL_BEFORE = """### Before this round (the code at commit ea6b0ee: no rule for a dagger glued between a
word and a lower-case word, for a Cyrillic `Р` glued after a clause start or for a glued `ц`,
lines holding a C1 control Windows-1252 defines rebuilt as lost bytes, a Latin `i` in a
Cyrillic word looked up as it is)

held-out part:

| group | cp1252 | nfkc | holes | c1_stripped | c1_stripped_letters | double | ftfy_lossy | title |
|---|---|---|---|---|---|---|---|---|
| south_slavic | 100.0% (86) | 100.0% (86) | 98.8% (86) | 100.0% (13) | 9.6% (73) | 100.0% (86) | 95.5% (67) | 100.0% (38) |
| west_slavic | 100.0% (79) | 100.0% (78) | 98.7% (79) | 100.0% (8) | 2.8% (71) | 100.0% (79) | 97.2% (71) | 100.0% (36) |
| cyrillic | 100.0% (210) | 100.0% (202) | 90.5% (210) | - | 0.0% (210) | 100.0% (210) | 88.6% (210) | 98.1% (106) |
| indonesian_malay | 100.0% (52) | 100.0% (51) | 100.0% (52) | 88.5% (52) | - | 100.0% (52) | 100.0% (30) | 92.3% (13) |
| portuguese_spanish | 100.0% (66) | 100.0% (65) | 100.0% (66) | 95.2% (63) | 0.0% (3) | 100.0% (66) | 91.5% (47) | 100.0% (15) |
| french_german | 100.0% (65) | 98.5% (65) | 98.5% (65) | 96.1% (51) | 0.0% (14) | 100.0% (65) | 100.0% (56) | 100.0% (28) |
| vietnamese | 100.0% (31) | 100.0% (29) | 93.5% (31) | - | 0.0% (31) | 100.0% (31) | 83.9% (31) | 100.0% (12) |
| english | 100.0% (218) | 99.5% (205) | 99.1% (218) | 81.8% (214) | 0.0% (4) | 100.0% (218) | 97.3% (110) | 89.7% (29) |
| other_latin | 99.9% (801) | 96.6% (790) | 90.8% (801) | 80.7% (529) | 1.5% (272) | 99.9% (801) | 76.8% (617) | 93.4% (335) |
| other_scripts | 99.2% (358) | 90.8% (295) | 21.2% (358) | - | 0.0% (358) | 99.2% (358) | 7.6% (354) | 68.8% (141) |

tuned part:

| group | cp1252 | nfkc | holes | c1_stripped | c1_stripped_letters | double | ftfy_lossy | title |
|---|---|---|---|---|---|---|---|---|
| south_slavic | 100.0% (94) | 100.0% (91) | 100.0% (94) | 91.7% (12) | 4.9% (82) | 100.0% (94) | 96.0% (75) | 97.6% (41) |
| west_slavic | 100.0% (101) | 100.0% (101) | 98.0% (101) | 92.3% (13) | 0.0% (88) | 100.0% (101) | 94.8% (97) | 100.0% (38) |
| cyrillic | 100.0% (220) | 99.5% (213) | 91.4% (220) | - | 0.0% (220) | 100.0% (220) | 85.4% (219) | 99.0% (103) |
| indonesian_malay | 100.0% (73) | 98.6% (72) | 100.0% (73) | 98.6% (72) | 0.0% (1) | 100.0% (73) | 98.1% (54) | 92.3% (13) |
| portuguese_spanish | 100.0% (66) | 100.0% (66) | 100.0% (66) | 98.4% (62) | 25.0% (4) | 100.0% (66) | 97.7% (43) | 100.0% (10) |
| french_german | 100.0% (59) | 100.0% (59) | 100.0% (59) | 97.9% (48) | 0.0% (11) | 100.0% (59) | 96.0% (50) | 100.0% (21) |
| vietnamese | 100.0% (29) | 100.0% (29) | 93.1% (29) | 100.0% (1) | 0.0% (28) | 100.0% (29) | 96.6% (29) | 88.2% (17) |
| english | 100.0% (235) | 100.0% (227) | 98.3% (235) | 82.4% (233) | 0.0% (2) | 100.0% (235) | 96.5% (113) | 100.0% (21) |
| other_latin | 99.9% (823) | 97.4% (814) | 89.8% (823) | 78.1% (544) | 2.9% (279) | 99.9% (823) | 74.2% (620) | 89.7% (329) |
| other_scripts | 99.5% (374) | 90.9% (309) | 25.1% (374) | - | 0.0% (374) | 99.5% (374) | 4.6% (371) | 63.6% (132) |

### Two rounds before (the code at commit 0d636ac: a word no list holds scored by the lists'
three-letter model alone, Kazakh `ә` whose `™` NFKC folded left where ftfy decoded its neighbours)

held-out part:

| group | cp1252 | nfkc | holes | c1_stripped | c1_stripped_letters | double | ftfy_lossy | title |
|---|---|---|---|---|---|---|---|---|
| south_slavic | 100.0% (86) | 100.0% (86) | 98.8% (86) | 100.0% (13) | 9.6% (73) | 100.0% (86) | 95.5% (67) | 100.0% (38) |
| west_slavic | 100.0% (79) | 100.0% (78) | 98.7% (79) | 100.0% (8) | 2.8% (71) | 100.0% (79) | 97.2% (71) | 100.0% (36) |
| cyrillic | 100.0% (210) | 100.0% (202) | 84.8% (210) | - | 0.0% (210) | 100.0% (210) | 81.9% (210) | 96.2% (106) |
| indonesian_malay | 100.0% (52) | 100.0% (51) | 100.0% (52) | 88.5% (52) | - | 100.0% (52) | 100.0% (30) | 92.3% (13) |
| portuguese_spanish | 100.0% (66) | 100.0% (65) | 100.0% (66) | 95.2% (63) | 0.0% (3) | 100.0% (66) | 91.5% (47) | 100.0% (15) |
| french_german | 100.0% (65) | 98.5% (65) | 98.5% (65) | 96.1% (51) | 0.0% (14) | 100.0% (65) | 100.0% (56) | 100.0% (28) |
| vietnamese | 100.0% (31) | 100.0% (29) | 93.5% (31) | - | 0.0% (31) | 100.0% (31) | 77.4% (31) | 100.0% (12) |
| english | 100.0% (218) | 99.5% (205) | 99.1% (218) | 81.8% (214) | 0.0% (4) | 100.0% (218) | 97.3% (110) | 89.7% (29) |
| other_latin | 99.9% (801) | 96.6% (790) | 90.6% (801) | 80.7% (529) | 1.1% (272) | 99.9% (801) | 76.7% (617) | 93.4% (335) |
| other_scripts | 99.2% (358) | 90.8% (295) | 21.2% (358) | - | 0.0% (358) | 99.2% (358) | 7.6% (354) | 68.8% (141) |

tuned part:

| group | cp1252 | nfkc | holes | c1_stripped | c1_stripped_letters | double | ftfy_lossy | title |
|---|---|---|---|---|---|---|---|---|
| south_slavic | 100.0% (94) | 100.0% (91) | 100.0% (94) | 91.7% (12) | 4.9% (82) | 100.0% (94) | 96.0% (75) | 97.6% (41) |
| west_slavic | 100.0% (101) | 100.0% (101) | 98.0% (101) | 92.3% (13) | 0.0% (88) | 100.0% (101) | 94.8% (97) | 100.0% (38) |
| cyrillic | 100.0% (220) | 99.5% (213) | 86.8% (220) | - | 0.0% (220) | 100.0% (220) | 78.5% (219) | 97.1% (103) |
| indonesian_malay | 100.0% (73) | 98.6% (72) | 100.0% (73) | 98.6% (72) | 0.0% (1) | 100.0% (73) | 98.1% (54) | 92.3% (13) |
| portuguese_spanish | 100.0% (66) | 100.0% (66) | 100.0% (66) | 98.4% (62) | 25.0% (4) | 100.0% (66) | 97.7% (43) | 100.0% (10) |
| french_german | 100.0% (59) | 100.0% (59) | 100.0% (59) | 97.9% (48) | 0.0% (11) | 100.0% (59) | 96.0% (50) | 100.0% (21) |
| vietnamese | 100.0% (29) | 100.0% (29) | 93.1% (29) | 100.0% (1) | 0.0% (28) | 100.0% (29) | 89.7% (29) | 88.2% (17) |
| english | 100.0% (235) | 100.0% (227) | 98.3% (235) | 82.4% (233) | 0.0% (2) | 100.0% (235) | 96.5% (113) | 100.0% (21) |
| other_latin | 99.9% (823) | 97.4% (814) | 89.7% (823) | 78.1% (544) | 2.9% (279) | 99.9% (823) | 74.2% (620) | 89.7% (329) |
| other_scripts | 99.5% (374) | 90.9% (309) | 25.1% (374) | - | 0.0% (374) | 99.5% (374) | 4.6% (371) | 63.6% (132) |

"""


def corpus(name: str) -> Iterator[str]:
    import zstandard

    if name == "lingua":
        for path in sorted((SHARED / "langid" / "lingua-sentences").glob("*.txt")):
            if not path.name.startswith("LICENSE"):
                # The files' own lines: ``splitlines`` would also cut at the NEL (85) and
                # other C1 or separator characters inside a damaged sentence, making fragments
                # no source holds (``WyszukujÄ`` from Polish read as Windows-1250 then Latin-1).
                yield from path.read_text(encoding="utf-8").rstrip("\n").split("\n")
        return
    path = SHARED / "text" / f"{name}.jsonl.zst"
    with path.open("rb") as fh:
        reader = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(fh), encoding="utf-8")
        for line in reader:
            yield json.loads(line)["text"]


def batches(texts: list[str], size: int = 200_000) -> Iterator[list[str]]:
    batch: list[str] = []
    nbytes = 0
    for text in texts:
        batch.append(text)
        nbytes += len(text.encode("utf-8"))
        if nbytes >= size:
            yield batch
            batch, nbytes = [], 0
    if batch:
        yield batch


# Whole passes over each corpus; the best pass of each tool gives its speed (other workers load
# the machine). The first pass also carries one-time costs (the word lists read once per process).
ROUNDS = 2


def speed(name: str, limit: int | None) -> dict:
    import ftfy

    from tamis.document import Document
    from tamis.stages.base import stage_class

    stage = stage_class("repair")()
    texts = list(corpus(name))[:limit]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    spent: dict[str, float] = {}
    changed: dict[str, int] = {}

    def run_tamis(batch: list[str]) -> None:
        docs = [Document(str(i), t, {"path": name, "index": i}) for i, t in enumerate(batch)]
        t0 = time.process_time()
        stage.process_batch(docs)
        spent["tamis"] += time.process_time() - t0
        changed["tamis"] += sum(1 for d in docs if d.edits)

    def run_ftfy(batch: list[str]) -> None:
        t0 = time.process_time()
        out = [ftfy.fix_text(t) for t in batch]
        spent["ftfy"] += time.process_time() - t0
        changed["ftfy"] += sum(1 for a, b in zip(batch, out, strict=True) if a != b)

    rounds = []
    for _ in range(ROUNDS):
        spent = {"tamis": 0.0, "ftfy": 0.0}
        changed = {"tamis": 0, "ftfy": 0}
        for i, batch in enumerate(batches(texts)):
            first, second = (run_tamis, run_ftfy) if i % 2 == 0 else (run_ftfy, run_tamis)
            first(batch)
            second(batch)
        rounds.append(spent)
    best = {tool: min(r[tool] for r in rounds) for tool in ("tamis", "ftfy")}
    return {
        "corpus": name,
        "docs": len(texts),
        "MB": mb,
        "tamis_mbs": mb / best["tamis"],
        "ftfy_mbs": mb / best["ftfy"],
        "ratio": best["ftfy"] / best["tamis"],
        "first_ratio": rounds[0]["ftfy"] / rounds[0]["tamis"],
        "tamis_changed": changed["tamis"],
        "ftfy_changed": changed["ftfy"],
    }


def damage_model() -> list[tuple[str, int, float, float]]:
    import test_repair_damage as dm

    cases = dm.cases(SHARED / "langid" / "lingua-sentences")
    out = []
    for kind, pairs in cases.items():
        share, failures = dm.restoration(pairs)
        style = dm.quote_style_insensitive(failures)
        out.append((kind, len(pairs), share, 1 - (len(failures) - style) / max(1, len(pairs))))
    return out


def multilingual() -> tuple[
    dict[str, dict[tuple[str, str], list[int]]], dict[str, tuple[int, int]]
]:
    """The multilingual damage model (tests/test_repair_multilingual.py), per part; and per
    part, the English ``c1_stripped`` misses and how many of them differ from the clean text
    in nothing but a dash read as en where em was set or the other way round."""
    import test_repair_multilingual as ml

    cases = ml.cases(SHARED)
    tables, dashes = {}, {}
    for part in ("tuned", "held_out"):
        tables[part], failures = ml.restoration([c for c in cases if ml.part(c[3]) == part])
        english = [
            (clean, fixed)
            for (group, _, kind, clean, _), fixed in failures
            if group == "english" and kind == "c1_stripped"
        ]
        only_dash = sum(1 for clean, fixed in english if _dash_blind(clean) == _dash_blind(fixed))
        dashes[part] = (len(english), only_dash)
    return tables, dashes


def _dash_blind(text: str) -> str:
    return text.replace("\u2014", "\u2013")


def multilingual_table(table: dict[tuple[str, str], list[int]]) -> list[str]:
    import test_repair_multilingual as ml

    kinds = ml.ALL_KINDS
    out = ["| group | " + " | ".join(kinds) + " |", "|---" * (len(kinds) + 1) + "|"]
    for group in ml.GROUPS:
        cells = []
        for kind in kinds:
            ok, n = table.get((group, kind), (0, 0))
            cells.append(f"{ok / n:.1%} ({n})" if n else "-")
        out.append(f"| {group} | " + " | ".join(cells) + " |")
    return out


LEGIT_SYMBOLS = (
    "(\u202044)",
    "\u2020",
    "\u2020 1944",
    "5 \u20ac",
    "\u20ac5",
    "\u00a9",
    "\u00ae",
    "\u2122",
)
A_RICH = ("pt", "vi", "ro", "cy", "nb", "da", "sv", "fr", "de", "is")


def legit_symbols(per_lang: int = 300) -> tuple[int, int, list[str]]:
    """Clean sentences of languages rich in ``â ã õ ê Å Ä`` with a legitimate dagger, euro,
    ©, ® or ™ put after a word (by hash): (texts, texts with a mojibake edit, examples)."""
    import test_repair_multilingual as ml

    from tamis.repair import fix_text, is_mojibake_rule

    root = SHARED / "langid" / "lingua-sentences"
    total, edited, shown = 0, 0, []
    for lang in A_RICH:
        lines = (root / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
        for line in [s for s in lines if ml.is_clean(s)][:per_lang]:
            words = line.split(" ")
            for symbol in LEGIT_SYMBOLS:
                k = ml._hash(symbol + line) % len(words)
                glued = ml._hash(line + symbol) % 2
                text = " ".join(
                    [*words[:k], words[k] + ("" if glued else " ") + symbol, *words[k + 1 :]]
                )
                total += 1
                _, edits = fix_text(text)
                if any(is_mojibake_rule(e.rule) for e in edits):
                    edited += 1
                    shown.append(text[:80])
    return total, edited, shown[:5]


def ftfy_cases() -> dict:
    import test_repair_ftfy_cases as fc

    results = fc.outcomes(SHARED / "encoding" / "ftfy-test-cases")
    return {
        "total": len(results),
        "ftfy_pass": sum(1 for _, f, _ in results if f),
        "tamis_pass": sum(1 for _, _, t in results if t),
        "regressions": [c["label"] for c, f, t in results if f and not t],
        "fixed_beyond_ftfy": [c["label"] for c, f, t in results if t and not f],
        "known_failures_left": [
            c["label"] for c, f, t in results if c["expect"] == "fail" and not t
        ],
    }


def welsh_figures() -> str:
    """How the Welsh check separates Welsh "â" from a stripped dash, on the lingua sentences."""
    from tamis.repair.welsh import THRESHOLD, welsh_share

    root = SHARED / "langid" / "lingua-sentences"
    cy = (root / "cy.txt").read_text(encoding="utf-8").splitlines()
    spaced = [welsh_share(s)[0] for s in cy if " â " in s]
    parts = [
        f"threshold {THRESHOLD}; the {len(spaced)} Welsh sentences holding a spaced `â` score "
        f"{min(spaced):.2f} or more; sentences at or above the threshold:"
    ]
    for lang in ("cy", "en", "fr", "de", "es", "pt", "it"):
        lines = (root / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
        hits = sum(1 for s in lines if welsh_share(s)[0] >= THRESHOLD)
        parts.append(f"{lang} {hits} of {len(lines)}")
    return " ".join(parts[:1]) + " " + ", ".join(parts[1:]) + "."


def false_repairs() -> tuple[int, dict, list]:
    import test_repair_real as real

    return real.false_repairs(SHARED)


def detectors() -> list[tuple[str, int, int, float, list]]:
    import test_repair_decode as td

    root = SHARED / "encoding" / "chardet"
    out = []
    for det in ("chardet", "charset_normalizer"):
        t0 = time.process_time()
        ok, total, misses = td.chardet_corpus_accuracy(root, det)
        out.append((f"decode_bytes + {det}", ok, total, time.process_time() - t0, misses))
    try:
        import cchardet
    except ImportError:
        return out
    ok = total = 0
    t0 = time.process_time()
    misses = []
    for folder in sorted(os.listdir(root)):
        if not (root / folder).is_dir():
            continue
        for path in sorted((root / folder).iterdir()):
            raw = path.read_bytes()
            total += 1
            guess = cchardet.detect(raw)["encoding"]
            try:
                text = raw.decode(guess) if guess else None
            except (LookupError, UnicodeDecodeError):
                text = None
            if text is not None and text in td._truths(raw, td.truth_codec(folder)):
                ok += 1
            else:
                misses.append((folder, path.name, guess))
    out.append(("cchardet alone", ok, total, time.process_time() - t0, misses))
    return out


def machine() -> str:
    cpu = cpu_model()
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    import ftfy

    return (
        f"- machine: nproc={nproc}, CPU {cpu}\n"
        f"- python {platform.python_version()}, ftfy {ftfy.__version__}\n"
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n"
    )


def speed_in_fresh_process(name: str, limit: int | None) -> dict:
    """:func:`speed` of one corpus in a process of its own, so that its first pass carries
    every one-time read (word lists, letter models) and nothing an earlier corpus loaded."""
    command = [sys.executable, __file__, "--speed-corpus", name]
    if limit:
        command += ["--limit", str(limit)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def speed_rows(limit: int | None) -> list[str]:
    rows = []
    for name in ("reuters-21578", "imdb-reviews", "lingua"):
        r = speed_in_fresh_process(name, limit)
        rows.append(
            f"| {r['corpus']} | {r['docs']} | {r['MB']:.1f} | {r['tamis_mbs']:.1f} | "
            f"{r['ftfy_mbs']:.1f} | {r['ratio']:.1f}x | {r['first_ratio']:.1f}x | "
            f"{r['tamis_changed']} / {r['ftfy_changed']} |"
        )
        print(rows[-1], flush=True)
    return rows


def replace_speed(out: Path, rows: list[str], when: str) -> None:
    """The speed rows of ``out`` replaced by ``rows`` (measured again on its own, noted so)."""
    text = out.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(text) if line.startswith("| reuters-21578 "))
    text[at : at + 3] = rows
    text.insert(at + 3, f"\nSpeed measured again alone (`--speed-only`): {when.strip()}")
    out.write_text("\n".join(text), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="documents per corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "repair.md")
    parser.add_argument(
        "--speed-only",
        action="store_true",
        help="measure speed alone and replace the speed table of an existing --out file",
    )
    parser.add_argument("--speed-corpus", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.speed_corpus:
        print(json.dumps(speed(args.speed_corpus, args.limit)))
        return

    lines = ["# repair: benchmark results", "", machine()]
    lines.append(
        f"Command: `.venv/bin/python bench/bench_repair.py{' --limit ' + str(args.limit) if args.limit else ''}`\n"
    )

    lines += [
        "## Speed, per worker (CPU time, one process, interleaved batches)",
        "",
        "Each corpus in a fresh process: the first pass carries every one-time read.",
        "",
        "| corpus | docs | MB | tamis `repair` MB/s | `ftfy.fix_text` MB/s | ratio (best pass) | ratio (first pass) | docs changed: tamis / ftfy |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += speed_rows(args.limit)
    if args.speed_only:
        replace_speed(args.out, lines[-3:], machine())
        return

    lines += ["", "## Damage model: exact restoration per kind", ""]
    lines += [
        "Clean real sentences (lingua: en fr de es pt it), set in news typography, then damaged",
        "one kind at a time (the model is documented in tests/test_repair_damage.py). Target 95%.",
        "",
        "| kind | cases | exact | exact up to single/double quote style |",
        "|---|---|---|---|",
    ]
    for kind, n, share, style in damage_model():
        lines.append(f"| {kind} | {n} | {share:.1%} | {style:.1%} |")
    print("\n".join(lines[-17:]), flush=True)

    lines += [
        "",
        "## Multilingual damage model: exact restoration per language group and kind",
        "",
        "Real clean text of every lingua language, the extraction pages, Reuters and IMDb,",
        "damaged one kind at a time (tests/test_repair_multilingual.py documents the model).",
        "Each text falls by hash into the tuned part (looked at while building the repair) or",
        "the held-out part (never looked at). Cells: exact share (cases). Target 97% on the",
        "held-out part for every kind but `c1_stripped_letters` in the first eight groups.",
        "",
    ]
    parts, dashes = multilingual()
    for part in ("held_out", "tuned"):
        lines += [f"### {part.replace('_', '-')} part", ""]
        lines += multilingual_table(parts[part])
        lines.append("")
        missed, only_dash = dashes[part]
        lines += [
            f"English `c1_stripped` misses in this part: {missed}, of which {only_dash} differ "
            "from the clean text only in an en dash read as em or an em dash read as en "
            "(both leave the same lone `â`).",
            "",
        ]
    lines.append(MULTILINGUAL_BEFORE)
    print("\n".join(lines[-30:]), flush=True)

    fc = ftfy_cases()
    lines += [
        "",
        "## ftfy's own test cases",
        "",
        f"- cases: {fc['total']}; ftfy 6.3.1 passes {fc['ftfy_pass']}; tamis passes {fc['tamis_pass']}",
        f"- regressions (ftfy passes, tamis does not): {len(fc['regressions'])} {fc['regressions']}",
        f"- cases tamis passes that ftfy fails: {fc['fixed_beyond_ftfy']}",
        f"- known failures still failing: {fc['known_failures_left']}",
    ]
    print("\n".join(lines[-6:]), flush=True)

    total, repaired, unverified = false_repairs()
    lines += [
        "",
        "## False repairs on real corpora",
        "",
        f"Documents scanned: {total} (every document of text/, the title and main text of every",
        "extraction benchmark page, and every lingua sentence).",
        "Documents changed by a mojibake rule whose every edit is round-trip verified as a real",
        f"wrong decoding (true repairs), per source: {json.dumps(repaired)}",
        f"Documents with an unverified mojibake edit: {len(unverified)}",
    ]
    for label, edits in unverified:
        lines.append(f"- {label}: {[(e.rule, e.removed, e.inserted) for e in edits[:4]]}")
    n_legit, n_edited, examples = legit_symbols()
    lines += [
        "",
        f"Clean sentences of {', '.join(A_RICH)} (300 each, the languages rich in `â ã õ ê Å Ä`)",
        "with a legitimate `(†44)`, `†`, `† 1944`, `5 €`, `€5`, `©`, `®` or `™` put after a word",
        f"(each symbol once per sentence): {n_legit} texts, {n_edited} with a mojibake edit {examples}.",
    ]
    print("\n".join(lines[-9:]), flush=True)

    lines += [
        "",
        "## Charset detection on the chardet corpus (425 files, 50 encodings)",
        "",
        "| detector | correct | files | CPU s | misses |",
        "|---|---|---|---|---|",
    ]
    for name, ok, n, secs, misses in detectors():
        shown = ", ".join(f"{m[0]}/{m[1]}" for m in misses[:8])
        lines.append(f"| {name} | {ok} ({ok / n:.1%}) | {n} | {secs:.1f} | {shown} |")
    print("\n".join(lines[-4:]), flush=True)

    lines += ["", NOTES.replace("WELSH_FIGURES", welsh_figures())]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
