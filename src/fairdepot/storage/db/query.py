"""A core `Query` and the policy's read scope, compiled into SQL for SQLite and PostgreSQL.

One statement returns a page: the filter tree, the text search and `readable(scope)` (the one
place a read scope becomes SQL, and where the record's lifecycle state is filtered) are AND-ed
in its WHERE clause. A path condition is `records.pk IN (SELECT record_pk FROM record_values
WHERE path = :path AND <typed condition>)`, a range scan on a (path, value) B-tree on both
databases; "any element of an array matches" falls out because each element is its own row.
`run_per_parent` pages the children of many parents at once (an include's scope).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute, Session, aliased, defer
from sqlalchemy.orm.interfaces import ORMOption

from fairdepot.core.document_values import DocumentPath
from fairdepot.core.policy import ReadScope
from fairdepot.core.query import (
    NEGATIONS,
    And,
    Column,
    Comparison,
    Cursor,
    FacetCount,
    FacetGranularity,
    FacetRequest,
    Filter,
    Not,
    Op,
    Or,
    Query,
    Scalar,
    SortKey,
    ValueType,
    check_filter,
    check_query,
    index_text,
    postgresql_pattern,
    value_type,
)
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import RecordState
from fairdepot.storage.db.child_summaries import native_array_length
from fairdepot.storage.db.day_facets import count_by_day
from fairdepot.storage.db.models import RecordRow, RecordValueRow
from fairdepot.storage.db.scope import readable
from fairdepot.storage.search import SearchIndex

Expression = sa.ColumnElement[Any] | QueryableAttribute[Any]

REGEXP_TIMEOUT_MS = 2000
"""PostgreSQL runs a query with a regular expression under this statement timeout."""

_COLUMNS: dict[Column, Expression] = {
    Column.ARK: RecordRow.ark,
    Column.KIND: RecordRow.kind,
    Column.FACE: RecordRow.face,
    Column.NAME: RecordRow.name,
    Column.DESCRIPTION: RecordRow.description,
    Column.OWNER_ID: RecordRow.owner_id,
    Column.OWNER_GROUP: RecordRow.owner_group,
    Column.ORGANIZATION: RecordRow.organization,
    Column.PUBLICATION_STATUS: RecordRow.publication_status,
    Column.CREATED_AT: RecordRow.created_at,
    Column.UPDATED_AT: RecordRow.updated_at,
    Column.MODERATION_STATE: RecordRow.moderation_state,
}

_VALUE_COLUMNS = {
    ValueType.NUMBER: RecordValueRow.number,
    ValueType.TEXT: RecordValueRow.text,
    ValueType.BOOLEAN: RecordValueRow.boolean,
    ValueType.TIME: RecordValueRow.time,
}


@dataclass
class QueryResult:
    """A page of matching records (best first for a text search), and what else was asked."""

    rows: Sequence[RecordHandle]
    scores: list[float | None]
    total: int | None = None
    next_cursor: Cursor | None = None
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)


@dataclass
class Tally:
    """How many records a query matches, and its facets: a query's answer without its page."""

    total: int
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Matching:
    """The WHERE clause of a query's matching records, and its text matches (if any)."""

    compiler: _Compiler
    where: sa.ColumnElement[bool]
    matches: sa.Subquery | None


def _matching(
    session: Session, search: SearchIndex, query: Query, scope: ReadScope, lifecycle: RecordState
) -> _Matching | None:
    """The checked query's matching records, among those in `lifecycle` that `scope` may
    read; None when its text search has no words (nothing matches)."""
    check_query(query)
    compiler = _Compiler(session.get_bind().dialect.name)
    if _uses_regexp(query) and compiler.dialect == "postgresql":
        session.execute(sa.text(f"SET LOCAL statement_timeout = {REGEXP_TIMEOUT_MS}"))
    conditions: list[sa.ColumnElement[bool]] = [readable(scope, lifecycle)]
    if query.where is not None:
        conditions.append(compiler.filter(query.where))
    matches = search.matches(query.text) if query.text is not None else None
    if query.text is not None and matches is None:
        return None
    return _Matching(compiler, sa.and_(*conditions), matches)


