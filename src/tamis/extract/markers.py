"""Marker text put into a parsed page so that ONE resiliparse text pass also says which
elements each line sits in.

resiliparse's text pass cannot report element boundaries, and walking the DOM from Python costs
far more than the pass. So the elements of a group (found by a CSS selector, evaluated by
lexbor) get a marker as their first and last text; the markers come out in the text around
the element's lines. Each marker node is a clone of one template: several times cheaper than
creating each text node, and the elements are read from the collection in one slice (indexing
a lexbor collection item by item costs time linear in its length).
"""

from __future__ import annotations

from typing import Any


def mark_elements(tree: Any, selector: str, opening: str, closing: str) -> int:
    """Put ``opening`` first and ``closing`` last inside every element ``selector`` matches
    (in place); the number of elements marked. A selector lexbor rejects marks nothing."""
    try:
        found = tree.document.query_selector_all(selector)
    except Exception:  # noqa: BLE001 - a selector lexbor rejects only loses a signal
        return 0
    elements = found[0 : len(found)]
    if not elements:
        return 0
    open_node = tree.create_text_node(opening)
    close_node = tree.create_text_node(closing)
    for element in elements:
        element.prepend(open_node.clone_node(False))
        element.append_child(close_node.clone_node(False))
    return len(elements)
