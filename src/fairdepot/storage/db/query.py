"""A core `Query` and the policy's read scope, compiled into SQL for SQLite and PostgreSQL.

One statement returns a page: the filter tree, the text search and `readable(scope)` (the one
place a read scope becomes SQL, and where the record's lifecycle state is filtered) are AND-ed
in its WHERE clause. A path condition is `records.pk IN (SELECT record_pk FROM record_values
WHERE path = :path AND <typed condition>)`, a range scan on a (path, value) B-tree on both
databases; "any element of an array matches" falls out because each element is its own row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute, Session

from fairdepot.core.policy import ReadScope
from fairdepot.core.query import (
    NEGATIONS,
    And,
    Column,
    Comparison,
    Cursor,
    FacetCount,
    FacetRequest,
    Filter,
    Not,
    Op,
    Or,
    Query,
    Scalar,
    SortKey,
    ValueType,
    check_query,
    index_text,
    value_type,
)
from fairdepot.core.records import RecordState
from fairdepot.storage.db.models import RecordRow, RecordValueRow
from fairdepot.storage.db.records import readable
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
    Column.PUBLICATION_STATUS: RecordRow.publication_status,
    Column.CREATED_AT: RecordRow.created_at,
    Column.UPDATED_AT: RecordRow.updated_at,
}

_VALUE_COLUMNS = {
    ValueType.NUMBER: RecordValueRow.number,
    ValueType.TEXT: RecordValueRow.text,
    ValueType.BOOLEAN: RecordValueRow.boolean,
    ValueType.TIME: RecordValueRow.time,
}


@dataclass
class QueryResult:
    """A page of matching rows (best first for a text search), and what else was asked."""

    rows: list[RecordRow]
    scores: list[float | None]
    total: int | None = None
    next_cursor: Cursor | None = None
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)


def run_query(
    session: Session,
    search: SearchIndex,
    query: Query,
    scope: ReadScope,
    lifecycle: RecordState = RecordState.ACTIVE,
) -> QueryResult:
    """The page, count and facets a query asks for, among the records in `lifecycle` that
    `scope` may read."""
    check_query(query)
    compiler = _Compiler(session.get_bind().dialect.name)
    if _uses_regexp(query) and compiler.dialect == "postgresql":
        session.execute(sa.text(f"SET LOCAL statement_timeout = {REGEXP_TIMEOUT_MS}"))
    conditions: list[sa.ColumnElement[bool]] = [readable(scope, lifecycle)]
    if query.where is not None:
        conditions.append(compiler.filter(query.where))
    matches = search.matches(query.text) if query.text is not None else None
    if query.text is not None and matches is None:
        return QueryResult([], [], 0 if query.count else None)  # no words: nothing matches
    where = sa.and_(*conditions)

    sort_values = [compiler.sort_value(key) for key in query.sort]
    order: list[sa.ColumnElement[Any]] = []
    for key, value in zip(query.sort, sort_values, strict=True):
        order.append((value.desc() if key.descending else value.asc()).nulls_last())
    columns: list[sa.ColumnElement[Any]] = [v.label(f"sort_{i}") for i, v in enumerate(sort_values)]
    page = sa.select(RecordRow, *columns).where(where)
    if matches is not None:
        page = page.join(matches, matches.c.pk == RecordRow.pk).add_columns(matches.c.score)
        if not query.sort:
            order.append(matches.c.score.desc())
    order.append(RecordRow.pk.asc())
    if query.page.after is not None:
        page = page.where(_after(query.sort, sort_values, query.page.after))
    page = page.order_by(*order).limit(query.page.limit).offset(query.page.offset)
    found = session.execute(page).all()

    rows = [r[0] for r in found]
    scores: list[float | None] = [float(r.score) if matches is not None else None for r in found]
    result = QueryResult(rows, scores)
    if found and len(found) == query.page.limit:
        last = found[-1]
        result.next_cursor = Cursor(
            tuple(_plain(last[i + 1]) for i in range(len(sort_values))), last[0].pk
        )
    if query.count:
        counted = sa.select(sa.func.count()).select_from(RecordRow).where(where)
        if matches is not None:
            counted = counted.join(matches, matches.c.pk == RecordRow.pk)
        result.total = int(session.scalar(counted) or 0)
    for facet in query.facets:
        result.facets[facet.key] = _facet(session, compiler, facet, where, matches)
    return result


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
            beyond = value < last if key.descending else value > last
            condition = sa.or_(beyond, value.is_(None), sa.and_(value == last, condition))
    return condition


def _facet(
    session: Session,
    compiler: _Compiler,
    facet: FacetRequest,
    where: sa.ColumnElement[bool],
    matches: sa.Subquery | None,
) -> list[FacetCount]:
    records = sa.select(RecordRow.pk).where(where)
    if matches is not None:
        records = records.join(matches, matches.c.pk == RecordRow.pk)
    if facet.filter is not None:
        records = records.where(compiler.filter(facet.filter))
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
    counted_values = (
        sa.select(
            v.number,
            v.text,
            v.boolean,
            sa.func.count(sa.distinct(v.record_pk)).label("n"),
        )
        .where(
            v.path == target.dotted,
            v.record_pk.in_(records),
            sa.or_(v.number.is_not(None), v.text.is_not(None), v.boolean.is_not(None)),
        )
        .group_by(v.number, v.text, v.boolean)
        .order_by(sa.desc("n"), v.number, v.text, v.boolean)
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
            return column.regexp_match(str(value))
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