def run_query(
    session: Session,
    search: SearchIndex,
    query: Query,
    scope: ReadScope,
    lifecycle: RecordState = RecordState.ACTIVE,
    *,
    with_metadata: bool = True,
) -> QueryResult:
    """The page, count and facets a query asks for, among the records in `lifecycle` that
    `scope` may read. `with_metadata=False`: the page's rows are read without their JSON-LD
    (reading it from one of them raises rather than costing a statement per row)."""
    matching = _matching(session, search, query, scope, lifecycle)
    if matching is None:
        return QueryResult([], [], 0 if query.count else None)  # no words: nothing matches
    compiler, where, matches = matching.compiler, matching.where, matching.matches
    loading = () if with_metadata else (defer(RecordRow.metadata_doc, raiseload=True),)

    if query.sort and query.sort[0].field.column is None and scope.everything:
        # every record in the lifecycle is readable, so walking the path's index in sort order
        # finds a page at once; a restricted scope lets few through, and the walk would pass
        # most of the index to find them (see docs/architecture.md, the query layer)
        found = _path_sorted_page(session, compiler, query, where, matches, loading)
    else:
        found = _page(session, compiler, query, where, matches, loading)

    rows = [f.row for f in found]
    scores: list[float | None] = [f.score for f in found]
    result = QueryResult(rows, scores)
    if found and len(found) == query.page.limit:
        last = found[-1]
        result.next_cursor = Cursor(tuple(_plain(v) for v in last.sort_values), last.row.pk)
    if query.count:
        result.total = _count(session, matching)
    result.facets = _facets(session, matching, query, scope, lifecycle)
    return result


def run_tally(
    session: Session,
    search: SearchIndex,
    query: Query,
    scope: ReadScope,
    lifecycle: RecordState = RecordState.ACTIVE,
) -> Tally:
    """How many records `query` matches among those in `lifecycle` that `scope` may read,
    and its facets; its page (and `count` flag) ignored: no record row is read."""
    matching = _matching(session, search, query, scope, lifecycle)
    if matching is None:
        return Tally(0)
    return Tally(_count(session, matching), _facets(session, matching, query, scope, lifecycle))


def _count(session: Session, matching: _Matching) -> int:
    counted = sa.select(sa.func.count()).select_from(RecordRow).where(matching.where)
    if matching.matches is not None:
        counted = counted.join(matching.matches, matching.matches.c.pk == RecordRow.pk)
    return int(session.scalar(counted) or 0)


def _facets(
    session: Session, matching: _Matching, query: Query, scope: ReadScope, lifecycle: RecordState
) -> dict[str, list[FacetCount]]:
    # everything in the lifecycle is readable and nothing else narrows it: a facet need not
    # check its records one by one (see _facet)
    whole = scope.everything and query.where is None and lifecycle is not RecordState.DELETED
    return {
        facet.key: _facet(
            session,
            matching.compiler,
            facet,
            matching.where,
            matching.matches,
            lifecycle if whole else None,
        )
        for facet in query.facets
    }


@dataclass(frozen=True)
class _Found:
    row: RecordRow
    sort_values: tuple[object, ...]
    score: float | None


def _found(rows: Sequence[sa.Row[Any]], keys: int, ranked: bool) -> list[_Found]:
    """Rows of (record, its sort values..., [score])."""
    return [
        _Found(r[0], tuple(r[1 : keys + 1]), float(r[keys + 1]) if ranked else None) for r in rows
    ]


def _page(
    session: Session,
    compiler: _Compiler,
    query: Query,
    where: sa.ColumnElement[bool],
    matches: sa.Subquery | None,
    loading: Sequence[ORMOption] = (),
) -> list[_Found]:
    """A page in column order, or in text rank, or in record order: one statement."""
    page = _page_statement(compiler, query, where, matches, RecordRow).options(*loading)
    return _found(session.execute(page).all(), len(query.sort), matches is not None)


