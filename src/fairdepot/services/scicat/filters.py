"""SciCat's `filter` parameter (loopback on v3, Mongo-flavoured on v4) as a core query.

A filter is `{"where", "fields", "include", "limits": {"limit", "skip", "order" | "sort"}}`,
with loopback's top-level `limit`, `skip` and `order` too. `where` takes loopback operators
(`and or inq nin gt gte lt lte between like nlike ilike regexp neq exists`) and their Mongo
spellings (`$and $or $in $nin $gt ... $regex $options $exists $eq $ne`). Dataset fields are
looked up where the crosswalk keeps them (`core.crosswalks.scicat.query_field`): a record
column or a path of the native document, so `scientificMetadata.temperature.valueSI` is a
range over the SI values the value index holds. Every query is limited to SciCat records.

As on the backend, `like` and `ilike` are regular expressions searched anywhere in the value
(Mongo `$regex`), not SQL patterns; timestamps given as ISO strings compare as instants.
Anything malformed is an `InvalidQuery` naming where it is (`filter.where.or[1].size.gt`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fairdepot.core.crosswalks.scicat import (
    NUMBER_FIELDS,
    query_field,
    time_field,
)
from fairdepot.core.crosswalks.scicat_validation import ApiVersion, to_milliseconds
from fairdepot.core.document_values import parse_timestamp
from fairdepot.core.errors import InvalidInput
from fairdepot.core.json_input import check_json, load_json, path_locator
from fairdepot.core.query import (
    MAX_LIMIT,
    RANGE_OPS,
    And,
    Column,
    Comparison,
    Field,
    Filter,
    InvalidQuery,
    Not,
    Op,
    Or,
    Page,
    Query,
    Scalar,
    SortKey,
    ValueType,
    check_filter,
    check_query,
)
from fairdepot.core.records import Face, PublicationStatus

INCLUDES = frozenset(
    {"origdatablocks", "datablocks", "attachments", "instruments", "proposals", "samples", "all"}
)
"""Relations a dataset filter may embed; the face fetches them (through the policy)."""

V3_DEFAULT_LIMIT = 100
V4_DEFAULT_LIMIT = 10
_FILTER_KEYS = {
    ApiVersion.V3: frozenset({"where", "fields", "include", "limits", "limit", "skip", "order"}),
    ApiVersion.V4: frozenset({"where", "fields", "include", "limits", "limit", "skip", "order"}),
}
_LIMITS_KEYS = frozenset({"limit", "skip", "order", "sort"})
MAX_NESTING = 24
"""Levels of and / or (with the face and field conditions the translation adds)."""
MAX_CONDITIONS = 500

SCICAT_RECORDS: Filter = Comparison(Field(column=Column.FACE), Op.EQ, Face.SCICAT.value)

_SIMPLE_OPS: dict[str, Op] = {
    "eq": Op.EQ,
    "$eq": Op.EQ,
    "neq": Op.NEQ,
    "$ne": Op.NEQ,
    "inq": Op.IN,
    "$in": Op.IN,
    "nin": Op.NIN,
    "$nin": Op.NIN,
    "gt": Op.GT,
    "$gt": Op.GT,
    "gte": Op.GTE,
    "$gte": Op.GTE,
    "lt": Op.LT,
    "$lt": Op.LT,
    "lte": Op.LTE,
    "$lte": Op.LTE,
    "between": Op.BETWEEN,
    "exists": Op.EXISTS,
    "$exists": Op.EXISTS,
}
_PATTERN_OPS = frozenset({"like", "nlike", "ilike", "regexp", "$regex"})
_OPTIONS = frozenset({"options", "$options"})
_REGEX_LITERAL = re.compile(r"/(.*)/([a-z]*)", re.DOTALL)
_NON_PORTABLE = re.compile(r"\(\?(?!:)|\\N")
"""Regular-expression syntax Python and PostgreSQL read differently or only one of them
knows (named groups, inline flags, `\\N{name}`): refused rather than a database error."""
_REGEX_SPECIAL = re.compile(r"[\\^$.|?*+()\[\]{}]")


@dataclass(frozen=True)
class DatasetQuery:
    """A translated SciCat query: the core query, the dataset fields asked for (all when
    empty; the face keeps only these of each dataset) and the relations to embed."""

    query: Query
    fields: tuple[str, ...] = ()
    include: tuple[str, ...] = ()


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
        if key not in _FILTER_KEYS[version]:
            raise InvalidQuery(f"Property {key} should not exist in the filter object", "filter")
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
    limit = _count_of(asked, "filter.limit", fallback)
    skip = _count_of(limits.get("skip", spec.get("skip")), "filter.skip", 0)
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
        projection=tuple(f for f in (query_field(n) for n in fields) if f.column is None),
    )
    return DatasetQuery(checked_query(query), fields, include_names(spec.get("include")))


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
    if isinstance(node, Comparison):
        return 0, 1
    parts = node.parts if isinstance(node, And | Or) else (node.part,)
    sizes = [_size(p) for p in parts]
    return 1 + max(d for d, _ in sizes), sum(n for _, n in sizes)


# -- where --------------------------------------------------------------------------------------


def where_filter(where: object, location: str = "where") -> Filter | None:
    """A `where` object as a filter tree (None for an empty or absent one)."""
    if where is None:
        return None
    if not isinstance(where, dict):
        raise InvalidQuery("where is a JSON object", location)
    parts: list[Filter] = []
    for key, value in where.items():
        if key in ("and", "$and", "or", "$or"):
            word = key.lstrip("$")
            if not isinstance(value, list) or not value:
                raise InvalidQuery(f"{word} takes a non-empty list of conditions", location)
            branches = []
            for i, branch in enumerate(value):
                node = where_filter(branch, f"{location}.{word}[{i}]")
                if node is not None:
                    branches.append(node)
            if branches:
                parts.append(And(tuple(branches)) if word == "and" else Or(tuple(branches)))
        elif key.startswith("$"):
            raise InvalidQuery(f"unknown operator '{key[:40]}'", location)
        else:
            parts.append(field_condition(key, value, f"{location}.{key}"))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(tuple(parts))


def field_condition(name: str, condition: object, location: str) -> Filter:
    """The condition on one field: a value (equality) or an object of operators."""
    if name in ("isPublished",):
        return _published(condition, location)
    target = query_field(name, location)
    if isinstance(condition, list):
        raise InvalidQuery("a list of values needs an operator: use inq / $in", location)
    if not isinstance(condition, dict):
        if condition is None:
            return _compared(target, Op.EXISTS, False, location, name)
        return _compared(target, Op.EQ, condition, location, name)
    if not condition:
        raise InvalidQuery("an empty condition", location)
    options = next((condition[k] for k in _OPTIONS if k in condition), None)
    if options is not None and not isinstance(options, str):
        raise InvalidQuery("options are a string of flags such as 'i'", location)
    parts: list[Filter] = []
    for key, value in condition.items():
        where = f"{location}.{key}"
        if key in _OPTIONS:
            if not any(k in _PATTERN_OPS for k in condition):
                raise InvalidQuery(f"{key} goes with like, ilike, regexp or $regex", where)
            continue
        if key in _PATTERN_OPS:
            parts.append(_pattern(target, key, value, options or "", where))
        elif key in _SIMPLE_OPS:
            parts.append(_compared(target, _SIMPLE_OPS[key], value, where, name))
        else:
            raise InvalidQuery(f"unknown operator '{key[:40]}'", where)
    return parts[0] if len(parts) == 1 else And(tuple(parts))


def _compared(target: Field, op: Op, value: object, location: str, name: str) -> Filter:
    if op in (Op.IN, Op.NIN, Op.BETWEEN):
        if not isinstance(value, list):
            raise InvalidQuery(f"{op.value} takes a list of values", location)
        typed: Scalar | tuple[Scalar, ...] | None = tuple(
            _value(v, target, op, name, location) for v in value
        )
    elif op is Op.EXISTS:
        if not isinstance(value, bool):
            raise InvalidQuery("exists takes true or false", location)
        typed = value
    else:
        typed = _value(value, target, op, name, location)
    comparison = Comparison(target, op, typed)
    checked(comparison, location)
    return comparison


def checked(node: Filter, location: str) -> None:
    """`check_filter`, naming the place in the client's own words (`where.size.inq`)."""
    try:
        check_filter(node)
    except InvalidQuery as error:
        raise InvalidQuery(error.message, location) from None


