"""Facets by UTC day (core.query FacetGranularity.DAY): the matching records counted per
calendar day of a timestamp, a record column (`created_at`) or a path's instants in the value
index (`record_values.time`).

One grouped statement, driven like the other filtered facets: the matching records' entries
at the path are read through the `(record_pk, path)` index (a column: the records' own rows),
and grouped by their day. The day is computed in the database, in UTC on both: SQLite keeps a
timestamp as its UTC text (`YYYY-MM-DD HH:MM:SS...`, the record store writes UTC), so the day
is its first ten characters; PostgreSQL's `timestamptz` is turned to UTC before `to_char`.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fairdepot.core.query import Column, FacetCount, FacetRequest
from fairdepot.storage.db.models import RecordRow, RecordValueRow

_TIME_COLUMNS = {Column.CREATED_AT: RecordRow.created_at, Column.UPDATED_AT: RecordRow.updated_at}


def day_of(dialect: str, instant: sa.ColumnElement[object]) -> sa.ColumnElement[str]:
    """The ISO date (`YYYY-MM-DD`) of a timestamp expression, in UTC."""
    if dialect == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", instant), "YYYY-MM-DD")
    return sa.func.substr(instant, 1, 10)


def count_by_day(
    session: Session, dialect: str, facet: FacetRequest, records: sa.Select[tuple[int]]
) -> list[FacetCount]:
    """The records of `records` (a select of record pks) per UTC day of `facet.field`, newest
    day first, at most `facet.limit` days."""
    field = facet.field
    if field.column is not None:
        column = _TIME_COLUMNS[field.column]
        day = day_of(dialect, column).label("day")
        counted = (
            sa.select(day, sa.func.count().label("n"))
            .where(RecordRow.pk.in_(records), column.is_not(None))
            .group_by(day)
        )
    else:
        v = RecordValueRow
        day = day_of(dialect, v.time).label("day")
        counted = (
            sa.select(day, sa.func.count(sa.distinct(v.record_pk)).label("n"))
            .where(v.path == field.dotted, v.record_pk.in_(records), v.time.is_not(None))
            .group_by(day)
        )
    newest_first = counted.order_by(sa.desc("day")).limit(facet.limit)
    return [FacetCount(str(d), int(n)) for d, n in session.execute(newest_first)]
