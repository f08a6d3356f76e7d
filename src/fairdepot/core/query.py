"""A query over the catalogue, as data: what every face's listing and search asks for.

SciCat's loopback `filter` (where / fields / order / limit / skip), `count`, `fullquery` and
`fullfacet`, gCat's `q` / `fq` / `limit` / `offset` / `count` / `own_only` and FAIRSCAPE's search
all translate into one `Query`; `storage.db.query` compiles it to one SQL statement with the
policy's read scope AND-ed in. Nothing here knows SQL.

A field is a record column (`name`, `kind`, `created_at`...) or a dotted path into the native
document (`native.scientificMetadata.temperature.value`) or the JSON-LD metadata
(`metadata.author.name`). Paths go through arrays: a path matches a record if any value found
at it matches. A `{"value": v, "unit": u}` object also has `<path>.valueSI` and `<path>.unitSI`
(see `core.metadata.units`). Negative operators (`neq`, `nin`, `nlike`) are the negation of
their positive: `neq 5` matches a record that has no 5 at the path, including one without it.
"""

from __future__ import annotations

import base64
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.json_input import load_json

Scalar = str | int | float | bool | datetime


class InvalidQuery(InvalidInput):
    """A query that cannot be run; its problem names the bad part (`where.and[1].gt`)."""

    def __init__(self, message: str, location: str) -> None:
        super().__init__(message, problems=[Problem(message, location)])


class ValueType(StrEnum):
    """How a value is compared: numbers as numbers, timestamps as instants, and so on."""

    NUMBER = "number"
    TEXT = "text"
    BOOLEAN = "boolean"
    TIME = "time"


class Column(StrEnum):
    """Record columns a query may filter, sort and facet on."""

    ARK = "ark"
    KIND = "kind"
    FACE = "face"
    NAME = "name"
    DESCRIPTION = "description"
    OWNER_ID = "owner_id"
    OWNER_GROUP = "owner_group"
    ORGANIZATION = "organization"
    """The gCat organization (CKAN `owner_org`) the record belongs to."""
    PUBLICATION_STATUS = "publication_status"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    MODERATION_STATE = "moderation_state"
    """none, pending, approved or rejected (gCat's `status` listing filter)."""


COLUMN_TYPES: dict[Column, ValueType] = {
    Column.CREATED_AT: ValueType.TIME,
    Column.UPDATED_AT: ValueType.TIME,
}
"""Columns that are not text."""

DOCUMENTS = ("native", "metadata")
MAX_PATH_DEPTH = 32
MAX_SEGMENT_LENGTH = 200
MAX_TEXT_BYTES = 1000
"""Strings are compared on their first 1,000 bytes of UTF-8 (what the index holds: a B-tree
entry on PostgreSQL must stay under 2,704 bytes with its path)."""
MAX_PATTERN_LENGTH = 256
MAX_IN_VALUES = 1000
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000
"""Deeper pages are refused before a database sees an offset it cannot hold (SQLite and
PostgreSQL take 64-bit integers; a client's JSON number can be any size)."""


@dataclass(frozen=True)
class Field:
    """A record column, or a path inside one of the record's two documents."""

    column: Column | None = None
    document: Literal["native", "metadata"] | None = None
    path: tuple[str, ...] = ()

    @property
    def dotted(self) -> str:
        """The form stored in the value index: `native.a.b` (document first)."""
        if self.column is not None:
            return self.column.value
        return ".".join((str(self.document), *self.path))

    @staticmethod
    def parse(text: str, location: str = "field") -> Field:
        """`name` (a column), `native.a.b` or `metadata.a.b` (a path); anything else is an error."""
        if not isinstance(text, str) or not text:
            raise InvalidQuery("a field must be a non-empty string", location)
        head, _, rest = text.partition(".")
        if head in DOCUMENTS:
            parts = tuple(rest.split(".")) if rest else ()
            if not parts or any(not p for p in parts):
                raise InvalidQuery(f"'{text}' is not a path: use {head}.<key>[.<key>...]", location)
            if len(parts) > MAX_PATH_DEPTH or any(len(p) > MAX_SEGMENT_LENGTH for p in parts):
                raise InvalidQuery(f"path '{text[:80]}' is too deep or too long", location)
            document: Literal["native", "metadata"] = "native" if head == "native" else "metadata"
            return Field(document=document, path=parts)
        try:
            return Field(column=Column(text))
        except ValueError:
            known = ", ".join(c.value for c in Column)
            raise InvalidQuery(
                f"unknown field '{text[:80]}': use a column ({known}) or native.<path> / "
                "metadata.<path>",
                location,
            ) from None