def _page_statement(
    compiler: _Compiler,
    query: Query,
    where: sa.ColumnElement[bool],
    matches: sa.Subquery | None,
    selected: Any,
) -> sa.Select[Any]:
    """The page's statement: `selected`, then its sort values, then the text rank (if any)."""
    sort_values = [compiler.sort_value(key) for key in query.sort]
    order: list[sa.ColumnElement[Any]] = []
    for key, value in zip(query.sort, sort_values, strict=True):
        order.append((value.desc() if key.descending else value.asc()).nulls_last())
    columns: list[sa.ColumnElement[Any]] = [v.label(f"sort_{i}") for i, v in enumerate(sort_values)]
    page = sa.select(selected, *columns).where(where)
    if matches is not None:
        page = page.join(matches, matches.c.pk == RecordRow.pk).add_columns(matches.c.score)
        if not query.sort:
            order.append(matches.c.score.desc())
    order.append(RecordRow.pk.asc())
    if query.page.after is not None:
        page = page.where(_after(query.sort, sort_values, query.page.after))
    return page.order_by(*order).limit(query.page.limit).offset(query.page.offset)


def _path_sorted_page(
    session: Session,
    compiler: _Compiler,
    query: Query,
    where: sa.ColumnElement[bool],
    matches: sa.Subquery | None,
    loading: Sequence[ORMOption] = (),
) -> list[_Found]:
    """A page sorted first by a document path, in two index-driven parts.

    The records that have a value of the lead key's type at its path come first: the statement
    walks `(path, value, record_pk)` in sort order from the cursor (a seek, whatever the depth)
    or from the start past the offset (an index walk, not a sort of every record), keeping the
    row that is its record's sort value (smallest going up, largest going down; one per record).
    Records with no such value follow, in the order of the other keys and then pk; they are
    only asked for when the page runs past the valued ones.
    """
    lead, rest = query.sort[0], query.sort[1:]
    rest_values = [compiler.sort_value(key) for key in rest]
    rest_order = [
        (value.desc() if key.descending else value.asc()).nulls_last()
        for key, value in zip(rest, rest_values, strict=True)
    ]
    rest_columns = [v.label(f"sort_{i + 1}") for i, v in enumerate(rest_values)]
    page, after = query.page, query.page.after
    path = lead.field.dotted
    ranked = matches is not None

    found: list[_Found] = []
    if after is None or after.values[0] is not None:
        v = aliased(RecordValueRow, name="sort_value")
        other = aliased(RecordValueRow, name="other_value")
        value = _typed(v, lead.type)
        rival = _typed(other, lead.type)
        better = rival > value if lead.descending else rival < value
        picked = ~sa.exists().where(
            other.record_pk == v.record_pk,
            other.path == path,
            sa.or_(better, sa.and_(rival == value, other.id < v.id)),
        )
        valued = (
            sa.select(RecordRow, value.label("sort_0"), *rest_columns)
            .select_from(v)
            .join(RecordRow, RecordRow.pk == v.record_pk)
            .where(v.path == path, value.is_not(None), picked, where)
        )
        if matches is not None:
            valued = valued.join(matches, matches.c.pk == RecordRow.pk).add_columns(matches.c.score)
        if after is not None:
            last = _bound(after.values[0])
            # the leading bound is what makes it a seek: the OR below alone is not a range
            valued = valued.where(value <= last if lead.descending else value >= last)
            valued = valued.where(_after(query.sort, [value, *rest_values], after))
        valued = valued.order_by(
            value.desc() if lead.descending else value.asc(), *rest_order, v.record_pk.asc()
        )
        rows = session.execute(valued.limit(page.limit).offset(page.offset).options(*loading)).all()
        found = _found(rows, len(query.sort), ranked)
        if len(found) == page.limit:
            return found

    offset = 0
    if after is None and page.offset and not found:
        # the page starts among the valueless records: skip what the valued ones took
        valued_count = (
            sa.select(sa.func.count()).select_from(RecordRow).where(where, _has_value(lead))
        )
        if matches is not None:
            valued_count = valued_count.join(matches, matches.c.pk == RecordRow.pk)
        offset = max(0, page.offset - int(session.scalar(valued_count) or 0))
    valueless = sa.select(RecordRow, sa.null().label("sort_0"), *rest_columns).where(
        where, sa.not_(_has_value(lead))
    )
    if matches is not None:
        valueless = valueless.join(matches, matches.c.pk == RecordRow.pk).add_columns(
            matches.c.score
        )
    if after is not None and after.values[0] is None:
        valueless = valueless.where(_after(rest, rest_values, Cursor(after.values[1:], after.pk)))
    valueless = (
        valueless.order_by(*rest_order, RecordRow.pk.asc())
        .limit(page.limit - len(found))
        .offset(offset)
    )
    valueless = valueless.options(*loading)
    return found + _found(session.execute(valueless).all(), len(query.sort), ranked)


