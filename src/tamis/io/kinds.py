"""Value kinds: the type of a field, inferred from records, merged across records, made concrete.

A *kind* is a small JSON-able description of the values a field held:

* ``"null"``, ``"bool"``, ``"int"``, ``"float"``, ``"string"``;
* ``"number"``: ints and floats both seen (written as float);
* values JSON has no type for are taken as JSON holds them (:func:`jsonable`);
* ``"conflict"``: values of kinds that do not merge (a number here, a string there), written
  as text so that every record has one type;
* ``["list", KIND]``;
* ``["struct", {NAME: KIND}, PARTIAL]``, PARTIAL true when some object lacked some field.

Inference and merging are cheap and order-independent (merge is commutative and associative),
so a run's kinds do not depend on how records were split among workers. :func:`finalise` turns
a merged kind into the one type every record is written with; :func:`conforms` says whether
values of one kind are already written as a final kind (then a shard need not be rewritten);
:func:`convert` rewrites a value to its final kind.
"""

from __future__ import annotations

import typing
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

import orjson

#: Nesting deeper than this, or objects with more fields, are written as JSON text.
MAX_DEPTH = 4
MAX_STRUCT_FIELDS = 256

Kind = Any  # str | list

_NUMBERS = ("int", "float", "number")
_SCALAR = {bool: "bool", int: "int", float: "float", str: "string", type(None): "null"}


_NATIVE = frozenset((*_SCALAR, list, dict))
_SCALAR_TYPES = frozenset(_SCALAR)


def jsonable(value: Any) -> Any:
    """A value as its JSON text holds it: bytes as ``{"$base64": ...}``, a timestamp or a
    decimal as text, a tuple as a list (what every output format then holds alike)."""
    if type(value) in _NATIVE:
        return value
    from tamis.io.output import json_default

    return orjson.loads(orjson.dumps(value, default=json_default))


def infer(value: Any, depth: int = 0) -> Kind:
    """The kind of one value (as JSON holds it: :func:`jsonable`)."""
    t = type(value)
    scalar = _SCALAR.get(t)
    if scalar is not None:
        return scalar
    if t not in _NATIVE:
        return infer(jsonable(value), depth)
    if depth >= MAX_DEPTH:
        return "conflict"
    if t is list:
        elem: Kind = "null"
        for item in value:
            elem = merge(elem, infer(item, depth + 1))
        return ["list", elem]
    if t is dict:
        if len(value) > MAX_STRUCT_FIELDS:
            return "conflict"
        return ["struct", {str(k): infer(v, depth + 1) for k, v in value.items()}, False]
    return "conflict"  # not reached: jsonable gives JSON's types


def merge(a: Kind, b: Kind) -> Kind:
    """The kind of a field that held values of kind ``a`` and of kind ``b``."""
    if a == b and type(a) is str:
        return a
    if a == "null":
        return b
    if b == "null":
        return a
    if type(a) is str or type(b) is str:
        if a in _NUMBERS and b in _NUMBERS:
            return "number"
        return "conflict"
    if a[0] != b[0]:
        return "conflict"
    if a[0] == "list":
        return ["list", merge(a[1], b[1])]
    fa, fb = a[1], b[1]
    if len(fa.keys() | fb.keys()) > MAX_STRUCT_FIELDS:
        return "conflict"
    fields = {}
    for name in sorted(fa.keys() | fb.keys()):
        fields[name] = merge(fa.get(name, "null"), fb.get(name, "null"))
    return ["struct", fields, a[2] or b[2] or fa.keys() != fb.keys()]


def finalise(kind: Kind) -> Kind:
    """The type every record is written with: numbers float, conflicts and unknowns text,
    all-null fields text, empty objects text (Parquet has no struct without fields)."""
    if type(kind) is str:
        return {"number": "float", "null": "string"}.get(
            kind, "string" if kind == "conflict" else kind
        )
    if kind[0] == "list":
        return ["list", finalise(kind[1])]
    if not kind[1]:
        return "string"
    return ["struct", {k: finalise(v) for k, v in sorted(kind[1].items())}, False]


def settles_as(sampled: Kind, seen: Kind) -> bool:
    """Whether values of kind ``seen``, merged with a sample's kind, are written in the types
    the sample alone gives (a provisional schema stays the run's)."""
    return finalise(merge(sampled, seen)) == finalise(sampled)


def conflicts(kind: Kind, path: str = "") -> list[str]:
    """Dotted paths of the fields whose values disagreed in type (written as text)."""
    if type(kind) is str:
        return [path] if kind == "conflict" else []
    if kind[0] == "list":
        return conflicts(kind[1], path + "[]")
    out = []
    for name, sub in sorted(kind[1].items()):
        out += conflicts(sub, f"{path}.{name}" if path else name)
    return out


