"""SciCat's `filter` parameter (loopback on v3, Mongo-flavoured on v4) as a core query.

A filter is `{"where", "fields", "include", "limits": {"limit", "skip", "order" | "sort"}}`,
with loopback's top-level `limit`, `skip` and `order` too. `where` is translated by
`where.py`; `fields` and `include` are checked and handed to the face; `order` ("field ASC",
"field:desc", v4's `{"field": "asc"}`) becomes sort keys typed by the dataset field. Every
query is limited to SciCat records. Anything malformed is an `InvalidQuery` naming where it
is (`filter.limits.sort.size`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fairdepot.core.crosswalks.scicat import (
    NUMBER_FIELDS,
    query_field,
    time_field,
)
from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.errors import InvalidInput
from fairdepot.core.json_input import check_json, load_json, path_locator
from fairdepot.core.query import (
    MAX_LIMIT,
    And,
    Column,
    Comparison,
    Field,
    Filter,
    InvalidQuery,
    Op,
    Or,
    Page,
    Query,
    SortKey,
    ValueType,
    check_query,
    page_count,
)
from fairdepot.core.records import Face
from fairdepot.services.scicat.where import where_filter

INCLUDES = frozenset(
    {"origdatablocks", "datablocks", "attachments", "instruments", "proposals", "samples", "all"}
)
"""Relations a dataset filter may embed; the face fetches them (through the policy)."""

V3_DEFAULT_LIMIT = 100
V4_DEFAULT_LIMIT = 10
FILTER_KEYS = frozenset({"where", "fields", "include", "limits", "limit", "skip", "order"})
"""What a filter may hold, on v3 and v4 alike (v4 refuses anything else, as its backend does;
loopback's own top-level limit/skip/order are accepted on both)."""
_LIMITS_KEYS = frozenset({"limit", "skip", "order", "sort"})
MAX_NESTING = 24
"""Levels of and / or (with the face and field conditions the translation adds)."""
MAX_CONDITIONS = 500

SCICAT_RECORDS: Filter = And(
    (
        Comparison(Field(column=Column.FACE), Op.EQ, Face.SCICAT.value),
        Comparison(Field(column=Column.KIND), Op.IN, ("raw", "derived")),
    )
)
"""SciCat datasets; their origdatablocks and attachments are records of other kinds."""


@dataclass(frozen=True)
class DatasetQuery:
    """A translated SciCat query: the core query, the dataset fields asked for (all when
    empty; the face keeps only these of each dataset), the relations to embed and the scopes
    of those that gave one (as given, with where each is: services/scicat/includes.py
    translates them on the relation's own fields)."""

    query: Query
    fields: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    scopes: tuple[IncludeScope, ...] = ()


@dataclass(frozen=True)
class IncludeScope:
    """loopback's `{"relation": name, "scope": {...}}`: the scope as given and its place."""

    relation: str
    scope: object
    location: str


def json_parameter(raw: object, name: str) -> Any:
    """A JSON query parameter (`filter`, `fields`, `limits`, `facets`), None when absent.
    Text is parsed strictly (core.json_input); a value the face already decoded is checked
    the same way (no NaN, no U+0000, bounded nesting)."""
    if raw is None or (isinstance(raw, str | bytes) and not raw.strip()):
        return None
    try:
        if isinstance(raw, str | bytes):
            return load_json(raw, source=name)
        check_json(raw, locate=path_locator(name))
        return raw
    except InvalidQuery:
        raise
    except InvalidInput as error:
        location = error.problems[0].location if error.problems else name
        raise InvalidQuery(f"invalid JSON in {name}: {error.message}", location or name) from None


def dataset_filter(
    raw: object,
    version: ApiVersion,
    *,
    default_limit: int | None = None,
    count: bool = False,
) -> DatasetQuery:
    """A dataset listing's `filter` (a JSON string or the decoded value) as a query.

    v3 lists up to 100 datasets unordered (in creation order); v4 up to 10, newest first.
    """
    spec = json_parameter(raw, "filter")
    if spec is None:
        spec = {}
    if not isinstance(spec, dict):
        raise InvalidQuery("a filter is a JSON object", "filter")
    for key in spec:
        if key not in FILTER_KEYS:
            raise InvalidQuery(
                f"Property {key[:40]} should not exist in the filter object", "filter"
            )
    where = where_filter(spec.get("where"), "filter.where")
    limits = spec.get("limits") or {}
    if not isinstance(limits, dict):
        raise InvalidQuery("limits is an object {limit, skip, order}", "filter.limits")
    for key in limits:
        if key not in _LIMITS_KEYS:
            raise InvalidQuery(f"unknown key '{key}' in limits", "filter.limits")
    fallback = default_limit or (V3_DEFAULT_LIMIT if version is ApiVersion.V3 else V4_DEFAULT_LIMIT)
    # a count ignores the page (loopback's count takes the where only)
    asked = None if count else limits.get("limit", spec.get("limit"))
    limit = page_number(asked, "filter.limit", fallback)
    skip = page_number(limits.get("skip", spec.get("skip")), "filter.skip", 0)
    sort = sort_keys(limits.get("order", spec.get("order")), "filter.order")
    sort += sort_object(limits.get("sort"), "filter.limits.sort")
    if not sort and version is ApiVersion.V4:
        sort = (SortKey(Field(column=Column.CREATED_AT), descending=True),)
    fields = field_names(spec.get("fields"), "filter.fields")
    query = Query(
        where=scicat_only(where),
        sort=sort,
        page=Page(limit=1) if count else Page(limit=limit, offset=skip),
        count=count,
    )
    include = spec.get("include")
    return DatasetQuery(
        checked_query(query), fields, include_names(include), include_scopes(include)
    )


def scicat_only(where: Filter | None) -> Filter:
    """`where`, among records created through the SciCat face only."""
    if where is None:
        return SCICAT_RECORDS
    return And((SCICAT_RECORDS, where))


def checked_query(query: Query, location: str = "filter.where") -> Query:
    """`check_query`, naming the filter's own words (`filter.skip`) for the page's faults, and
    refusing a `where` larger than MAX_CONDITIONS or deeper than MAX_NESTING: the compiled
    statement grows with both (SQLAlchemy's compiler overflows the stack at about 300
    alternating and/or levels), and no client needs more."""
    if query.where is not None:
        depth, conditions = _size(query.where)
        if depth > MAX_NESTING:
            raise InvalidQuery(f"and/or nested deeper than {MAX_NESTING} levels", location)
        if conditions > MAX_CONDITIONS:
            raise InvalidQuery(f"more than {MAX_CONDITIONS} conditions", location)
    try:
        return check_query(query)
    except InvalidQuery as error:
        where = error.problems[0].location if error.problems else None
        if where in ("limit", "offset"):
            place = f"filter.{'skip' if where == 'offset' else where}"
            raise InvalidQuery(error.message, place) from None
        raise


def _size(node: Filter) -> tuple[int, int]:
    """(depth of and/or/not, number of comparisons) of a filter tree."""
    if isinstance(node, Comparison) or node is SCICAT_RECORDS:
        return 0, 1  # "a SciCat dataset" is one condition of the budget, as it always was
    parts = node.parts if isinstance(node, And | Or) else (node.part,)
    sizes = [_size(p) for p in parts]
    return 1 + max(d for d, _ in sizes), sum(n for _, n in sizes)


# -- fields, include, order, limits -------------------------------------------------------------


def field_names(
    fields: object, location: str, check: Callable[[str, str], object] = query_field
) -> tuple[str, ...]:
    """`fields` as a list of names or loopback's `{"name": true}`, each once; `check(name,
    location)` raises InvalidQuery for a name the kind lacks (a dataset's field by default)."""
    if fields is None:
        return ()
    if isinstance(fields, dict):
        if not all(isinstance(v, bool) for v in fields.values()):
            raise InvalidQuery("fields maps names to true or false", location)
        names = [k for k, v in fields.items() if v]
    elif isinstance(fields, list) and all(isinstance(n, str) for n in fields):
        names = list(fields)
    else:
        raise InvalidQuery("fields is a list of field names", location)
    for i, name in enumerate(names):
        check(name, f"{location}[{i}]")
    return tuple(dict.fromkeys(names))


def include_names(include: object, location: str = "filter.include") -> tuple[str, ...]:
    """`include`: relation names, or loopback's `{"relation": name, "scope": ...}`."""
    if include is None:
        return ()
    items = include if isinstance(include, list) else [include]
    names = []
    for i, item in enumerate(items):
        name = item.get("relation") if isinstance(item, dict) else item
        if not isinstance(name, str) or name not in INCLUDES:
            raise InvalidQuery(
                f"include names one of {', '.join(sorted(INCLUDES))}", f"{location}[{i}]"
            )
        names.append(name)
    return tuple(dict.fromkeys(names))


def include_scopes(include: object, location: str = "filter.include") -> tuple[IncludeScope, ...]:
    """The scopes of `include`'s `{"relation", "scope"}` items (the first for a relation
    named twice); the names are checked by `include_names`."""
    if not isinstance(include, list | dict):
        return ()
    items = include if isinstance(include, list) else [include]
    scopes: dict[str, IncludeScope] = {}
    for i, item in enumerate(items):
        if isinstance(item, dict) and item.get("scope") is not None:
            name = item.get("relation")
            if isinstance(name, str) and name not in scopes:
                scopes[name] = IncludeScope(name, item["scope"], f"{location}[{i}].scope")
    return tuple(scopes.values())


SortItem = tuple[str, object, str]
"""(field name, direction as sent, where in the filter) of one sort key, not yet checked."""


def order_items(order: object, location: str) -> list[SortItem]:
    """loopback `"field ASC"` / `"field DESC"` (a string or a list), or SciCat's
    `"field:asc"` (comma-separated for several keys); ascending when no direction is given."""
    if order is None:
        return []
    if isinstance(order, str):
        items = [part for part in order.split(",") if part.strip()]
    elif isinstance(order, list) and all(isinstance(o, str) for o in order):
        items = list(order)
    else:
        raise InvalidQuery("order is 'field ASC|DESC' or a list of them", location)
    parsed: list[SortItem] = []
    for i, item in enumerate(items):
        name, _, direction = item.strip().replace(":", " ").partition(" ")
        parsed.append((name, direction.strip() or "asc", f"{location}[{i}]"))
    return parsed


def sort_object_items(sort: object, location: str) -> list[SortItem]:
    """v4's `{"field": "asc" | "desc"}` (also 1 / -1, as Mongo takes them)."""
    if sort is None:
        return []
    if not isinstance(sort, dict):
        raise InvalidQuery("sort is an object {field: 'asc' | 'desc'}", location)
    mongo = {1: "asc", -1: "desc"}
    return [
        (name, mongo.get(d, d) if type(d) is int else d, f"{location}.{name}")
        for name, d in sort.items()
    ]


def sort_keys(order: object, location: str) -> tuple[SortKey, ...]:
    """A dataset filter's `order`, as sort keys."""
    return tuple(sort_key(*item) for item in order_items(order, location))


def sort_object(sort: object, location: str) -> tuple[SortKey, ...]:
    """A dataset filter's `limits.sort`, as sort keys."""
    return tuple(sort_key(*item) for item in sort_object_items(sort, location))


def sort_key(name: str, direction: object, location: str) -> SortKey:
    if not isinstance(direction, str) or direction.lower() not in ("asc", "desc"):
        raise InvalidQuery("a sort direction is ASC or DESC", location)
    target = query_field(name, location)
    head = name.partition(".")[0]
    if time_field(head) and "." not in name:
        kind = ValueType.TIME
    elif (head in NUMBER_FIELDS and "." not in name) or name.endswith((".value", ".valueSI")):
        kind = ValueType.NUMBER
    else:
        kind = ValueType.TEXT
    return SortKey(target, descending=direction.lower() == "desc", type=kind)


def page_number(value: object, location: str, default: int) -> int:
    """A loopback filter's limit or skip (SciCat's every listing): a limit of 0 is loopback's
    "no limit given"; over MAX_LIMIT per page or MAX_OFFSET deep is a 400 naming `location`."""
    limit = location.endswith("limit")
    if value is None or (limit and value == 0 and not isinstance(value, bool)):
        return default
    try:
        return page_count(value, location, default, limit=limit)
    except InvalidQuery:
        if limit and isinstance(value, int) and not isinstance(value, bool) and value > MAX_LIMIT:
            raise InvalidQuery(f"at most {MAX_LIMIT} per page: page with skip", location) from None
        raise
