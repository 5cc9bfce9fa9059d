"""Block signals and the block model: the DOM context each block sits in (read through markers
put into the tree), the page's own private-use characters left alone, and the tree model
evaluated with numpy exactly as the library that fitted it."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.extract.blocks import FEATURES, page_blocks
from tamis.extract.core import _parse
from tamis.extract.model import BlockModel
from tests.helpers import require

PAGE = """<html><head><title>Walking the coast path</title></head><body>
<nav class="top"><a href="/">Home</a> <a href="/walks">Walks</a></nav>
<article class="entry-content"><h2>Walking the coast path</h2>
<p>The path follows the cliffs for eleven miles and drops to three coves on the way.</p>
<ul><li>Start at the harbour car park.</li><li>Finish at the lighthouse.</li></ul></article>
<div id="comments"><div class="reply"><p>We did this walk last May and loved every mile.</p></div></div>
<div class="sidebar-widget"><p>Related walks in the county you may also enjoy.</p></div>
<footer><p>Copyright 2024 the walking club.</p></footer>
</body></html>"""


def blocks_of(html: str, traf: str | None = "") -> tuple[list[str], np.ndarray]:
    tree = _parse(html)
    b = page_blocks(
        tree,
        resi_main="",
        traf=traf,
        json_ld_body=None,
        json_ld_types=[],
        og_type=None,
        title="Walking the coast path",
    )
    return b.lines, b.features


def column(features: np.ndarray, name: str) -> np.ndarray:
    return features[:, FEATURES.index(name)]


def row_of(lines: list[str], start: str) -> int:
    return next(i for i, line in enumerate(lines) if line.strip().startswith(start))


def test_each_block_knows_the_context_groups_of_its_ancestors():
    lines, x = blocks_of(PAGE)
    comment = row_of(lines, "We did this walk")
    related = row_of(lines, "Related walks")
    body = row_of(lines, "The path follows")
    item = row_of(lines, "Start at the harbour")
    footer = row_of(lines, "Copyright")
    home = row_of(lines, "Home")
    assert column(x, "in_main")[body] == 1 and column(x, "in_main")[item] == 1
    assert column(x, "in_main")[comment] == 0 and column(x, "in_main")[related] == 0
    assert column(x, "tag_list")[item] == 1 and column(x, "tag_list")[body] == 0
    assert column(x, "tag_paragraph")[body] == 1 and column(x, "tag_heading")[body] == 0
    assert column(x, "in_boiler")[footer] == 1 and column(x, "in_boiler")[home] == 1
    assert column(x, "in_boiler")[body] == 0
    heading = row_of(lines, "Walking the coast")
    assert column(x, "tag_heading")[heading] == 1 and column(x, "title_share")[heading] == 1.0


def test_markers_never_reach_the_block_text():
    lines, _ = blocks_of(PAGE)
    assert lines and all(not any(0xF0000 <= ord(c) <= 0xF00FF for c in line) for line in lines)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(
                ["a", "b", " ", "\ue001", "\ue0a0", "\U000f0001", "\U000f0085"]
            ),
            min_size=1,
            max_size=12,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_the_pages_own_private_use_characters_break_nothing(texts):
    """Icon fonts put private-use characters in pages; the markers must not be confused by
    them: every block stays readable and the context columns stay flags."""
    body = "".join(f"<article><p>{t} word</p></article>" for t in texts)
    lines, x = blocks_of(f"<html><body>{body}</body></html>")
    assert len(lines) == len(x)
    for name in ("in_main", "tag_paragraph"):
        assert set(np.unique(column(x, name))) <= {0.0, 1.0}
    for t in texts:
        kept = "".join(c for c in t if not 0xF0000 <= ord(c) <= 0xF00FF)
        if kept.strip() and "\ue001" in kept:
            assert any("\ue001" in line for line in lines)


def tree_params(trees: list[dict], baseline: float = 0.0) -> dict:
    return {
        "features": list(FEATURES),
        "uses_trafilatura": True,
        "threshold": 0.5,
        "kind": "trees",
        "trees": trees,
        "depth": 2,
        "baseline": baseline,
    }


def test_tree_model_walks_each_tree_to_its_leaf():
    # tree 1: feature 0 <= 1.0 ? (feature 1 <= 0.5 ? -1 : 2) : 3 ; tree 2: a single leaf 0.5
    one = {
        "feature": [0, 1, 0, 0, 0],
        "threshold": [1.0, 0.5, 0, 0, 0],
        "left": [1, 3, 0, 0, 0],
        "right": [2, 4, 0, 0, 0],
        "leaf": [False, False, True, True, True],
        "value": [0, 0, 3.0, -1.0, 2.0],
    }
    two = {
        "feature": [0],
        "threshold": [0],
        "left": [0],
        "right": [0],
        "leaf": [True],
        "value": [0.5],
    }
    model = BlockModel(tree_params([one, two], baseline=0.25))
    x = np.zeros((4, len(FEATURES)), dtype=np.float32)
    x[:, 0] = [0.0, 0.0, 1.0, 5.0]
    x[:, 1] = [0.0, 0.9, 0.5, 0.0]
    raw = np.log(model.keep_probability(x) / (1 - model.keep_probability(x)))
    np.testing.assert_allclose(raw, [-0.25, 2.75, -0.25, 3.75], rtol=1e-5)


def test_tree_model_matches_the_library_that_fitted_it():
    ensemble = require("sklearn.ensemble")
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from bench_extract import _export_trees

    rng = np.random.default_rng(0)
    x = rng.random((400, len(FEATURES))).astype(np.float32)
    x[:, 5] = rng.integers(0, 2, 400)  # flags, whose split values equal feature values
    y = (x[:, 0] + x[:, 3] > 1) ^ (x[:, 5] > 0)
    clf = ensemble.HistGradientBoostingClassifier(max_iter=20, max_depth=4, random_state=0)
    clf.fit(x, y)
    params = tree_params([])
    params.update(_export_trees(clf))
    model = BlockModel(params)
    np.testing.assert_allclose(model.keep_probability(x), clf.predict_proba(x)[:, 1], atol=1e-6)


_TAGS = ["div", "li", "p", "nav", "td", "h2", "article", "span", "form", "footer", "pre"]


@st.composite
def nested_html(draw, depth: int = 0) -> str:
    """Nested elements, each holding a placeholder that ``_numbered`` turns into its own word."""
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        tag = draw(st.sampled_from(_TAGS))
        inner = draw(nested_html(depth + 1)) if depth < 3 and draw(st.booleans()) else ""
        parts.append(f"<{tag}>@ {inner}</{tag}>")
    return "".join(parts)


def _numbered(body: str) -> str:
    out, n = [], 0
    for piece in body.split("@"):
        out.append(piece)
        out.append(f"w{n} ")
        n += 1
    return "".join(out[:-1])


@settings(max_examples=80, deadline=None)
@given(nested_html())
def test_each_word_sits_in_a_block_that_knows_every_group_around_it(body):
    """A word's block carries every context group of the elements around the word, as the
    parsed tree has them (the parser moves or drops misnested tags, so the oracle reads the
    tree, not the generated markup)."""
    from tamis.extract import blocks

    html = f"<html><body>{_numbered(body)}</body></html>"
    tree = _parse(html)
    expected: dict[str, set[str]] = {}
    for selector, name in blocks._SELECTOR_GROUPS:
        for el in tree.document.query_selector_all(selector):
            for word in el.text.split():
                expected.setdefault(word, set()).add(name)
    lines, x = blocks_of(html)
    columns = {
        name: ("in_" + name if name in ("boiler", "main") else name)
        for _, name in blocks._SELECTOR_GROUPS
    }
    seen = set()
    for i, line in enumerate(lines):
        for word in line.split():
            seen.add(word)
            for name in expected.get(word, ()):
                assert column(x, columns[name])[i] == 1, (word, name, line)
    assert seen == set(re.findall(r"w\d+", html))  # no word lost or split
