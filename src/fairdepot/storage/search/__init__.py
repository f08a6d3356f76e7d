"""Full-text search behind one interface: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

The index gives `storage.db.query` a subquery of matching record keys with a score; the query
compiler joins it into the one statement that also applies filters, the read scope and paging.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fairdepot.core.document_values import document_strings

_WORD_RE = re.compile(r"\w+", re.UNICODE)
MAX_BODY = 200_000
"""Characters of document text indexed per record (names, descriptions, keywords always are)."""


@dataclass(frozen=True)
class SearchDocument:
    name: str
    description: str
    keywords: str
    body: str


def search_document_of(
    name: str | None,
    description: str | None,
    keywords: Sequence[str] | None,
    native: Any,
    metadata: Any,
) -> SearchDocument:
    """What the index holds of a record: every string of its native document and metadata
    (at any depth) as the body, besides its name, description and keywords."""
    skip = {name, description}
    body = " ".join(s for s in document_strings(native, metadata) if s not in skip)
    return SearchDocument(
        name=name or "",
        description=description or "",
        keywords=" ".join(keywords or []),
        body=body[:MAX_BODY],
    )


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
    def matches(self, text: str) -> sa.Subquery | None:
        """Records matching every word of `text` (prefixes), as a subquery of `pk` and `score`
        (higher is better), or None when the text has no words. The score is the engine's own
        (FTS5 bm25, PostgreSQL ts_rank): it compares within one result list only."""


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

    def matches(self, text: str) -> sa.Subquery | None:
        terms = query_terms(text)
        if not terms:
            return None
        match = " ".join(f'"{t}"*' for t in terms)
        fts = sa.table("record_fts", sa.column("rowid"), sa.column("rank"))
        # FTS5's rank is bm25, negative, lower is better: its negation reads as a score
        return (
            sa.select(fts.c.rowid.label("pk"), (-fts.c.rank).label("score"))
            .where(sa.literal_column("record_fts").op("MATCH")(sa.bindparam("fts_match", match)))
            .subquery("text_matches")
        )


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

    def matches(self, text: str) -> sa.Subquery | None:
        terms = query_terms(text)
        if not terms:
            return None
        tsquery = " & ".join(f"{t}:*" for t in terms)
        search = sa.table("record_search", sa.column("record_pk"), sa.column("document"))
        simple = sa.func.to_tsquery("simple", tsquery)
        english = sa.func.to_tsquery("english", tsquery)
        found = search.c.document.op("@@")(simple) | search.c.document.op("@@")(english)
        # a record found only through English stemming still gets a rank, not 0
        score = sa.func.greatest(
            sa.func.ts_rank(search.c.document, simple), sa.func.ts_rank(search.c.document, english)
        )
        return (
            sa.select(search.c.record_pk.label("pk"), score.label("score"))
            .where(found)
            .subquery("text_matches")
        )


def search_index_for(dialect: str) -> SearchIndex:
    return SqliteSearchIndex() if dialect == "sqlite" else PostgresSearchIndex()