def _has_value(key: SortKey) -> sa.ColumnElement[bool]:
    """The record has a value of the key's type at the key's path."""
    v = aliased(RecordValueRow, name="held_value")
    column = _typed(v, key.type)
    return sa.exists().where(
        v.record_pk == RecordRow.pk, v.path == key.field.dotted, column.is_not(None)
    )


def _typed(values: Any, kind: ValueType) -> Expression:
    """The column of `kind` on an alias of `record_values`."""
    column: Expression = getattr(values, _VALUE_COLUMNS[kind].key)
    return column


def _plain(value: object) -> Scalar | None:
    if value is None or isinstance(value, str | int | float | datetime):
        return value
    return str(value)


def _after(
    keys: Sequence[SortKey], values: Sequence[Expression], cursor: Cursor
) -> sa.ColumnElement[bool]:
    """Rows after the cursor in (sort keys, nulls last; then pk ascending) order."""
    condition: sa.ColumnElement[bool] = RecordRow.pk > cursor.pk
    for key, value, last in reversed(list(zip(keys, values, cursor.values, strict=True))):
        if last is None:
            condition = sa.and_(value.is_(None), condition)
        else:
            bound = _bound(last)
            beyond = value < bound if key.descending else value > bound
            condition = sa.or_(beyond, value.is_(None), sa.and_(value == bound, condition))
    return condition


def _bound(value: Scalar | None) -> object:
    """A cursor value as a bound parameter (SQLAlchemy takes a bare True for `IS true`)."""
    return sa.literal(value, sa.Boolean) if isinstance(value, bool) else value


def _facet(
    session: Session,
    compiler: _Compiler,
    facet: FacetRequest,
    where: sa.ColumnElement[bool],
    matches: sa.Subquery | None,
    whole: RecordState | None = None,
) -> list[FacetCount]:
    """Records per value, most first. `whole` says the query matches every record in that
    lifecycle state: then a path facet counts the values of all records minus those of the
    records in other states (the trash and tombstones, few), a walk of the path's index
    entries alone, instead of a check of each record against the matching set."""
    records = sa.select(RecordRow.pk).where(where)
    if matches is not None:
        records = records.join(matches, matches.c.pk == RecordRow.pk)
    if facet.filter is not None:
        records = records.where(compiler.filter(facet.filter))
    if facet.granularity is FacetGranularity.DAY:
        return count_by_day(session, compiler.dialect, facet, records)
    target = facet.field
    if target.column is not None:
        column = _COLUMNS[target.column]
        counted = (
            sa.select(column.label("value"), sa.func.count().label("n"))
            .where(RecordRow.pk.in_(records), column.is_not(None))
            .group_by(column)
            .order_by(sa.desc("n"), column)
            .limit(facet.limit)
        )
        return [FacetCount(_plain(v), int(n)) for v, n in session.execute(counted)]
    v = RecordValueRow
    if whole is None or matches is not None or facet.filter is not None:
        # driven by the matching records, each looked up at the path: one statement (a union
        # per type would evaluate the matching set once per part)
        counted_values = (
            sa.select(v.number, v.text, v.boolean, sa.func.count(sa.distinct(v.record_pk)))
            .where(
                v.path == target.dotted,
                v.record_pk.in_(records),
                sa.or_(v.number.is_not(None), v.text.is_not(None), v.boolean.is_not(None)),
            )
            .group_by(v.number, v.text, v.boolean)
            .order_by(sa.desc(sa.func.count(sa.distinct(v.record_pk))), v.number, v.text, v.boolean)
            .limit(facet.limit)
        )
        return [
            FacetCount(_facet_value(number, text, boolean), int(n))
            for number, text, boolean, n in session.execute(counted_values)
        ]
    others = sorted(s.value for s in RecordState if s is not whole)
    held = v.record_pk.not_in(sa.select(RecordRow.pk).where(RecordRow.state.in_(others)))
    # one grouped part per type (a value row holds one of them): each walks the covering
    # (path, value, record_pk) index in value order, so the count needs neither the table
    # rows nor a sort
    parts = []
    for kind in (ValueType.NUMBER, ValueType.TEXT, ValueType.BOOLEAN):
        grouped = _VALUE_COLUMNS[kind]
        parts.append(
            sa.select(
                *(
                    (column if column is grouped else sa.cast(sa.null(), column.type)).label(
                        column.key
                    )
                    for column in (v.number, v.text, v.boolean)
                ),
                sa.func.count(sa.distinct(v.record_pk)).label("n"),
            )
            .where(v.path == target.dotted, grouped.is_not(None), held)
            .group_by(grouped)
        )
    counts = sa.union_all(*parts).subquery("counts")
    counted_values = (
        sa.select(counts.c.number, counts.c.text, counts.c.boolean, counts.c.n)
        .order_by(sa.desc(counts.c.n), counts.c.number, counts.c.text, counts.c.boolean)
        .limit(facet.limit)
    )
    return [
        FacetCount(_facet_value(number, text, boolean), int(n))
        for number, text, boolean, n in session.execute(counted_values)
    ]