def conforms(seen: Kind, final: Kind) -> bool:
    """Whether values of kind ``seen`` are written unchanged as type ``final``."""
    if seen == "null":
        return True
    if type(seen) is str or type(final) is str:
        return seen == final and seen not in ("conflict", "number")
    if seen[0] != final[0]:
        return False
    if seen[0] == "list":
        return conforms(seen[1], final[1])
    if seen[2] or seen[1].keys() != final[1].keys():
        return False
    return all(conforms(seen[1][k], final[1][k]) for k in final[1])


def json_text(value: Any) -> str:
    from tamis.io.output import json_default

    return orjson.dumps(value, default=json_default).decode()


def convert(value: Any, final: Kind) -> Any:
    """``value`` written as type ``final`` (a finalised kind)."""
    if value is None:
        return None
    if type(value) not in _NATIVE:
        value = jsonable(value)
    if type(final) is str:
        if final == "string":
            return value if type(value) is str else json_text(value)
        if final == "float":
            return float(value) if type(value) in (int, float) else None
        return value
    if final[0] == "list":
        if type(value) is not list:
            return None
        return [convert(v, final[1]) for v in value]
    if type(value) is not dict:
        return None
    return {k: convert(value.get(k), sub) for k, sub in final[1].items()}


# ------------------------------------------------------------------------- declarations


def declared(spec: Any) -> Kind:
    """A finalised kind from a stage's declaration: ``int``, ``float``, ``str``, ``bool``,
    ``list[X]``, a ``{name: spec}`` dict (a struct), or :data:`JSON` (written as JSON text)."""
    if spec is JSON:
        return "string"
    simple = {int: "int", float: "float", str: "string", bool: "bool"}.get(spec)
    if simple is not None:
        return simple
    if isinstance(spec, dict):
        return ["struct", {k: declared(v) for k, v in spec.items()}, False]
    if typing.get_origin(spec) is list:
        (arg,) = typing.get_args(spec)
        return ["list", declared(arg)]
    raise TypeError(
        f"cannot declare a signal of type {spec!r}; use int, float, str, bool, list[...]"
    )


class _Json:
    """Marker: a signal whose values have no single type, written as JSON text."""

    def __repr__(self) -> str:
        return "JSON"


JSON = _Json()


# ---------------------------------------------------------------------------- writers' types


def arrow_type(final: Kind) -> Any:
    import pyarrow as pa

    if type(final) is str:
        return {
            "bool": pa.bool_(),
            "int": pa.int64(),
            "float": pa.float64(),
            "string": pa.string(),
        }[final]
    if final[0] == "list":
        return pa.list_(arrow_type(final[1]))
    return pa.struct([pa.field(k, arrow_type(v)) for k, v in final[1].items()])


def duckdb_type(final: Kind) -> str:
    if type(final) is str:
        return {"bool": "BOOLEAN", "int": "BIGINT", "float": "DOUBLE", "string": "VARCHAR"}[final]
    if final[0] == "list":
        return duckdb_type(final[1]) + "[]"
    return "STRUCT(" + ", ".join(f'"{k}" {duckdb_type(v)}' for k, v in final[1].items()) + ")"


def hf_feature(final: Kind) -> Any:
    """The Hugging Face ``datasets`` feature of a final kind, as the dataset card spells it."""
    if type(final) is str:
        return {"bool": "bool", "int": "int64", "float": "float64", "string": "string"}[final]
    if final[0] == "list":
        inner = hf_feature(final[1])
        return {"list": inner}
    return [_hf_field(k, v) for k, v in final[1].items()]


def _hf_field(name: str, final: Kind) -> dict[str, Any]:
    feature = hf_feature(final)
    if isinstance(feature, str):
        return {"name": name, "dtype": feature}
    if isinstance(feature, list):
        return {"name": name, "struct": feature}
    return {"name": name, **feature}


def hf_fields(final: Kind) -> list[dict[str, Any]]:
    """The card's ``features`` list of a struct kind (a record's top level)."""
    return [_hf_field(k, v) for k, v in final[1].items()]


def describe(final: Kind) -> str:
    """A one-line spelling of a final kind, for ``tamis schema`` and the docs."""
    if type(final) is str:
        return final
    if final[0] == "list":
        return f"list<{describe(final[1])}>"
    return "struct<" + ", ".join(f"{k}: {describe(v)}" for k, v in final[1].items()) + ">"


#: shapes of objects with nested values a profiler remembers as merged, at most
NESTED_SHAPES = 4096