def _value(value: object, target: Field, op: Op, name: str, location: str) -> Scalar:
    """A JSON value as a query value: an ISO string on a time field (or in a range) is an
    instant, at a Mongo Date's millisecond precision on the dataset's own time fields."""
    if isinstance(value, bool | int | float):
        return value
    if not isinstance(value, str):
        raise InvalidQuery("a value is a string, number or boolean", location)
    is_time = time_field(name.partition(".")[0]) and "." not in name
    if is_time or op in RANGE_OPS:
        instant = parse_timestamp(value)
        if instant is not None:
            return to_milliseconds(instant) if is_time else instant
        if is_time or target.column is Column.CREATED_AT or target.column is Column.UPDATED_AT:
            raise InvalidQuery(f"{name} holds timestamps: give an ISO 8601 one", location)
    return value


def _pattern(target: Field, key: str, value: object, options: str, location: str) -> Filter:
    """like / ilike / $regex / regexp: a regular expression searched in the value."""
    if not isinstance(value, str):
        raise InvalidQuery(f"{key} takes a string", location)
    flags = options
    if key == "regexp":
        literal = _REGEX_LITERAL.fullmatch(value)
        if literal:
            value, flags = literal.group(1), flags + literal.group(2)
    # only "i": Python's and PostgreSQL's other inline flags differ ("g" means nothing here)
    if _NON_PORTABLE.search(value):
        raise InvalidQuery(
            "use only (?:...) groups, no inline flags (give options instead) and no \\N escapes",
            location,
        )
    unknown = set(flags) - {"i", "g"}
    if unknown:
        raise InvalidQuery(f"unsupported regular expression flag '{sorted(unknown)[0]}'", location)
    insensitive = key == "ilike" or "i" in flags
    pattern: Filter
    if not _REGEX_SPECIAL.search(value) and "%" not in value and "_" not in value:
        # a plain word: a LIKE '%word%' (no regular expression to check or run)
        op = Op.ILIKE if insensitive else Op.LIKE
        pattern = Comparison(target, op, f"%{value}%")
    else:
        pattern = Comparison(target, Op.REGEXP, f"(?i){value}" if insensitive else value)
    checked(pattern, location)
    return Not(pattern) if key == "nlike" else pattern