def _facet_value(number: float | None, text: str | None, boolean: bool | None) -> Scalar | None:
    if text is not None:
        return text
    if boolean is not None:
        return bool(boolean)
    if number is not None and float(number).is_integer():
        return int(number)
    return number


def _uses_regexp(query: Query) -> bool:
    trees = [query.where, *(f.filter for f in query.facets)]
    return any(t is not None and _has_op(t, Op.REGEXP) for t in trees)


def _has_op(node: Filter, op: Op) -> bool:
    if isinstance(node, And | Or):
        return any(_has_op(p, op) for p in node.parts)
    if isinstance(node, Not):
        return _has_op(node.part, op)
    return node.op is op


class _Compiler:
    def __init__(self, dialect: str) -> None:
        self.dialect = dialect

    def filter(self, node: Filter) -> sa.ColumnElement[bool]:
        """A condition that is never NULL, so that NOT of it is its complement."""
        if isinstance(node, And):
            return sa.and_(*(self.filter(p) for p in node.parts))
        if isinstance(node, Or):
            return sa.or_(*(self.filter(p) for p in node.parts))
        if isinstance(node, Not):
            return sa.not_(self.filter(node.part))
        if node.op in NEGATIONS:
            return sa.not_(self.filter(Comparison(node.field, NEGATIONS[node.op], node.value)))
        if node.field.column is not None:
            return self._column(_COLUMNS[node.field.column], node)
        return self._path(node)

    def _column(self, column: Expression, node: Comparison) -> sa.ColumnElement[bool]:
        if node.op is Op.EXISTS:
            return column.is_not(None) if node.value else column.is_(None)
        return sa.and_(column.is_not(None), self._condition(column, node))

    def _path(self, node: Comparison) -> sa.ColumnElement[bool]:
        v = RecordValueRow
        holders = sa.select(v.record_pk).where(v.path == node.field.dotted)
        if node.op is Op.EXISTS:
            return RecordRow.pk.in_(holders) if node.value else RecordRow.pk.not_in(holders)
        if node.op is Op.IN:
            assert isinstance(node.value, tuple)
            by_type: dict[ValueType, list[Scalar]] = {}
            for item in node.value:
                by_type.setdefault(value_type(item), []).append(_stored(item))
            condition = sa.or_(
                *(_VALUE_COLUMNS[t].in_(values) for t, values in sorted(by_type.items()))
            )
        else:
            condition = self._condition(self._value_column(node), node)
        return RecordRow.pk.in_(holders.where(condition))

    @staticmethod
    def _value_column(node: Comparison) -> Expression:
        if node.op in (Op.LIKE, Op.ILIKE, Op.REGEXP):
            return RecordValueRow.text
        sample = node.value[0] if isinstance(node.value, tuple) else node.value
        assert sample is not None
        return _VALUE_COLUMNS[value_type(sample)]

    def _condition(self, column: Expression, node: Comparison) -> sa.ColumnElement[bool]:
        op, value = node.op, node.value
        if op is Op.IN:
            assert isinstance(value, tuple)
            return column.in_([_stored(v) for v in value])
        if op is Op.BETWEEN:
            assert isinstance(value, tuple)
            return column.between(_stored(value[0]), _stored(value[1]))
        if op is Op.LIKE:
            return self._like(column, str(value))
        if op is Op.ILIKE:
            return column.ilike(self._escaped(str(value)))
        if op is Op.REGEXP:
            pattern = str(value)
            if self.dialect == "postgresql":
                pattern = postgresql_pattern(pattern)
            return column.regexp_match(pattern)
        assert value is not None
        assert not isinstance(value, tuple)
        stored: object = _stored(value)
        if isinstance(stored, bool):
            stored = sa.literal(stored, sa.Boolean)
        comparisons = {
            Op.EQ: column == stored,
            Op.GT: column > stored,
            Op.GTE: column >= stored,
            Op.LT: column < stored,
            Op.LTE: column <= stored,
        }
        return comparisons[op]

    def _like(self, column: Expression, pattern: str) -> sa.ColumnElement[bool]:
        """Case-sensitive on both databases: SQLite's LIKE folds ASCII case, its GLOB does not."""
        if self.dialect == "sqlite":
            glob = "".join(
                "*" if c == "%" else "?" if c == "_" else f"[{c}]" if c in "*?[" else c
                for c in pattern
            )
            return column.op("GLOB")(glob)
        return column.like(self._escaped(pattern))

    def _escaped(self, pattern: str) -> str:
        """PostgreSQL's LIKE treats a backslash as an escape; ours is a plain character."""
        return pattern.replace("\\", "\\\\") if self.dialect == "postgresql" else pattern

    def sort_value(self, key: SortKey) -> Expression:
        """A record's value for a sort key: the column, or the smallest (ascending) or largest
        (descending) value of the key's type at the path; NULL when it has none."""
        if key.field.column is not None:
            return _COLUMNS[key.field.column]
        v = RecordValueRow
        column = _VALUE_COLUMNS[key.type]
        pick = sa.func.max(column) if key.descending else sa.func.min(column)
        if key.type is ValueType.BOOLEAN and self.dialect == "postgresql":
            # PostgreSQL has no min/max of booleans: they are bool_and / bool_or
            pick = sa.func.bool_or(column) if key.descending else sa.func.bool_and(column)
        return (
            sa.select(pick)
            .where(v.record_pk == RecordRow.pk, v.path == key.field.dotted)
            .scalar_subquery()
        )


