"""Kinds: inference, merging and conversion that give every record of a run one type a field."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from tamis.io import kinds
from tamis.io.kinds import Profiler, conforms, convert, finalise, infer, merge

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**62), 2**62),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=5),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3),
    ),
    max_leaves=8,
)
records = st.lists(st.dictionaries(st.sampled_from(["x", "y", "z"]), json_values), max_size=6)


def kind_of(values):
    out = "null"
    for v in values:
        out = merge(out, infer(v))
    return out


@given(json_values, json_values, json_values)
def test_merge_is_commutative_and_associative(a, b, c):
    ka, kb, kc = infer(a), infer(b), infer(c)
    assert merge(ka, kb) == merge(kb, ka)
    assert merge(merge(ka, kb), kc) == merge(ka, merge(kb, kc))


@given(records)
def test_converted_records_all_have_the_final_type(recs):
    """Whatever the records held, after conversion each value is of the one settled type, and
    every record has every field."""
    final = finalise(kind_of(recs))
    if type(final) is str:  # no record had any field
        return
    for rec in recs:
        out = convert(rec, final)
        assert set(out) == set(final[1])
        assert conforms(infer(out), final) or infer(out) == ["struct", {}, False]


@given(records)
def test_profiler_equals_merging_every_record(recs):
    p = Profiler()
    p.add_many(recs)
    assert p.kind() == kind_of(recs)


@given(st.lists(st.tuples(scalars, scalars, json_values), min_size=1, max_size=8), st.booleans())
def test_profiler_equals_merging_every_record_when_a_batch_shares_its_keys(rows, nested):
    """A batch whose records share one key order is profiled a column at a time: its kind is
    still that of merging every record, scalar columns of mixed types and nested ones alike."""
    recs = [{"a": a, "b": b, **({"c": c} if nested else {})} for a, b, c in rows]
    p = Profiler()
    p.add_many(recs)
    p.add_many(recs[:1])
    assert p.kind() == kind_of(recs)


@given(st.lists(st.dictionaries(st.sampled_from(["x", "y"]), scalars, min_size=2), min_size=1))
def test_conforming_values_are_written_unchanged(recs):
    """A shard whose records already have the settled types needs no rewrite: converting them
    changes nothing."""
    seen = kind_of(recs)
    final = finalise(seen)
    if conforms(seen, final):
        assert [convert(r, final) for r in recs] == recs


def test_disagreeing_types_become_text_and_are_named():
    seen = kind_of([{"label": 1, "rating": 7}, {"label": "pos", "rating": 9.5, "url": "u"}])
    assert seen[2] is True  # url missing in one record
    final = finalise(seen)
    assert final == ["struct", {"label": "string", "rating": "float", "url": "string"}, False]
    assert kinds.conflicts(seen) == ["label"]
    assert convert({"label": 1, "rating": 7}, final) == {"label": "1", "rating": 7.0, "url": None}


def test_empty_objects_and_all_null_fields_are_text():
    assert finalise(infer({})) == "string"
    assert finalise(kind_of([{"a": None}, {"a": None}])) == ["struct", {"a": "string"}, False]
    assert finalise(infer([[]])) == ["list", ["list", "string"]]


declared_kinds = st.sampled_from(
    ["int", "float", "string", "bool", ["list", "int"], ["struct", {"a": "float"}, False]]
)
signal_rows = st.lists(
    st.dictionaries(st.sampled_from(["p", "q", "r"]), json_values, max_size=3), max_size=8
)


@given(st.dictionaries(st.sampled_from(["p", "q", "r"]), declared_kinds, min_size=3), signal_rows)
def test_signals_written_as_each_value_converted_alone(decl, rows):
    from tamis.io.schema import signals_out

    declared = {"stage": decl}
    for row in rows:  # the same declarations each time: rows of known shapes take a shortcut
        got = signals_out({"stage": row}, declared)
        want = {"stage": {name: convert(row.get(name), k) for name, k in decl.items()}}
        assert got == want
        assert [type(v) for v in got["stage"].values()] == [type(v) for v in want["stage"].values()]


#: list values of a few shapes, so that records of one shape with other list elements meet
list_values = st.sampled_from([[], ["a"], [1], ["a", 1], [True, None], [1.5], [0, 2.5]])


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "title": st.sampled_from([None, "t"]),
                "places": list_values,
                "topics": st.one_of(
                    list_values,
                    st.sampled_from([[[1]], [{"a": 1}], {"a": 1}, {"a": "x"}]),  # not scalars
                ),
            }
        ),
        min_size=1,
        max_size=12,
    )
)
@example(  # one shape, other list elements: the second record adds a kind
    [
        {"title": None, "places": ["a"], "topics": []},
        {"title": None, "places": [1], "topics": [True, None]},
    ]
)
def test_objects_with_lists_are_profiled_as_merging_every_record(recs):
    """Objects whose nested values are lists of scalars are merged once a shape (keys, value
    types, each list's element types); the kind is still that of merging every record,
    whatever the lists hold and however the records are batched."""
    p = Profiler()
    p.add_many(recs)
    p.add_many(recs[::-1])
    for rec in recs[:3]:
        p.add_many([rec])
    assert p.kind() == kind_of(recs)


@given(
    st.lists(st.tuples(json_values, list_values, scalars), min_size=1, max_size=8),
    st.permutations(["a", "b", "c", "d", "e"]),
    st.integers(0, 3),
)
def test_objects_filled_to_more_fields_are_profiled_as_the_filled_records(rows, order, kept):
    """A batch whose objects share one key order, written filled to a run's fields (the others
    null, in the fields' order), is profiled from the objects themselves: its kind is that of
    merging every filled record, and so is that of a later batch of the same shape."""
    names = tuple(order[:kept])
    into = tuple(sorted(order[: kept + 2]))
    recs = [dict(zip(names, (a, b, c), strict=False)) for a, b, c in rows]
    filled = [{**dict.fromkeys(into), **r} for r in recs]
    p = Profiler()
    p.add_many(recs, names, into)
    p.add_many(recs[::-1], names, into)
    assert p.kind() == kind_of(filled)
    q = Profiler()
    q.add_many(filled, into)
    assert q.kind() == p.kind()


@given(st.lists(st.tuples(list_values, list_values), min_size=1, max_size=6), st.integers(1, 4))
def test_batches_of_one_shape_with_lists_count_every_element_type(rows, cut):
    """The shortcut for a batch of the last one-shape batch's shape still merges the element
    types its lists hold that no earlier list held."""
    recs = [{"places": a, "topics": b} for a, b in rows]
    p = Profiler()
    for start in range(0, len(recs), cut):
        p.add_many(recs[start : start + cut], ("places", "topics"))
    assert p.kind() == kind_of(recs)
