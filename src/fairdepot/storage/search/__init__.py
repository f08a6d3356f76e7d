"""Full-text search behind one interface: FTS5 on SQLite, tsvector + GIN on PostgreSQL."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fairdepot.storage.db.models import RecordRow

_WORD_RE = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchDocument:
    name: str
    description: str
    keywords: str
    body: str


def query_terms(text: str) -> list[str]:
    """Words of a user query; operators and punctuation are never passed to the engine."""
    return _WORD_RE.findall(text.lower())[:32]


class SearchIndex(ABC):
    @abstractmethod
    def put(self, session: Session, record_pk: int, document: SearchDocument) -> None: ...

    @abstractmethod
    def put_many(self, session: Session, new: list[tuple[int, SearchDocument]]) -> None:
        """Index records never indexed before, in one statement (a crate's members)."""

    @abstractmethod
    def remove(self, session: Session, record_pk: int) -> None: ...

    @abstractmethod
    def search(
        self, session: Session, text: str, where: sa.ColumnElement[bool], limit: int, offset: int
    ) -> tuple[list[tuple[RecordRow, float]], int]:
        """Matching readable records with their rank (higher is better), best first, and how
        many match in all. The rank is the engine's own (FTS5 bm25, PostgreSQL ts_rank), so
        scores compare within one result list, not across the two databases."""


class SqliteSearchIndex(SearchIndex):
    _INSERT = sa.text(
        "INSERT INTO record_fts(rowid, name, description, keywords, body) "
        "VALUES (:pk, :name, :description, :keywords, :body)"
    )

    def put(self, session: Session, record_pk: int, document: SearchDocument) -> None:
        self.remove(session, record_pk)
        session.execute(self._INSERT, {"pk": record_pk, **document.__dict__})

    def put_many(self, session: Session, new: list[tuple[int, SearchDocument]]) -> None:
        # no delete first: an FTS5 delete costs a lookup even when there is no row
        if new:
            session.execute(self._INSERT, [{"pk": pk, **doc.__dict__} for pk, doc in new])

    def remove(self, session: Session, record_pk: int) -> None:
        session.execute(sa.text("DELETE FROM record_fts WHERE rowid = :pk"), {"pk": record_pk})

    def search(self, session, text, where, limit, offset):  # type: ignore[no-untyped-def]
        terms = query_terms(text)
        if not terms:
            return [], 0
        match = " ".join(f'"{t}"*' for t in terms)
        fts = sa.table("record_fts", sa.column("rowid"), sa.column("rank"))
        matched = sa.select(fts.c.rowid, fts.c.rank).where(sa.text("record_fts MATCH :match"))
        hits = matched.subquery()
        base = (
            sa.select(RecordRow, hits.c.rank).join(hits, hits.c.rowid == RecordRow.pk).where(where)
        )
        total = session.scalar(
            sa.select(sa.func.count()).select_from(base.subquery()), {"match": match}
        )
        rows = session.execute(
            base.order_by(hits.c.rank, RecordRow.pk).limit(limit).offset(offset), {"match": match}
        ).all()
        # FTS5's rank is bm25, negative, lower is better: its negation reads as a score
        return [(row[0], -float(row[1])) for row in rows], int(total or 0)


class PostgresSearchIndex(SearchIndex):
    _VECTOR = (
        "setweight(to_tsvector('simple', :name), 'A') || "
        "setweight(to_tsvector('simple', :keywords), 'B') || "
        "setweight(to_tsvector('english', :description), 'C') || "
        "setweight(to_tsvector('english', :body), 'D')"
    )

    def put(self, session: Session, record_pk: int, document: SearchDocument) -> None:
        self.put_many(session, [(record_pk, document)])

    def put_many(self, session: Session, new: list[tuple[int, SearchDocument]]) -> None:
        if not new:
            return
        session.execute(
            sa.text(
                f"INSERT INTO record_search(record_pk, document) VALUES (:pk, {self._VECTOR}) "  # noqa: S608 - constant SQL
                "ON CONFLICT (record_pk) DO UPDATE SET document = EXCLUDED.document"
            ),
            [{"pk": pk, **doc.__dict__} for pk, doc in new],
        )

    def remove(self, session: Session, record_pk: int) -> None:
        session.execute(
            sa.text("DELETE FROM record_search WHERE record_pk = :pk"), {"pk": record_pk}
        )

    def search(self, session, text, where, limit, offset):  # type: ignore[no-untyped-def]
        terms = query_terms(text)
        if not terms:
            return [], 0
        tsquery = " & ".join(f"{t}:*" for t in terms)
        search = sa.table("record_search", sa.column("record_pk"), sa.column("document"))
        query = sa.func.to_tsquery("simple", tsquery)
        english = sa.func.to_tsquery("english", tsquery)
        matches = search.c.document.op("@@")(query) | search.c.document.op("@@")(english)
        # a record found only through English stemming still gets a rank, not 0
        rank = sa.func.greatest(
            sa.func.ts_rank(search.c.document, query), sa.func.ts_rank(search.c.document, english)
        )
        base = (
            sa.select(RecordRow, rank.label("rank"))
            .join(search, search.c.record_pk == RecordRow.pk)
            .where(matches, where)
        )
        total = session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
        rows = session.execute(
            base.order_by(sa.desc("rank"), RecordRow.pk).limit(limit).offset(offset)
        ).all()
        return [(row[0], float(row[1])) for row in rows], int(total or 0)


def search_index_for(dialect: str) -> SearchIndex:
    return SqliteSearchIndex() if dialect == "sqlite" else PostgresSearchIndex()