def _stored(value: Scalar) -> Scalar:
    """A query value as the value index holds it (numbers as floats, cut text)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return index_text(value)
    return value.astimezone(UTC)


def run_per_parent(
    session: Session,
    parent_pks: Sequence[int],
    where: Filter | None,
    sort: Sequence[SortKey],
    scope: ReadScope,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[RecordRow]:
    """The active children of each parent that `scope` may read and `where` matches, in `sort`
    order (then pk), `offset` skipped and at most `limit` (None: all) kept per parent: one
    statement for all the parents, numbering each parent's matches with a window function
    (ROW_NUMBER() OVER (PARTITION BY parent ORDER BY ...), SQLite and PostgreSQL alike), as
    loopback applies an include scope's limit to each parent. By parent, then by rank."""
    if not parent_pks:
        return []
    if where is not None:
        check_filter(where)
    compiler = _Compiler(session.get_bind().dialect.name)
    if where is not None and _has_op(where, Op.REGEXP) and compiler.dialect == "postgresql":
        session.execute(sa.text(f"SET LOCAL statement_timeout = {REGEXP_TIMEOUT_MS}"))
    conditions = [readable(scope, RecordState.ACTIVE), RecordRow.parent_pk.in_(list(parent_pks))]
    if where is not None:
        conditions.append(compiler.filter(where))
    order: list[sa.ColumnElement[Any]] = []
    for key in sort:
        value = compiler.sort_value(key)
        order.append((value.desc() if key.descending else value.asc()).nulls_last())
    order.append(RecordRow.pk.asc())
    rank = sa.func.row_number().over(partition_by=RecordRow.parent_pk, order_by=order)
    ranked = sa.select(RecordRow.pk.label("pk"), rank.label("rank")).where(*conditions).subquery()
    page = (
        sa.select(RecordRow)
        .join(ranked, ranked.c.pk == RecordRow.pk)
        .where(ranked.c.rank > offset)
        .order_by(RecordRow.parent_pk, ranked.c.rank)
    )
    if limit is not None:
        page = page.where(ranked.c.rank <= offset + limit)
    return list(session.scalars(page))