_NONE = type(None)
_LIST = {list}
#: the order a column's types are paired in (any order merges alike: this one is fixed)
_TYPE_ORDER = {t: _SCALAR.get(t, "list") for t in (*_SCALAR, list)}


def _element_types(lists: list[list[Any]]) -> set[type]:
    """The types of the elements of ``lists``, by C-level maps."""
    return set(map(type, chain.from_iterable(lists)))


def _column_kind(types: list[type], elements: frozenset | None) -> Kind:
    """The merged kind of a column's values of these types, a list's elements of the types
    ``elements`` (all scalars): what merging the kind of every value gives."""
    out: Kind = "null"
    for t in types:
        if t is list:
            inner: Kind = "null"
            for e in sorted(elements or (), key=_TYPE_ORDER.__getitem__):
                inner = merge(inner, _SCALAR[e])
            out = merge(out, ["list", inner])
        else:
            out = merge(out, _SCALAR[t])
    return out


def _list_values(keys: tuple, types: tuple) -> tuple[Any, bool] | None:
    """For objects of these keys and value types: what takes their list values, and whether
    there is one (itemgetter gives it alone, not in a tuple); None when some nested value is
    not a list."""
    if not all(t is list or t in _SCALAR_TYPES for t in types):
        return None
    listed = [k for k, t in zip(keys, types, strict=True) if t is list]
    return itemgetter(*listed), len(listed) == 1


