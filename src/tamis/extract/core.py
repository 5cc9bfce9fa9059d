"""HTML to main text: the extractors by name, and tamis's own (``auto`` and ``fast``).

trafilatura is the most accurate single extractor and resiliparse the fastest, but each fails
on whole kinds of page: trafilatura keeps one node of a listing, a product grid or a page of
``<section>``s; resiliparse keeps navigation. tamis's extractors classify the blocks of the page
with small models over generic signals (a block's DOM context, its links and punctuation, what
the heuristics kept), so the result takes what each gets right:

* ``auto`` (the default) chooses per page what the markup says first: a page that says it is an
  article (JSON-LD ``NewsArticle``/``BlogPosting``..., Open Graph ``article``) and not a list of
  pages, or whose markup is a documentation generator's, takes trafilatura's default mode, built
  for such one-document pages (its headline, which is metadata, dropped); any other page
  starts from trafilatura's fast precision mode and adds the blocks it missed, as boosted trees
  over the signals of :mod:`tamis.extract.blocks` and the score of each block's own words
  (:mod:`tamis.extract.lexicon`) decide, short lines of interface words excepted
  (:mod:`tamis.extract.chrome`). Readers' comments are left out unless asked for, and
  the publisher's JSON-LD body replaces a text much shorter than it;
* ``fast`` (:mod:`tamis.extract.fast`) uses no trafilatura at all: one resiliparse pass over the
  whole page, each line kept or dropped by a small line model.

The plain extractors (``trafilatura``, ``trafilatura_precision``, ``trafilatura_recall``,
``resiliparse``) stay available for comparison and for users who want them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from tamis.extract.backends import resiliparse_text, tidy, trafilatura_text
from tamis.extract.chrome import CHROME_GATE, ChromeGate
from tamis.extract.metadata import LIST_TYPES, NEWS_TYPES

_WORD = re.compile(r"\w+")

#: the extractor names, one list for the function and the stage option
Extractor = Literal[
    "auto", "fast", "trafilatura", "trafilatura_precision", "trafilatura_recall", "resiliparse"
]
EXTRACTORS: tuple[str, ...] = get_args(Extractor)

#: a page whose whole text is a notice that it needs JavaScript (an app shell served to a
#: crawler) has no main text; the notice is boilerplate, not a document
_SCRIPT_NOTICE = re.compile(
    r"(?:enable|turn on|activate|allow)\s+javascript|javascript\s+(?:is\s+)?(?:disabled|required"
    r"|turned off|must be enabled|needs to be enabled)|requires?\s+javascript",
    re.IGNORECASE,
)
#: a text this short can be a script notice and nothing else; longer ones have content beside it
SCRIPT_NOTICE_WORDS = 40


def is_script_notice(text: str) -> bool:
    """Whether ``text`` is a "needs JavaScript" notice and nothing more; a page's whole text is
    only scanned when it is short enough to be one (every page passes here)."""
    return (
        len(text) <= 25 * SCRIPT_NOTICE_WORDS
        and len(_WORD.findall(text)) <= SCRIPT_NOTICE_WORDS
        and _SCRIPT_NOTICE.search(text) is not None
    )


#: what a wall says instead of the page: a login, paywall or cookie-consent wall served to a
#: crawler; a page whose whole text is this short and says so has no main text
_WALL = re.compile(
    r"(?:sign|log)\s?in\s+to\s+(?:continue|view|read|see|access)|create\s+(?:a\s+free\s+|an\s+)"
    r"account\s+to\s+(?:continue|read|view)|subscribe\s+to\s+(?:continue|keep)\s+reading"
    r"|(?:accept|allow)\s+(?:all\s+)?cookies|cookie\s+(?:consent|preferences|settings)"
    r"|\buse\s+cookies|value\s+your\s+privacy"
    r"|verify\s+(?:that\s+)?you\s+are\s+(?:a\s+)?human|are\s+you\s+a\s+robot",
    re.IGNORECASE,
)
#: a whole text this short can be a wall and nothing else
WALL_WORDS = 60


def why_empty(text: str) -> str | None:
    """Why a page's text is no main text, or None when it is one: ``script_shell`` (only a
    "needs JavaScript" notice), ``wall`` (only a login, paywall, robot-check or cookie-consent
    wall), ``no_text`` (nothing at all)."""
    if not text.strip():
        return "no_text"
    if is_script_notice(text):
        return "script_shell"
    if len(text) <= 25 * WALL_WORDS and len(_WORD.findall(text)) <= WALL_WORDS:
        if _WALL.search(text):
            return "wall"
    return None


@dataclass(slots=True)
class Extraction:
    text: str
    extractor: str
    title: str | None = None
    date: str | None = None
    language: str | None = None
    json_ld_types: tuple[str, ...] = ()
    blocks_total: int = 0
    #: blocks the model added to the base extractor's text
    blocks_added: int = 0
    #: why ``text`` is empty (:func:`why_empty`), None when the page has main text
    empty_because: str | None = None


#: resiliparse separates the cells of a table row by two tabs (four across an empty cell);
#: in an added block they are written as trafilatura writes a data row's, `` | ``
_CELL_GAP = re.compile(r"[ \t]*\t\t[ \t]*")


def _parse(html: str) -> Any:
    """The page's tree, without ``alt`` texts: resiliparse's text pass either prints every
    image's alt text as a line or, asked not to, skips whole ``<figure>`` elements (their
    quotes, captions and product cards with them; resiliparse 2.0.1). Dropping the attributes
    and asking for alt texts keeps the figures and prints no alt text."""
    from resiliparse.parse.html import HTMLTree

    tree = HTMLTree.parse(html)
    if tree.document is not None:
        found = tree.document.query_selector_all("[alt]")
        for element in found[0 : len(found)]:
            element.delattr("alt")
    return tree


def _merge(
    base: str, lines: list[str], norms: list[str], add: list[bool], items: list[bool] | None = None
) -> str:
    """``base`` with the added blocks, each placed after the base paragraph that holds the
    last block before it (so a listing's items stay where the page has them)."""
    from tamis.extract.blocks import norm

    paragraphs = [p for p in base.split("\n\n") if p.strip()]
    para_norms = [norm(p) for p in paragraphs]
    base_norm = " ".join(para_norms)
    after: dict[int, list[str]] = {}
    anchor = -1
    in_list = False  # the block added just before was a list item, right before this one
    for i, (line, n, added) in enumerate(zip(lines, norms, add, strict=True)):
        if added:
            shown = _CELL_GAP.sub(" | ", line.strip())
            group = after.setdefault(anchor, [])
            if items and items[i]:
                if in_list:  # the items of one list stay on consecutive lines
                    group[-1] += "\n- " + shown
                else:
                    group.append("- " + shown)
                in_list = True
            else:
                group.append(shown)
                in_list = False
            continue
        in_list = False
        if n.count(" ") > 4 and n in base_norm:
            for j in range(max(anchor, 0), len(paragraphs)):
                if n in para_norms[j]:
                    anchor = j
                    break
    out = after.get(-1, [])
    for j, paragraph in enumerate(paragraphs):
        out.append(paragraph)
        out.extend(after.get(j, []))
    return tidy("\n\n".join(out))


def block_signals(tree: Any, info: Any, resi: str, traf: str | None) -> Any:
    """The page's blocks and their signals (shared with the training code, so that the model
    is fitted on exactly what it sees at run time). Marks ``tree`` in place."""
    from tamis.extract.blocks import page_blocks

    return page_blocks(
        tree,
        resi_main=resi,
        traf=traf,
        json_ld_body=info.json_ld_body,
        json_ld_types=info.json_ld_types,
        og_type=info.og_type,
        title=info.title,
        description=info.description,
    )


#: when the base text already holds this share of the page's words, the block stage is skipped.
#: Measured on WCXB dev split by page, before the folds by site (in git history of
#: bench/results/extract.md): pages skipped / overall F1 at 0.5
#: 53% / 0.8626, 0.6 45% / 0.8645, 0.65 41% / 0.8649, 0.8 25% / 0.8654, never 0.8659; the
#: stage is about a third of a page's time where it runs
COVERS_PAGE_SHARE = 0.65


#: trafilatura's mode under ``auto``: its fast precision mode. It costs a sixth less than the
#: balanced mode (no baseline rescue or recall retry, which re-extract exactly the pages where
#: the block stage adds what was missed), and with the blocks added it scores as well on
#: the held-out half of the earlier split by page (WCXB dev half B 0.853 vs 0.854; not yet
#: re-measured on the folds by site)
BASE_MODE = "precision"

#: readers' comments below an article are not its text: ``auto`` leaves out what trafilatura
#: finds as comments unless asked to keep them (``extract(..., comments=True)``)
BASE_COMMENTS = False


def _covers_page(base: str, tree: Any) -> bool:
    from tamis.extract.backends import resiliparse_raw

    page_words = len(_WORD.findall(resiliparse_raw(tree, main_content=False)))
    return len(_WORD.findall(base)) >= COVERS_PAGE_SHARE * max(page_words, 1)


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = text.split()
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


#: a block whose word 3-grams are at least this much in the text already kept says it again
REPEAT_SHARE = 0.8


def chosen_blocks(
    texts: Sequence[str],
    candidates: Sequence[int],
    probability: Any,
    threshold: float,
    base_norm: str | None = None,
) -> list[int]:
    """The candidate blocks to add to ``base``: those the model gives ``threshold`` or more,
    except what the text already says: a text the page repeats (a menu twice, desktop and
    mobile copies of a section) goes in once, and a block whose word 3-grams are mostly
    (:data:`REPEAT_SHARE`) in the base or in blocks added before it is left out (only with
    ``base_norm``, the base as :func:`~tamis.extract.blocks.norm` writes it, the ``texts`` then
    written so too; ``fast``, which has no base, cannot afford the 3-grams of every kept line, 2.1x
    resiliparse's time against 1.75x, and scores the same without them). The repeats cost
    ``auto`` WCXB dev 0.003 on unseen half B and 0.002 the other way round, and ``fast`` 0.004
    on B; the near-repeats ``auto`` another 0.001 both ways."""
    seen: set[str] = set()
    said: set[tuple[str, ...]] | None = None  # the base's 3-grams, read once a block is probable
    chosen = []
    for i, p in zip(candidates, probability, strict=True):
        if p < threshold or texts[i] in seen:
            continue
        if base_norm is not None:
            if said is None:
                said = _trigrams(base_norm)
            grams = _trigrams(texts[i])
            if len(grams) >= 2 and len(grams & said) >= REPEAT_SHARE * len(grams):
                continue
            said |= grams
        seen.add(texts[i])
        chosen.append(int(i))
    return chosen


def _select(
    tree: Any, info: Any, model_name: str, html: str, comments: bool = BASE_COMMENTS
) -> tuple[str, int, int]:
    """The base extractor's text plus the blocks it missed that the model says are content.

    Letting the model only add was measured to beat letting it choose every block: the base
    heuristics are precise on the content they find, and what they lose is whole regions
    (further sections, list items, posts), which is what the blocks give back.
    """
    from tamis.extract.model import load_model

    model = load_model(model_name)
    traf = (
        trafilatura_text(html, mode=BASE_MODE, fast=True, comments=comments)
        if model.uses_trafilatura
        else None
    )
    if traf and _covers_page(traf, tree):
        return traf, 0, 0
    resi = resiliparse_text(tree)
    blocks = block_signals(tree, info, resi, traf)
    text, added = add_missed_blocks(traf, resi, blocks, model)
    return text, len(blocks.lines), added


def add_missed_blocks(
    traf: str | None, resi: str, blocks: Any, model: Any, gate: ChromeGate | None = CHROME_GATE
) -> tuple[str, int]:
    """``traf`` (or ``resi`` for a model without trafilatura) with the blocks it lacks that
    ``model`` keeps and ``gate`` does not hold back as interface text, and how many were
    added; resiliparse's text when nothing is left. One function for the stage and the
    benchmark's folds, so that what is scored is what runs."""
    from tamis.extract.blocks import FEATURES, norm

    base = traf if traf is not None else resi
    base_norm = norm(base)
    # only blocks the base lacks can be added, so only they are scored
    candidates = [i for i, n in enumerate(blocks.norms) if n not in base_norm]
    if gate is not None and candidates:
        links = blocks.features[:, FEATURES.index("link_per_word")]
        candidates = [i for i in candidates if not gate.blocks(blocks.norms[i], links[i])]
    add = [False] * len(blocks.norms)
    if candidates:
        probability = model.keep_probability(
            blocks.features[candidates], [blocks.norms[i] for i in candidates]
        )
        for i in chosen_blocks(blocks.norms, candidates, probability, model.threshold, base_norm):
            add[i] = True
    text = _merge(base, blocks.lines, blocks.norms, add, blocks.item_starts) if any(add) else base
    if not text and model.uses_trafilatura:
        text = resi
    return text, sum(add)


#: the publisher's structured text (JSON-LD ``articleBody``, ``Product.description``) replaces
#: the extracted text when it has at least this many words and the extracted text fewer than
#: :data:`STRUCTURED_SHARE` of them: a page whose body the DOM does not hold (rendered by script,
#: behind a "read more") still has its text (chosen on unseen-site folds, bench/results/extract.md)
STRUCTURED_MIN_WORDS = 50
STRUCTURED_SHARE = 0.5
_TAG = re.compile(r"<[^>]{0,500}>")


def structured_text(text: str, info: Any) -> str:
    """``text``, or the page's structured body where the DOM text is missing or much shorter."""
    from html import unescape

    words = len(_WORD.findall(text))
    for body in (info.json_ld_body, info.product_description):
        if not body:
            continue
        if "<" in body:  # some publishers put the body's HTML in the JSON-LD string
            body = _TAG.sub("\n", body)
        body = tidy(unescape(body))
        body_words = len(_WORD.findall(body))
        if body_words >= STRUCTURED_MIN_WORDS and words < STRUCTURED_SHARE * body_words:
            return body
    return text


def says_article(info: Any) -> bool:
    """Whether the page's markup says it is an article (JSON-LD ``NewsArticle``/``BlogPosting``
    or Open Graph ``article``): ``auto`` then takes trafilatura's default mode, which is built
    for articles, instead of adding blocks to its precision mode (unseen-site folds and AEB,
    bench/results/extract.md)."""
    return info.og_type == "article" or not NEWS_TYPES.isdisjoint(info.json_ld_types)


def takes_default_mode(info: Any) -> bool:
    """Whether ``auto`` takes trafilatura's default mode for the page: the page says it is an
    article and does not also say it lists other pages (JSON-LD ``ItemList``,
    ``CollectionPage``, ``SearchResultsPage``: a template's ``og:type=article`` on a category
    page), or its markup is a documentation generator's (:attr:`PageInfo.documentation
    <tamis.extract.metadata.PageInfo.documentation>`), whose pages are one long document with
    code that the precision mode cuts short. Chosen on the unseen-site folds (markup rules with
    no fitted parameter, but chosen after seeing the folds; bench/results/extract.md)."""
    if info.documentation:
        return True
    return says_article(info) and LIST_TYPES.isdisjoint(info.json_ld_types)


def without_headline(text: str, title: str | None) -> str:
    """``text`` without its first block when that block is the page's title: trafilatura's
    default mode keeps an article's ``<h1>``, which is metadata (``title``), not body (WCXB's
    and AEB's references never start with it)."""
    if not title:
        return text
    from tamis.extract.blocks import norm

    first, _, rest = text.partition("\n\n")
    if first.count(" ") >= 2 and "\n" not in first and norm(first) in norm(title):
        return rest
    return text


def extract(html: str, extractor: str = "auto", *, comments: bool = BASE_COMMENTS) -> Extraction:
    """The main text of a page and its metadata; ``text`` is empty when the page has none.
    ``comments`` keeps the readers' comments trafilatura finds (``auto`` and trafilatura's
    modes; the peers' own default keeps them)."""
    from tamis.extract.metadata import read_page_info

    if extractor not in EXTRACTORS:
        raise ValueError(f"unknown extractor {extractor!r}; allowed: {', '.join(EXTRACTORS)}")
    tree = _parse(html)
    info = read_page_info(html, tree, documentation=extractor == "auto")
    total = kept = 0
    if extractor == "fast":
        from tamis.extract.fast import extract_fast

        text, total, kept = extract_fast(tree, info.json_ld_body)
    elif extractor == "auto":
        text = ""
        if takes_default_mode(info):
            text = without_headline(trafilatura_text(html, comments=comments), info.title)
        if not text:
            text, total, kept = _select(tree, info, extractor, html, comments)
        text = structured_text(text, info)
    elif extractor == "resiliparse":
        text = resiliparse_text(tree)
    else:
        mode = extractor.partition("_")[2] or "default"
        text = trafilatura_text(html, mode=mode, comments=comments)
    empty_because = why_empty(text)
    if empty_because == "no_text":
        # an extractor that reads no <noscript> or drops short pages still says why: the whole
        # page's text (only read for pages without text, a few in a hundred)
        from tamis.extract.backends import resiliparse_raw

        empty_because = why_empty(resiliparse_raw(tree, main_content=False)) or "no_text"
    if empty_because:
        text = ""
    return Extraction(
        text=text,
        extractor=extractor,
        title=info.title,
        date=info.date,
        language=info.language,
        json_ld_types=tuple(dict.fromkeys(info.json_ld_types)),
        blocks_total=total,
        blocks_added=kept,
        empty_because=empty_because,
    )