def _published(condition: object, location: str) -> Filter:
    """`isPublished` is the record's publication state (it may be changed by another face)."""
    column = Field(column=Column.PUBLICATION_STATUS)
    published = Comparison(column, Op.EQ, PublicationStatus.PUBLISHED.value)
    anything = Comparison(column, Op.EXISTS, True)

    def flag(values: object, where: str) -> Filter:
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, bool) for v in values)
        ):
            raise InvalidQuery("isPublished holds true or false", where)
        if len(set(values)) == 2:
            return anything
        return published if values[0] else Not(published)

    ops = condition if isinstance(condition, dict) else {"eq": condition}
    parts: list[Filter] = []
    for key, value in ops.items():
        where = f"{location}.{key}"
        op = _SIMPLE_OPS.get(key)
        if op is Op.EXISTS and isinstance(value, bool):
            parts.append(anything if value else Not(anything))
        elif op in (Op.EQ, Op.NEQ, Op.IN, Op.NIN):
            positive = flag(value if op in (Op.IN, Op.NIN) else [value], where)
            parts.append(positive if op in (Op.EQ, Op.IN) else Not(positive))
        else:
            raise InvalidQuery("isPublished is compared with true or false (eq, neq, inq)", where)
    if not parts:
        raise InvalidQuery("an empty condition", location)
    return parts[0] if len(parts) == 1 else And(tuple(parts))


# -- fields, include, order, limits -------------------------------------------------------------


def field_names(fields: object, location: str) -> tuple[str, ...]:
    """`fields` as a list of names or loopback's `{"name": true}`; each must be a field."""
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
        query_field(name, f"{location}[{i}]")
    return tuple(names)


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


def sort_keys(order: object, location: str) -> tuple[SortKey, ...]:
    """loopback `"field ASC"` / `"field DESC"` (a string or a list), or SciCat's
    `"field:asc"` (comma-separated for several keys)."""
    if order is None:
        return ()
    if isinstance(order, str):
        items = [part for part in order.split(",") if part.strip()]
    elif isinstance(order, list) and all(isinstance(o, str) for o in order):
        items = list(order)
    else:
        raise InvalidQuery("order is 'field ASC|DESC' or a list of them", location)
    keys = []
    for i, item in enumerate(items):
        text = item.strip()
        name, _, direction = text.replace(":", " ").partition(" ")
        keys.append(sort_key(name, direction.strip() or "asc", f"{location}[{i}]"))
    return tuple(keys)


def sort_object(sort: object, location: str) -> tuple[SortKey, ...]:
    """v4's `{"field": "asc" | "desc"}` (also 1 / -1, as Mongo takes them)."""
    if sort is None:
        return ()
    if not isinstance(sort, dict):
        raise InvalidQuery("sort is an object {field: 'asc' | 'desc'}", location)
    return tuple(
        sort_key(
            name,
            {1: "asc", -1: "desc"}.get(d, d) if not isinstance(d, bool) else d,
            f"{location}.{name}",
        )
        for name, d in sort.items()
    )


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


def _count_of(value: object, location: str, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidQuery("must be a non-negative integer", location)
    if location.endswith("limit"):
        if value == 0:
            return default
        if value > MAX_LIMIT:
            raise InvalidQuery(f"at most {MAX_LIMIT} datasets per page: page with skip", location)
    return value