class Op(StrEnum):
    EQ = "eq"
    NEQ = "neq"
    IN = "in"
    NIN = "nin"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    BETWEEN = "between"
    LIKE = "like"
    NLIKE = "nlike"
    ILIKE = "ilike"
    REGEXP = "regexp"
    EXISTS = "exists"


NEGATIONS = {Op.NEQ: Op.EQ, Op.NIN: Op.IN, Op.NLIKE: Op.LIKE}
PATTERN_OPS = frozenset({Op.LIKE, Op.NLIKE, Op.ILIKE, Op.REGEXP})
RANGE_OPS = frozenset({Op.GT, Op.GTE, Op.LT, Op.LTE, Op.BETWEEN})


@dataclass(frozen=True)
class Comparison:
    """`field op value`. `value` is a scalar, a list (in, nin), a pair (between), a pattern
    (like: `%` and `_` wildcards; regexp) or a bool (exists)."""

    field: Field
    op: Op
    value: Scalar | tuple[Scalar, ...] | None = None


@dataclass(frozen=True)
class And:
    parts: tuple[Filter, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Filter, ...]


@dataclass(frozen=True)
class Not:
    part: Filter


Filter = Comparison | And | Or | Not


@dataclass(frozen=True)
class SortKey:
    """Sort by a field; records without a value there come last whatever the direction.

    For a path, `type` says which values order the records (a path may hold numbers in one
    record and text in another); a record's sort value is the first value of that type found at
    the path in document order.
    """

    field: Field
    descending: bool = False
    type: ValueType = ValueType.TEXT