def count_array_items(
    session: Session, search: SearchIndex, query: Query, scope: ReadScope, key: str
) -> int:
    """How many items the arrays at the native document's top-level `key` hold, summed over
    the records `query` matches (its where and text, among the active ones `scope` may read):
    `dataFileList` counts blocks' files (SciCat's unwound `totalSets`). Read from the stored
    document, not the value index, which holds a bounded number of values per record."""
    compiler = _Compiler(session.get_bind().dialect.name)
    if _uses_regexp(query) and compiler.dialect == "postgresql":
        session.execute(sa.text(f"SET LOCAL statement_timeout = {REGEXP_TIMEOUT_MS}"))
    length = native_array_length(compiler.dialect, key)
    counted = sa.select(sa.func.coalesce(sa.func.sum(length), 0)).where(
        readable(scope, RecordState.ACTIVE)
    )
    if query.where is not None:
        check_filter(query.where)
        counted = counted.where(compiler.filter(query.where))
    if query.text is not None:
        matches = search.matches(query.text)
        if matches is None:
            return 0
        counted = counted.join_from(RecordRow, matches, matches.c.pk == RecordRow.pk)
    return int(session.scalar(counted) or 0)


def document_paths(
    session: Session, search: SearchIndex, query: Query, scope: ReadScope, prefix: str
) -> list[DocumentPath]:
    """The distinct paths below `prefix` (`native.scientificMetadata.`) of the records on the
    page `query` asks for (its where, text, sort and page, among the active ones `scope` may
    read), in the order they were first written: read from the value index, grouped in the
    database, so a page of a thousand datasets costs one statement and returns its keys, not
    its documents. Each path says whether one of its values is truthy or a string (what makes
    a `unit` a unit for SciCat's metadata keys)."""
    check_query(query)
    compiler = _Compiler(session.get_bind().dialect.name)
    if _uses_regexp(query) and compiler.dialect == "postgresql":
        session.execute(sa.text(f"SET LOCAL statement_timeout = {REGEXP_TIMEOUT_MS}"))
    conditions: list[sa.ColumnElement[bool]] = [readable(scope, RecordState.ACTIVE)]
    if query.where is not None:
        conditions.append(compiler.filter(query.where))
    matches = search.matches(query.text) if query.text is not None else None
    if query.text is not None and matches is None:
        return []
    page = _page_statement(compiler, query, sa.and_(*conditions), matches, RecordRow.pk)
    pks = page.subquery()
    value = RecordValueRow
    truthy = sa.case(
        (
            sa.or_(
                value.text.is_not(None),
                sa.and_(value.number.is_not(None), value.number != 0),
                value.boolean.is_(True),
            ),
            1,
        ),
        else_=0,
    )
    first = sa.func.min(value.id)
    statement = (
        sa.select(value.path, sa.func.max(truthy))
        .where(value.record_pk.in_(sa.select(pks.c.pk)))
        .where(sa.func.substr(value.path, 1, len(prefix)) == prefix)
        .group_by(value.path)
        .order_by(first)
    )
    return [
        DocumentPath(path[len(prefix) :], bool(flag)) for path, flag in session.execute(statement)
    ]