class Profiler:
    """The merged kind of many objects (a shard's ``meta`` or ``source``), cheaply.

    Records of one input mostly share one shape (the same keys with values of the same Python
    types), so a batch is reduced to its few shapes by C-level maps, a column at a time; lists
    of scalars (a document's tags, places, authors) are taken a column at a time too, and only
    records with other nested values (objects, lists of lists) are inferred one by one.
    """

    __slots__ = ("shapes", "deep", "last", "nested", "lists", "inferred")

    def __init__(self) -> None:
        self.shapes: set[tuple] = set()  # (keys, value types) of the objects seen
        self.deep: Kind = "null"
        # (keys, written keys) -> the one shape of the last batch of those keys whose records
        # all had one shape (already in ``shapes``), and per column of lists the element
        # types already merged into ``deep``
        self.last: dict[tuple, tuple[list[type], tuple]] = {}
        # the shapes of objects with lists of scalars already merged into ``deep`` (bounded),
        # and (keys, value types) -> how to take such an object's lists (bounded)
        self.nested: set[tuple] = set()
        self.lists: dict[tuple, Any] = {}
        # whether some object held a value other than JSON scalars and lists of them (an
        # object, a timestamp, bytes), whose kind was inferred value by value
        self.inferred = False

    def add_many(
        self,
        objects: list[dict[str, Any]],
        names: tuple | None = None,
        into: tuple | None = None,
    ) -> None:
        """Add ``objects``; ``names``: the key order they all share, when the caller knows it;
        ``into``: the keys they are written with instead (``names`` all among them, in their
        order, the others null: an object filled to a run's fields), so that the filled copies
        are profiled from the objects themselves, without reading their nulls."""
        # this runs for every record: a batch whose objects all have one key order (most) is
        # read a column at a time, each column's types by C-level maps; other batches record
        # by record, by C-level maps too
        if names is not None and self._add_columns(names, objects, into):
            return
        if into is not None:  # the filled objects, as written
            fill = dict.fromkeys(into)
            objects = [{**fill, **o} for o in objects]
        keys = list(map(tuple, objects))
        if keys and keys.count(keys[0]) == len(keys) and self._add_columns(keys[0], objects):
            return
        types = list(map(tuple, map(map, repeat(type), map(dict.values, objects))))
        batch = set(zip(keys, types, strict=True))
        self.shapes |= batch
        if any(not _SCALAR_TYPES.issuperset(t) for _, t in batch):  # nested values: inferred
            for obj, k, t in zip(objects, keys, types, strict=True):
                if not _SCALAR_TYPES.issuperset(t):
                    self._add_nested(obj, k, t)

    def _add_nested(self, obj: dict[str, Any], keys: tuple, types: tuple) -> None:
        """Merge the kind of an object with nested values into ``deep``, once a shape.

        An object whose nested values are all lists of scalars (a document's tags, places,
        authors) has the kind its keys, value types and each list's element types give; merging
        a kind again changes nothing (merge is idempotent, commutative and associative), so an
        object of a shape already merged is skipped, without inferring it. Shapes are kept up
        to :data:`NESTED_SHAPES`; any other object is inferred and merged."""
        shape: tuple | None = None
        of = (keys, types)
        take = self.lists.get(of, self)  # self: not known yet
        if take is self:
            take = _list_values(keys, types)
            if len(self.lists) < NESTED_SHAPES:
                self.lists[of] = take
        if take is not None:
            getter, alone = take
            lists = (getter(obj),) if alone else getter(obj)
            elements = tuple(map(frozenset, map(map, repeat(type), lists)))
            if _SCALAR_TYPES.issuperset(chain.from_iterable(elements)):
                shape = (of, elements)
                if shape in self.nested:
                    return
        if shape is None:
            self.inferred = True
        self.deep = merge(self.deep, infer(obj))
        if shape is not None and len(self.nested) < NESTED_SHAPES:
            self.nested.add(shape)

    def _add_columns(
        self, names: tuple, objects: list[dict[str, Any]], into: tuple | None = None
    ) -> bool:
        """The shapes of objects that share the key order ``names`` (written as ``into``, when
        given), found a column at a time; False, adding nothing, when a column holds a nested
        value other than a list of scalars (those are inferred one by one), or when ``names``
        are not all among ``into``. :func:`merge` is commutative and associative and works
        field by field, so shapes that pair each column's types in any way merge to the kind of
        the objects themselves; a column of lists adds the list of all its elements' kinds to
        ``deep``, the merge of its records' list kinds.

        The types of all values are taken in one C-level pass, in record order; a batch whose
        records all have the shape of the last batch of these keys (most do), and whose lists
        hold no element type not seen before, is then one list comparison, without splitting
        it into columns."""
        width = len(names)
        key = (names, into)
        last = self.last.get(key)
        values: list[Any] | None = None  # taken only when some column holds lists
        if last is not None and not last[1]:  # no lists last time: the types alone
            types = list(map(type, chain.from_iterable(map(dict.values, objects))))
            if types == last[0] * len(objects):
                return True
        else:
            values = list(chain.from_iterable(map(dict.values, objects)))
            types = list(map(type, values))
            if last is not None and types == last[0] * len(objects):
                if all(seen.issuperset(_element_types(values[j::width])) for j, seen in last[1]):
                    return True
        columns: list[list[type]] = []
        listed: list[tuple[int, frozenset]] = []  # columns of lists: their element types
        for j in range(width):
            found = set(types[j::width])
            if list in found:
                if values is None:
                    values = list(chain.from_iterable(map(dict.values, objects)))
                col = values[j::width]
                if found != _LIST:  # lists and scalars: the lists' elements
                    col = [v for v in col if type(v) is list]
                elements = _element_types(col)
                if not _SCALAR_TYPES.issuperset(elements):
                    return False
                listed.append((j, frozenset(elements)))
                found.discard(list)
                if not _SCALAR_TYPES.issuperset(found):
                    return False
                found.add(list)
            elif not _SCALAR_TYPES.issuperset(found):
                return False
            columns.append(sorted(found, key=_TYPE_ORDER.__getitem__))
        target, at = names, None
        if into is not None:
            at = {name: j for j, name in enumerate(names)}
            if not at.keys() <= set(into):
                return False
            target = into
        # per field written, the column it comes from (None: absent, written null)
        source = range(width) if at is None else [at.get(name) for name in into]
        written = [[_NONE] if j is None else columns[j] for j in source]
        if listed:
            if len(target) > MAX_STRUCT_FIELDS:  # inferred whole, as a conflict
                return False
            elements = dict(listed)
            fields = {
                name: "null" if j is None else _column_kind(columns[j], elements.get(j))
                for name, j in zip(target, source, strict=True)
            }
            self.deep = merge(self.deep, ["struct", fields, False])
        widest = max(map(len, written), default=1)
        for j in range(widest):
            self.shapes.add((target, tuple(c[min(j, len(c) - 1)] for c in written)))
        if widest == 1 and width:  # one shape: the next batch of it is one comparison
            if last is not None and [c[0] for c in columns] == last[0]:
                before = dict(last[1])
                listed = [(j, seen | before.get(j, frozenset())) for j, seen in listed]
            self.last[key] = ([c[0] for c in columns], tuple(listed))
        return True

    def kind(self) -> Kind:
        """The merged kind of everything added (``null`` when nothing was)."""
        out: Kind = self.deep
        for names, types in sorted(
            self.shapes, key=lambda key: (key[0], [t.__name__ for t in key[1]])
        ):
            # a nested value's kind is in ``deep``; the shape says which fields were there
            shape: Kind = [
                "struct",
                {n: _SCALAR.get(t, "null") for n, t in zip(names, types, strict=True)},
                False,
            ]
            out = merge(out, shape)
        return out