@dataclass(frozen=True)
class Cursor:
    """Where the previous page ended: its last record's sort values and key (keyset paging)."""

    values: tuple[Scalar | None, ...]
    pk: int

    def encode(self) -> str:
        values = [
            {"t": v.isoformat()} if isinstance(v, datetime) else {"v": v} for v in self.values
        ]
        raw = json.dumps({"k": values, "pk": self.pk}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @staticmethod
    def decode(text: str, location: str = "cursor") -> Cursor:
        try:
            raw = load_json(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            values: list[Scalar | None] = [
                datetime.fromisoformat(v["t"]) if "t" in v else v["v"] for v in raw["k"]
            ]
            pk = raw["pk"]
            if not isinstance(pk, int) or isinstance(pk, bool):
                raise TypeError(pk)
            for v in values:
                if v is not None and not isinstance(v, str | int | float | datetime):
                    raise TypeError(v)
        except (InvalidInput, ValueError, TypeError, KeyError, AttributeError):
            raise InvalidQuery("not a cursor this server gave out", location) from None
        return Cursor(tuple(values), pk)


@dataclass(frozen=True)
class Page:
    """Offset paging (`offset`), or keyset paging after a cursor (deep pages stay cheap)."""

    limit: int = 100
    offset: int = 0
    after: Cursor | None = None


class FacetGranularity(StrEnum):
    """What a facet's bucket is: each value, or (timestamps) each UTC calendar day."""

    VALUE = "value"
    DAY = "day"


@dataclass(frozen=True)
class FacetRequest:
    """Count the records per value found at `field` (arrays unwound), optionally only among the
    records that also match `filter`, most frequent first.

    With `granularity` DAY the buckets are the UTC days of the timestamps at `field` (a time
    column, or a path's values that are instants; others are not counted), each counted as
    its ISO date `YYYY-MM-DD`, newest day first: SciCat groups a date facet by `{year, month,
    day}`, and every instant its own bucket would count one record each."""

    field: Field
    filter: Filter | None = None
    limit: int = 100
    name: str | None = None
    granularity: FacetGranularity = FacetGranularity.VALUE

    @property
    def key(self) -> str:
        return self.name or self.field.dotted


@dataclass(frozen=True)
class Query:
    """One listing or search: filter, text, sort, page, count and facets. Which of a record's
    fields a face shows is the face's to pick from what it renders (SciCat's `fields`)."""

    where: Filter | None = None
    text: str | None = None
    sort: tuple[SortKey, ...] = ()
    page: Page = field(default_factory=Page)
    count: bool = False
    facets: tuple[FacetRequest, ...] = ()


@dataclass(frozen=True)
class FacetCount:
    value: Scalar | None
    count: int


# -- building and checking ----------------------------------------------------------------------


def field_of(text: str) -> Field:
    return Field.parse(text)


def cmp(field_text: str, op: str, value: Scalar | Sequence[Scalar] | None = None) -> Comparison:
    """A checked comparison from its parts (a convenience for faces and tests)."""
    operator = Op(op)
    normalised: Scalar | tuple[Scalar, ...] | None
    if isinstance(value, str) or value is None or not isinstance(value, Sequence):
        normalised = value
    else:
        normalised = tuple(value)
    comparison = Comparison(Field.parse(field_text), operator, normalised)
    check_filter(comparison)
    return comparison


def page_count(value: object, location: str, default: int, *, limit: bool) -> int:
    """A page's limit (`limit=True`) or skip as a client's JSON gave it: a whole number from 0,
    at most MAX_LIMIT for a limit and MAX_OFFSET for a skip; None (not given) is `default`."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidQuery("must be a non-negative integer", location)
    maximum = MAX_LIMIT if limit else MAX_OFFSET
    if value > maximum:
        raise InvalidQuery(f"must be at most {maximum}", location)
    return value


def check_query(query: Query) -> Query:
    """Raise InvalidQuery naming the first bad part; return the query unchanged otherwise."""
    if query.where is not None:
        check_filter(query.where, "where")
    page = query.page
    if not 1 <= page.limit <= MAX_LIMIT:
        raise InvalidQuery(f"limit must be between 1 and {MAX_LIMIT}", "limit")
    if page.offset < 0:
        raise InvalidQuery("offset must not be negative", "offset")
    if page.offset > MAX_OFFSET:
        raise InvalidQuery(f"offset must be at most {MAX_OFFSET}", "offset")
    if page.after is not None:
        if page.offset:
            raise InvalidQuery("give either an offset or a cursor, not both", "cursor")
        if query.text is not None and not query.sort:
            raise InvalidQuery("results ranked by a text search are paged by offset", "cursor")
        if len(page.after.values) != len(query.sort):
            raise InvalidQuery("the cursor belongs to another sort order", "cursor")
    if query.text is not None and not query.text.strip():
        raise InvalidQuery("a text search needs at least one word", "text")
    for i, facet in enumerate(query.facets):
        if facet.filter is not None:
            check_filter(facet.filter, f"facets[{i}].filter")
        if not 1 <= facet.limit <= MAX_LIMIT:
            raise InvalidQuery(f"a facet's limit must be between 1 and {MAX_LIMIT}", f"facets[{i}]")
        column = facet.field.column
        if (
            facet.granularity is FacetGranularity.DAY
            and column is not None
            and COLUMN_TYPES.get(column) is not ValueType.TIME
        ):
            raise InvalidQuery("a facet by day needs a timestamp field", f"facets[{i}]")
    return query


def check_filter(node: Filter, location: str = "where") -> None:
    if isinstance(node, And | Or):
        word = "and" if isinstance(node, And) else "or"
        if not node.parts:
            raise InvalidQuery(f"'{word}' needs at least one condition", location)
        for i, part in enumerate(node.parts):
            check_filter(part, f"{location}.{word}[{i}]")
        return
    if isinstance(node, Not):
        check_filter(node.part, f"{location}.not")
        return
    _check_comparison(node, f"{location}.{node.op.value}")


def _check_comparison(node: Comparison, location: str) -> None:
    op, value = node.op, node.value
    if op is Op.EXISTS:
        if not isinstance(value, bool):
            raise InvalidQuery("exists takes true or false", location)
        return
    if op in (Op.IN, Op.NIN):
        if not isinstance(value, tuple) or not value:
            raise InvalidQuery(f"{op.value} takes a non-empty list of values", location)
        if len(value) > MAX_IN_VALUES:
            raise InvalidQuery(f"{op.value} takes at most {MAX_IN_VALUES} values", location)
        for v in value:
            _check_scalar(node.field, v, location)
        return
    if op is Op.BETWEEN:
        if not isinstance(value, tuple) or len(value) != 2:
            raise InvalidQuery("between takes a list of two values [low, high]", location)
        low, high = value
        _check_scalar(node.field, low, location)
        _check_scalar(node.field, high, location)
        if value_type(low) is not value_type(high):
            raise InvalidQuery("between's two values must be of the same type", location)
        return
    if op in PATTERN_OPS:
        if not isinstance(value, str):
            raise InvalidQuery(f"{op.value} takes a string pattern", location)
        if len(value) > MAX_PATTERN_LENGTH:
            raise InvalidQuery(f"a pattern is at most {MAX_PATTERN_LENGTH} characters", location)
        if op is Op.REGEXP:
            check_regexp(value, location)
        return
    if isinstance(value, tuple) or value is None:
        raise InvalidQuery(f"{op.value} takes one value", location)
    _check_scalar(node.field, value, location)
    if op in RANGE_OPS and isinstance(value, bool):
        raise InvalidQuery("booleans have no order; use eq", location)


def _check_scalar(target: Field, value: object, location: str) -> None:
    if isinstance(value, float) and value != value:  # NaN compares with nothing
        raise InvalidQuery("NaN is not a value", location)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _LARGEST_DOUBLE:
        raise InvalidQuery("a number beyond what can be compared (about 1.8e308)", location)
    if not isinstance(value, str | int | float | bool | datetime):
        raise InvalidQuery("a value is a string, number, boolean or timestamp", location)
    if isinstance(value, datetime) and value.tzinfo is None:
        raise InvalidQuery("a timestamp needs a time zone (use Z for UTC)", location)
    if target.column is not None:
        expected = COLUMN_TYPES.get(target.column, ValueType.TEXT)
        if value_type(value) is not expected:
            raise InvalidQuery(
                f"{target.column.value} holds {expected.value} values, not {value_type(value)}",
                location,
            )


_LARGEST_DOUBLE = int(sys.float_info.max)
_NESTED_QUANTIFIER = re.compile(r"\([^)]*[*+}|][^)]*\)\s*[*+{]")
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?[=!<]")


def check_regexp(pattern: str, location: str = "regexp") -> None:
    """Refuse patterns that can take exponential time (nested quantifiers, back references,
    look-arounds) or that do not compile; what is left runs in bounded time on bounded text."""
    if _NESTED_QUANTIFIER.search(pattern) or _BACKREFERENCE.search(pattern):
        raise InvalidQuery(
            "a regular expression may not repeat a group that repeats or alternates, "
            "refer back or look around",
            location,
        )
    unportable = _unportable(pattern)  # first: Python warns about what it reads as nested sets
    if unportable:
        raise InvalidQuery(unportable, location)
    try:
        re.compile(pattern)
    except re.error as error:
        raise InvalidQuery(f"not a regular expression: {error}", location) from None


MAX_REPETITION = 255
"""PostgreSQL's largest `{m,n}` count (RE_DUP_MAX); Python has none."""
_POSSESSIVE = "possessive quantifiers (*+, ++, ?+, {n}+) are not supported"


_POSIX_CLASS = re.compile(r"\[([:=.])[A-Za-z]*\1\]")


def _unportable(pattern: str) -> str | None:
    """What Python compiles but PostgreSQL refuses (so the query would fail in the database) or
    reads differently (so SQLite and PostgreSQL would answer differently): possessive
    quantifiers (`a++`, Python 3.11), atomic groups, counts above 255, POSIX classes
    (`[[:alpha:]]`: a set of characters to Python), `\\b` inside a class. A word boundary
    `\\b`/`\\B` outside a class is PostgreSQL's `\\y`/`\\Y`: storage translates it."""
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if in_class and pattern[i + 1 : i + 2] in ("b", "B"):
                return "\\b and \\B inside a [...] class mean different things in each database"
            i += 2
            continue
        if in_class:
            if _POSIX_CLASS.match(pattern, i):
                return (
                    "POSIX classes such as [[:alpha:]] are not supported: use \\w, \\d or a range"
                )
            in_class = c != "]"
        elif c == "[":  # a class; a "]" first in it (after any "^") is a literal
            in_class = True
            i += 1
            i += pattern[i : i + 1] == "^"
            i += pattern[i : i + 1] == "]"
            continue
        elif pattern.startswith("(?>", i):
            return "atomic groups (?>...) are not supported"
        elif c in "*+?" and pattern[i + 1 : i + 2] == "+":
            return _POSSESSIVE
        elif c == "{":
            counts = re.match(r"\{(\d*)(?:,(\d*))?\}", pattern[i:])
            if counts:
                if any(n and int(n) > MAX_REPETITION for n in counts.groups()):
                    return f"a repetition count is at most {MAX_REPETITION}"
                i += counts.end() - 1  # on its "}"
                if pattern[i + 1 : i + 2] == "+":
                    return _POSSESSIVE
        i += 1
    return None


def value_type(value: Scalar) -> ValueType:
    if isinstance(value, bool):
        return ValueType.BOOLEAN
    if isinstance(value, int | float):
        return ValueType.NUMBER
    if isinstance(value, datetime):
        return ValueType.TIME
    return ValueType.TEXT


def as_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def index_text(text: str) -> str:
    """`text` as the value index holds it: cut to MAX_TEXT_BYTES of UTF-8 on a character."""
    if len(text) * 4 <= MAX_TEXT_BYTES:
        return text
    return text.encode()[:MAX_TEXT_BYTES].decode(errors="ignore")


def like_to_regexp(pattern: str) -> re.Pattern[str]:
    """A LIKE pattern (`%` any run, `_` one character) as an anchored regular expression."""
    parts = ["." if c == "_" else ".*" if c == "%" else re.escape(c) for c in pattern]
    return re.compile("".join(parts), re.DOTALL)


def postgresql_pattern(pattern: str) -> str:
    """A checked pattern as PostgreSQL reads it: a word boundary `\\b`/`\\B` outside a class is
    its `\\y`/`\\Y` (its `\\b` is a backspace). Everything else check_regexp let through reads
    the same in Python (SQLite's REGEXP here) and PostgreSQL."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            pair = pattern[i : i + 2]
            out.append({"\\b": "\\y", "\\B": "\\Y"}.get(pair, pair) if not in_class else pair)
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            start = i
            i += 1
            i += pattern[i : i + 1] == "^"
            i += pattern[i : i + 1] == "]"
            out.append(pattern[start:i])
            continue
        out.append(c)
        i += 1
    return "".join(out)
