"""A SciCat `where` clause (loopback or Mongo operators) as a core filter tree.

Loopback's `and or inq nin gt gte lt lte between like nlike ilike regexp neq exists` and their
Mongo spellings (`$and $or $in $nin $gt ... $regex $options $exists $eq $ne`), on the fields
of one kind of object, as its field table (`WhereFields`) says where each is kept: datasets
(`DATASET_FIELDS`, from `core.crosswalks.scicat.query_field`) and proposals, samples,
instruments, PublishedData (services/scicat/objects.py) share this one translator. As on the
backend, `like`, `ilike` and `$regex` are regular expressions searched anywhere in the value,
not SQL patterns, and ISO strings compare as instants. A bad part is an `InvalidQuery` naming
where it is in the client's terms (`filter.where.or[1].size.gt`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from fairdepot.core.crosswalks.scicat import query_field, time_field
from fairdepot.core.document_values import parse_timestamp
from fairdepot.core.query import (
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
    Scalar,
    check_filter,
)
from fairdepot.core.records import PublicationStatus
from fairdepot.core.timestamps import millisecond_instant

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
class WhereFields:
    """The field table of one kind of object: which names a `where` may use, where each is kept."""

    field: Callable[[str, str], Field]
    """(name, location) -> the record column or native path holding it (`size`,
    `scientificMetadata.a.b`); an `InvalidQuery` at `location` for a name the kind lacks."""
    holds_time: Callable[[str], bool]
    """Whether a top-level field holds timestamps: its values compare as instants, at a Mongo
    Date's millisecond precision (how the crosswalks store them)."""
    published_flag: bool = True
    """Whether `isPublished` is the record's publication state rather than a stored field."""


DATASET_FIELDS = WhereFields(field=query_field, holds_time=time_field)


def where_filter(
    where: object, location: str = "where", fields: WhereFields = DATASET_FIELDS
) -> Filter | None:
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
                node = where_filter(branch, f"{location}.{word}[{i}]", fields)
                if node is not None:
                    branches.append(node)
            if branches:
                parts.append(And(tuple(branches)) if word == "and" else Or(tuple(branches)))
        elif key.startswith("$"):
            raise InvalidQuery(f"unknown operator '{key[:40]}'", location)
        else:
            parts.append(field_condition(key, value, f"{location}.{key}", fields))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(tuple(parts))


def field_condition(
    name: str, condition: object, location: str, fields: WhereFields = DATASET_FIELDS
) -> Filter:
    """The condition on one field: a value (equality) or an object of operators."""
    if name == "isPublished" and fields.published_flag:
        return _published(condition, location)
    target = fields.field(name, location)
    if isinstance(condition, list):
        raise InvalidQuery("a list of values needs an operator: use inq / $in", location)
    if not isinstance(condition, dict):
        if condition is None:
            return _compared(target, Op.EXISTS, False, location, name, fields)
        return _compared(target, Op.EQ, condition, location, name, fields)
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
            parts.append(_compared(target, _SIMPLE_OPS[key], value, where, name, fields))
        else:
            raise InvalidQuery(f"unknown operator '{key[:40]}'", where)
    return parts[0] if len(parts) == 1 else And(tuple(parts))


def _compared(
    target: Field, op: Op, value: object, location: str, name: str, fields: WhereFields
) -> Filter:
    if op in (Op.IN, Op.NIN, Op.BETWEEN):
        if not isinstance(value, list):
            raise InvalidQuery(f"{op.value} takes a list of values", location)
        typed: Scalar | tuple[Scalar, ...] | None = tuple(
            _value(v, target, op, name, location, fields) for v in value
        )
    elif op is Op.EXISTS:
        if not isinstance(value, bool):
            raise InvalidQuery("exists takes true or false", location)
        typed = value
    else:
        typed = _value(value, target, op, name, location, fields)
    comparison = Comparison(target, op, typed)
    checked(comparison, location)
    return comparison


def checked(node: Filter, location: str) -> None:
    """`check_filter`, naming the place in the client's own words (`where.size.inq`)."""
    try:
        check_filter(node)
    except InvalidQuery as error:
        raise InvalidQuery(error.message, location) from None


def _value(
    value: object, target: Field, op: Op, name: str, location: str, fields: WhereFields
) -> Scalar:
    """A JSON value as a query value: an ISO string on a time field (or in a range) is an
    instant, at a Mongo Date's millisecond precision on the kind's own time fields."""
    if isinstance(value, bool | int | float):
        return value
    if not isinstance(value, str):
        raise InvalidQuery("a value is a string, number or boolean", location)
    is_time = "." not in name and fields.holds_time(name)
    if is_time or op in RANGE_OPS:
        instant = parse_timestamp(value)
        if instant is not None:
            return millisecond_instant(instant) if is_time else instant
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
