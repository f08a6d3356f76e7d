"""Search and listings every face shares: readable records found through the query layer.

Both build a core `Query` and hand it, with the actor's read scope, to `RecordStore.find`, so
what a search shows and what the caller may open are one decision (core.policy).
"""

from __future__ import annotations

from dataclasses import dataclass

from fairdepot.core.policy import Actor, Mine, read_scope
from fairdepot.core.query import And, Column, Comparison, Field, Filter, Op, Page, Query
from fairdepot.core.records import Record
from fairdepot.services.runtime import Runtime


@dataclass(frozen=True)
class SearchHit:
    """A readable record a search found, with the index's rank of it (higher is better)."""

    record: Record
    score: float


def search(
    runtime: Runtime, actor: Actor, text: str, limit: int, offset: int
) -> tuple[list[SearchHit], int]:
    """FAIRSCAPE's basic search: readable records matching every word, best first, counted."""
    query = Query(text=text, page=Page(limit=limit, offset=offset), count=True)
    with runtime.reading() as store:
        found = store.find(query, read_scope(actor))
        records = store.load(found.rows, with_files=False)
        hits = [
            SearchHit(record, score or 0.0)
            for record, score in zip(records, found.scores, strict=True)
        ]
        return hits, found.total or 0


def list_records(
    runtime: Runtime,
    actor: Actor,
    *,
    kind: str | None = None,
    own_or_group_only: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[Record]:
    """Readable records in the order they were created; `own_or_group_only`: those the actor
    or one of the actor's groups owns (FAIRSCAPE's crate listing)."""
    conditions: list[Filter] = []
    if kind:
        conditions.append(Comparison(Field(column=Column.KIND), Op.EQ, kind))
    query = Query(
        where=And(tuple(conditions)) if conditions else None,
        page=Page(limit=limit, offset=offset),
    )
    with runtime.reading() as store:
        mine = Mine.OWNER_OR_GROUP if own_or_group_only else None
        found = store.find(query, read_scope(actor, mine=mine))
        return store.load(found.rows, with_files=False)
