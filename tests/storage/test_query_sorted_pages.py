"""Pages sorted by a document path, on the database under test (SQLite or PostgreSQL).

A sort by a path walks the value index in order (storage/db/query.py), in two parts: the
records holding a value of the key's type, then those without. These tests hold the result to
an order computed here in Python from the documents — ties broken by the next key and then by
record, records without a value last in either direction, an array sorted by its smallest value
going up and its largest going down — and check that keyset pages and offset pages cut that
one order at the same places, including pages that straddle the two parts.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fairdepot.core.policy import ReadScope
from fairdepot.core.query import Cursor, Field, Page, Query, SortKey, ValueType, cmp
from tests.storage.test_query import Catalogue, record
from tests.support.query_oracle import typed, values_of

TOTAL = 60


def _document(i: int, rng: random.Random) -> dict[str, Any]:
    native: dict[str, Any] = {"i": i}
    shape = i % 6
    if shape in (1, 2, 3):  # few distinct values: many ties
        native["score"] = rng.choice([1, 2, 2.5, 3])
    elif shape == 4:  # an array: sorts by its smallest going up, its largest going down
        native["score"] = rng.sample([0, 1, 2, 3, 4], 2)
    elif shape == 5:  # text where a number is sorted on: no number, so last
        native["score"] = "high"
    if i % 4:
        native["label"] = rng.choice(["b", "a", "c"])
    if i % 3:
        native["when"] = (datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=i % 7)).isoformat()
    if i % 5:
        native["flag"] = bool(i % 2)
    native["public"] = i % 2 == 0
    return native


@pytest.fixture
def sixty(head_engine) -> tuple[Catalogue, dict[str, dict[str, Any]]]:
    catalogue = Catalogue(head_engine)
    rng = random.Random(11)
    documents = {f"ark:99999/fd1s{i:02d}": _document(i, rng) for i in range(TOTAL)}
    catalogue.add(
        *(
            record(ark, native, group="shared" if native["public"] else "other")
            for ark, native in documents.items()
        )
    )
    return catalogue, documents


def _expected(
    catalogue: Catalogue,
    documents: dict[str, dict[str, Any]],
    sort: tuple[SortKey, ...],
    only: set[str] | None = None,
) -> list[str]:
    """The order the query layer promises, computed from the documents alone."""

    def sort_value(native: dict[str, Any], key: SortKey) -> Any:
        found = [
            typed(v, key.type)
            for v in values_of(native, None)
            if v.path == key.field.dotted and typed(v, key.type) is not None
        ]
        if not found:
            return None
        return max(found) if key.descending else min(found)

    def order(ark: str) -> tuple[Any, ...]:
        parts: list[Any] = []
        for key in sort:
            value = sort_value(documents[ark], key)
            if value is None:
                parts.append((1, 0))
            elif isinstance(value, datetime):
                stamp = value.timestamp()
                parts.append((0, -stamp if key.descending else stamp))
            elif isinstance(value, str):
                # single lower-case letters: the same order under any collation
                parts.append((0, -ord(value) if key.descending else ord(value)))
            else:
                parts.append((0, -float(value) if key.descending else float(value)))
        return (*parts, catalogue.pks[ark])

    arks = [a for a in documents if only is None or a in only]
    return sorted(arks, key=order)


def _keyset(catalogue: Catalogue, query: Query, size: int, scope: ReadScope) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor: Cursor | None = None
    while True:
        found = catalogue.find(
            Query(where=query.where, sort=query.sort, page=Page(limit=size, after=cursor)), scope
        )
        pages.append([row.ark for row in found.rows])
        if found.next_cursor is None:
            return pages
        cursor = Cursor.decode(found.next_cursor.encode())  # as a client sends it back


def _offset_pages(
    catalogue: Catalogue, query: Query, size: int, total: int, scope: ReadScope
) -> list[list[str]]:
    return [
        catalogue.arks(
            Query(where=query.where, sort=query.sort, page=Page(size, offset=start)), scope
        )
        for start in range(0, total, size)
    ]


# the first walks the path's index (every record is readable); the second, a user who may read
# every record through the groups, takes the restricted scope's plan: both give the same order
SCOPES = {
    "everything": ReadScope(everything=True),
    "groups": ReadScope(owner_id="nobody", owner_groups=frozenset({"shared", "other"})),
}


NUMBER = Field.parse("native.score")
SORTS = {
    "number up": (SortKey(NUMBER, type=ValueType.NUMBER),),
    "number down": (SortKey(NUMBER, descending=True, type=ValueType.NUMBER),),
    "number down, label up": (
        SortKey(NUMBER, descending=True, type=ValueType.NUMBER),
        SortKey(Field.parse("native.label")),
    ),
    "label up, number down": (
        SortKey(Field.parse("native.label")),
        SortKey(NUMBER, descending=True, type=ValueType.NUMBER),
    ),
    "time down": (SortKey(Field.parse("native.when"), descending=True, type=ValueType.TIME),),
    "boolean up, label down": (
        SortKey(Field.parse("native.flag"), type=ValueType.BOOLEAN),
        SortKey(Field.parse("native.label"), descending=True),
    ),
}


@pytest.mark.parametrize("scope", list(SCOPES))
@pytest.mark.parametrize("name", list(SORTS))
def test_a_path_sort_breaks_ties_by_the_next_key_then_record_and_puts_nulls_last(
    sixty, name: str, scope: str
) -> None:
    catalogue, documents = sixty
    sort = SORTS[name]
    assert catalogue.arks(Query(sort=sort, page=Page(limit=1000)), SCOPES[scope]) == _expected(
        catalogue, documents, sort
    )


@pytest.mark.parametrize("scope", list(SCOPES))
@pytest.mark.parametrize("name", list(SORTS))
@pytest.mark.parametrize("size", [1, 7, 13, TOTAL])
def test_keyset_pages_end_where_offset_pages_end(sixty, name: str, size: int, scope: str) -> None:
    catalogue, documents = sixty
    query = Query(sort=SORTS[name])
    expected = _expected(catalogue, documents, query.sort)
    keyset = _keyset(catalogue, query, size, SCOPES[scope])
    if keyset[-1] == []:  # the last full page gave a cursor to an empty one
        keyset.pop()
    assert keyset == _offset_pages(catalogue, query, size, TOTAL, SCOPES[scope])
    assert [ark for page in keyset for ark in page] == expected


def test_offsets_past_the_records_with_a_value_reach_those_without(sixty) -> None:
    catalogue, documents = sixty
    sort = SORTS["number up"]
    expected = _expected(catalogue, documents, sort)
    for offset in (0, 39, 40, 41, 45, 59, 60, 75):
        for scope in SCOPES.values():
            page = catalogue.arks(Query(sort=sort, page=Page(limit=10, offset=offset)), scope)
            assert page == expected[offset : offset + 10]


def test_sorted_pages_keep_the_filter_and_the_read_scope(sixty) -> None:
    catalogue, documents = sixty
    member = ReadScope(owner_id="nobody", owner_groups=frozenset({"shared"}))
    labelled = cmp("native.label", "exists", True)
    shared = {a for a, d in documents.items() if d["public"] and "label" in d}
    for name in ("number down, label up", "label up, number down"):
        sort = SORTS[name]
        expected = _expected(catalogue, documents, sort, only=shared)
        found = catalogue.find(Query(where=labelled, sort=sort, page=Page(limit=1000)), member)
        assert [row.ark for row in found.rows] == expected
        pages: list[str] = []
        cursor: Cursor | None = None
        while True:
            query = Query(where=labelled, sort=sort, page=Page(limit=4, after=cursor))
            found = catalogue.find(query, member)
            pages.extend(row.ark for row in found.rows)
            if found.next_cursor is None:
                break
            cursor = found.next_cursor
        assert pages == expected
