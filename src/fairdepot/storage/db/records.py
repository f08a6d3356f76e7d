"""The records repository: finding, inserting, updating and deleting stored records in SQL.

Services get and give back `core.record_handle.RecordHandle`s (the rows behind them stay
here). How a row reads as a `Record` is `record_mapping.py`, which columns a record or a
change writes `record_columns.py`, and the reads of many records at once `record_loading.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer
from sqlalchemy.sql.base import ExecutableOption

from fairdepot.core.ark import normalise
from fairdepot.core.document_values import DocumentPath
from fairdepot.core.errors import IdentifierTaken
from fairdepot.core.policy import ReadScope
from fairdepot.core.query import Filter, Query, SortKey
from fairdepot.core.record_changes import UNCHANGED, FileChanges, RecordChanges
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import Access, Record, RecordFile, RecordState, Relation
from fairdepot.storage.db.child_listings import ListingChild, children_listing
from fairdepot.storage.db.child_summaries import (
    ChildSummary,
    child_summaries,
    native_documents,
)
from fairdepot.storage.db.models import (
    BlobDeletionRow,
    RecordAccessGroupRow,
    RecordFileRow,
    RecordIdentifierRow,
    RecordRevisionRow,
    RecordRow,
    RelationRow,
    utcnow,
)
from fairdepot.storage.db.query import (
    QueryResult,
    Tally,
    count_array_items,
    document_paths,
    run_per_parent,
    run_query,
    run_tally,
)
from fairdepot.storage.db.record_columns import (
    RECORD_COLUMNS,
    changed_columns,
    file_columns,
    fill_row,
    search_document,
)
from fairdepot.storage.db.record_loading import (
    StoredAccess,
    access_by_key,
    access_groups,
    access_groups_of,
    load_records,
)
from fairdepot.storage.db.record_mapping import access_of, record_file_of, row_of, to_record
from fairdepot.storage.db.scope import in_lifecycle, readable
from fairdepot.storage.db.values import remove_values, write_values, write_values_many
from fairdepot.storage.search import SearchIndex


def _documents_unread(documents: bool) -> tuple[ExecutableOption, ...]:
    """The options that leave a looked-up row's metadata and native documents unread unless
    `documents`: a dataset's JSON-LD lists up to 1,000 of its files, and decoding it is most
    of a lookup that only checks access and finds one file (services/scicat/held_files.py).
    A later use of a document reads it then (one statement), so nothing sees a wrong value."""
    if documents:
        return ()
    return (defer(RecordRow.metadata_doc), defer(RecordRow.native_doc))


class RecordStore:
    """Record persistence inside one session (one transaction); the caller commits."""

    def __init__(self, session: Session, search: SearchIndex) -> None:
        self.session = session
        self.search = search
        self.queued_deletions = 0  # blobs this transaction orphaned

    # -- reading ------------------------------------------------------------------------------
    def load(
        self,
        rows: Sequence[RecordHandle],
        *,
        with_files: bool = True,
        with_metadata: bool = True,
        with_documents: bool = True,
    ) -> list[Record]:
        """Whole records for `rows` in a constant number of queries (`load_records`);
        `with_metadata=False`: without their JSON-LD (empty), which is then not read;
        `with_documents=False`: without their metadata and native documents (`to_record`)."""
        return load_records(
            self.session,
            [row_of(row) for row in rows],
            with_files=with_files,
            with_metadata=with_metadata,
            with_documents=with_documents,
        )

    def parent_of(self, row: RecordHandle) -> RecordHandle | None:
        return self.session.get(RecordRow, row.parent_pk) if row.parent_pk else None

    def access_groups(self, row: RecordHandle) -> list[str]:
        return access_groups(self.session, row.pk)

    def access_of(self, row: RecordHandle, *, with_groups: bool = True) -> Access:
        """A stored record's access attributes; `with_groups=False`: without its access
        groups (no query), for a check that reads none of them."""
        return access_of(row, access_groups(self.session, row.pk) if with_groups else None)

    def accesses(self, rows: Sequence[RecordHandle]) -> list[Access]:
        """The access attributes of `rows`, in their order: one statement for all their
        access groups, no document read."""
        groups = access_groups_of(self.session, [row.pk for row in rows])
        return [access_of(row, groups.get(row.pk, [])) for row in rows]

    def flush(self) -> None:
        """Send what this unit of work changed so far, so its next reads see it."""
        self.session.flush()

    def refresh(self, row: RecordHandle) -> None:
        """Re-read `row` after a flush (columns the database filled: stamps, revisions)."""
        self.session.refresh(row_of(row))

    def row_by_key(self, ark_key: str, *, documents: bool = True) -> RecordHandle | None:
        """The record with that ARK key; `documents=False`: its documents are read only
        when first used (`_documents_unread`)."""
        return self.session.scalar(
            sa.select(RecordRow)
            .where(RecordRow.ark_key == ark_key)
            .options(*_documents_unread(documents))
        )

    def access_by_key(self, ark_key: str) -> StoredAccess | None:
        """What an access check and a version need, in one statement (`record_loading`)."""
        return access_by_key(self.session, ark_key)

    def row_by_identifier(
        self, scheme: str, value: str, *, documents: bool = True
    ) -> RecordHandle | None:
        """The record holding (scheme, value), active or trashed (purging frees identifiers);
        `documents=False`: its documents are read only when first used."""
        return self.session.scalar(
            sa.select(RecordRow)
            .join(RecordIdentifierRow, RecordIdentifierRow.record_pk == RecordRow.pk)
            .where(RecordIdentifierRow.scheme == scheme, RecordIdentifierRow.value == value)
            .options(*_documents_unread(documents))
        )

    def rows_named(
        self, scheme: str, values: Sequence[str], keys: Sequence[str]
    ) -> list[tuple[str | None, RecordHandle]]:
        """In one statement, the records holding (scheme, v) for any of `values` (with v) and
        those whose ARK key is one of `keys` (with None, unless they hold such a value too)."""
        if not values and not keys:
            return []
        held = sa.and_(
            RecordIdentifierRow.record_pk == RecordRow.pk,
            RecordIdentifierRow.scheme == scheme,
            RecordIdentifierRow.value.in_(values),
        )
        statement = (
            sa.select(RecordRow, RecordIdentifierRow.value)
            .outerjoin(RecordIdentifierRow, held)
            .where(sa.or_(RecordIdentifierRow.value.is_not(None), RecordRow.ark_key.in_(keys)))
        )
        return [(value, row) for row, value in self.session.execute(statement).all()]

    def rows_by_keys(self, keys: Sequence[str]) -> list[RecordHandle]:
        if not keys:
            return []
        return list(self.session.scalars(sa.select(RecordRow).where(RecordRow.ark_key.in_(keys))))

    def members(
        self,
        parent: RecordHandle,
        *,
        include_deleted: bool = False,
        where: sa.ColumnElement[bool] | None = None,
        lifecycle: RecordState = RecordState.ACTIVE,
    ) -> list[RecordHandle]:
        """A crate's members in one lifecycle state (or in any, with `include_deleted`);
        `where`: only those a read scope selects."""
        query = sa.select(RecordRow).where(RecordRow.parent_pk == parent.pk)
        if where is not None:
            query = query.where(where)
        if not include_deleted:
            query = query.where(in_lifecycle(lifecycle))
        return list(self.session.scalars(query.order_by(RecordRow.pk)))

    def members_of(
        self,
        parents: Sequence[RecordHandle],
        kinds: Sequence[str],
        scope: ReadScope | None = None,
    ) -> list[RecordHandle]:
        """The active children of `kinds` of all `parents`, in one statement (a listing that
        embeds each dataset's blocks must not query once per dataset), by parent then age;
        with `scope`, only those it may read (the read scope in the statement)."""
        if not parents:
            return []
        listed = in_lifecycle(RecordState.ACTIVE) if scope is None else readable(scope)
        query = (
            sa.select(RecordRow)
            .where(
                RecordRow.parent_pk.in_([parent.pk for parent in parents]),
                RecordRow.kind.in_(list(kinds)),
                listed,
            )
            .order_by(RecordRow.parent_pk, RecordRow.pk)
        )
        return list(self.session.scalars(query))

    def count_children(self, parent: RecordHandle, kind: str, scope: ReadScope) -> int:
        """How many active children of `kind` of `parent` `scope` may read: one count."""
        counted = (
            sa.select(sa.func.count())
            .select_from(RecordRow)
            .where(RecordRow.parent_pk == parent.pk, RecordRow.kind == kind, readable(scope))
        )
        return int(self.session.scalar(counted) or 0)

    def count_items(self, query: Query, scope: ReadScope, key: str) -> int:
        """How many items the readable records `query` matches hold in the array at their
        native document's `key` (storage/db/query.py `count_array_items`): blocks' files."""
        return count_array_items(self.session, self.search, query, scope, key)

    def child_summaries(
        self, parent: RecordHandle, kind: str, *, items_key: str, number_key: str
    ) -> list[ChildSummary]:
        """The active children of `kind`, oldest first, by access, array length and number,
        without their documents (storage/db/child_summaries.py)."""
        return child_summaries(
            self.session, parent.pk, kind, items_key=items_key, number_key=number_key
        )

    def children_listing(
        self, parent: RecordHandle, kind: str, path: Sequence[str], value: str
    ) -> list[ListingChild]:
        """The active children of `kind` whose native document holds `value` at `path`, with
        their access, found through the value index (storage/db/child_listings.py): the
        blocks listing a held file, without reading every block's files."""
        return children_listing(self.session, parent.pk, kind, path, value)

    def file_at(self, row: RecordHandle, path: str) -> RecordFile | None:
        """The record's file at `path`, one indexed lookup (a page of records' files:
        `load`), so one download does not load every file of its record."""
        found = self.session.scalar(
            sa.select(RecordFileRow).where(
                RecordFileRow.record_pk == row.pk, RecordFileRow.path == path
            )
        )
        return record_file_of(found) if found is not None else None

    def native_documents(self, pks: Sequence[int]) -> list[dict[str, Any]]:
        """The native documents of records by key, in that order, in one statement."""
        return native_documents(self.session, pks)

    def document_paths(self, query: Query, scope: ReadScope, prefix: str) -> list[DocumentPath]:
        """The distinct value paths below `prefix` of the page of readable records `query`
        asks for (storage/db/query.py `document_paths`): SciCat's metadata keys."""
        return document_paths(self.session, self.search, query, scope, prefix)

    def children_per_parent(
        self,
        parents: Sequence[RecordHandle],
        where: Filter | None,
        sort: Sequence[SortKey],
        scope: ReadScope,
        *,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[RecordHandle]:
        """A page of each parent's readable children matching `where`, all parents in one
        statement (storage/db/query.py `run_per_parent`): an include scope's page."""
        children = run_per_parent(
            self.session,
            [parent.pk for parent in parents],
            where,
            sort,
            scope,
            offset=offset,
            limit=limit,
        )
        return list(children)

    def _file_rows(self, row: RecordHandle) -> list[RecordFileRow]:
        return list(
            self.session.scalars(
                sa.select(RecordFileRow)
                .where(RecordFileRow.record_pk == row.pk)
                .order_by(RecordFileRow.path)
            )
        )

    def sources_of(self, target_key: str, predicates: Sequence[str]) -> list[RecordHandle]:
        """Records (any state) whose metadata links to `target_key` with one of `predicates`."""
        return list(
            self.session.scalars(
                sa.select(RecordRow)
                .join(RelationRow, RelationRow.source_pk == RecordRow.pk)
                .where(
                    RelationRow.target_key == target_key,
                    RelationRow.predicate.in_(list(predicates)),
                )
            )
        )

    def dependents(
        self, target_keys: Sequence[str], exclude_pks: set[int]
    ) -> list[tuple[RecordHandle, str]]:
        """Active records (not in `exclude_pks`) whose metadata links to any of the targets."""
        rows = self.session.execute(
            sa.select(RecordRow, RelationRow.predicate)
            .join(RelationRow, RelationRow.source_pk == RecordRow.pk)
            .where(
                RelationRow.target_key.in_(list(target_keys)),
                RecordRow.state == RecordState.ACTIVE.value,
            )
            .order_by(RecordRow.pk)
        ).all()
        return [(row, predicate) for row, predicate in rows if row.pk not in exclude_pks]

    def find(
        self,
        query: Query,
        scope: ReadScope,
        lifecycle: RecordState = RecordState.ACTIVE,
        *,
        with_metadata: bool = True,
    ) -> QueryResult:
        """Rows of a page of readable records matching `query` (storage/db/query.py), among
        the records in `lifecycle` (listings: active ones; the trash view: trashed ones).
        `with_metadata=False`: the page's JSON-LD is not read (`load` reads it, in one
        statement, for the rows loaded with it; reading it on a row otherwise is an error)."""
        return run_query(
            self.session, self.search, query, scope, lifecycle, with_metadata=with_metadata
        )

    def tally(
        self, query: Query, scope: ReadScope, lifecycle: RecordState = RecordState.ACTIVE
    ) -> Tally:
        """How many readable records match `query`, and its facets, without reading a page
        (no record row leaves the database): a count or a facet listing."""
        return run_tally(self.session, self.search, query, scope, lifecycle)

    # -- writing ------------------------------------------------------------------------------
    def insert(self, record: Record, *, parent: RecordHandle | None = None) -> RecordHandle:
        return self.insert_many([record], parent=parent)[0]

    def insert_many(
        self, records: Sequence[Record], *, parent: RecordHandle | None = None
    ) -> list[RecordHandle]:
        """New records in a few statements whatever their number: a crate's thousands of
        members cost one batched INSERT per table, not two flushes and five statements each."""
        if not records:
            return []
        now = utcnow()
        values = []
        for record in records:
            row = RecordRow(
                ark=record.ark,
                ark_key=_key(record.ark),
                created_at=now,
                updated_at=now,
                revision=1,
                state=RecordState.ACTIVE.value,
            )
            fill_row(row, record, parent.pk if parent is not None else None)
            # what was set, as the unit of work would write it (unset columns stay SQL NULL)
            values.append({c: v for c, v in vars(row).items() if c in RECORD_COLUMNS})
        # An ORM bulk INSERT ... RETURNING: batched by SQLAlchemy's insertmanyvalues (the
        # unit of work would send one INSERT per row to get each primary key back); NULLs are
        # rendered so that rows of different shapes stay in one batch.
        statement = sa.insert(RecordRow).returning(RecordRow).execution_options(render_nulls=True)
        self.session.flush()  # what is pending is not these records' to fail
        if taken := self._first_taken_ark(records):  # say which ARK, before the batch fails
            raise IdentifierTaken("ark", taken)
        try:
            inserted = self.session.scalars(statement, values).all()
        except IntegrityError as exc:  # taken meanwhile by a concurrent writer
            arks = records[0].ark if len(records) == 1 else f"one of {len(records)} ARKs"
            raise IdentifierTaken("ark", arks) from exc
        by_key = {row.ark_key: row for row in inserted}
        rows = [by_key[_key(record.ark)] for record in records]
        self._add_children([(row.pk, record) for row, record in zip(rows, records, strict=True)])
        self.search.put_many(
            self.session, [(r.pk, search_document(m)) for r, m in zip(rows, records, strict=True)]
        )
        for row, record in zip(rows, records, strict=True):
            self._add_identifiers(row, record.identifiers)
        write_values_many(
            self.session,
            [(row.pk, r.native, r.metadata) for row, r in zip(rows, records, strict=True)],
        )
        self.session.flush()
        return list(rows)

    def _first_taken_ark(self, records: Sequence[Record]) -> str | None:
        """The first of `records`' ARKs already held (or given twice), if any: one indexed
        lookup, so that a refused insert names the ARK rather than failing as a batch."""
        keys = [_key(r.ark) for r in records]
        taken = set(
            self.session.scalars(sa.select(RecordRow.ark_key).where(RecordRow.ark_key.in_(keys)))
        )
        seen: set[str] = set()
        for record, key in zip(records, keys, strict=True):
            if key in taken or key in seen:
                return record.ark
            seen.add(key)
        return None

    def update(
        self, handle: RecordHandle, changes: RecordChanges, *, actor_id: str | None
    ) -> RecordHandle:
        """Write a new revision with `changes`; the previous one is kept in record_revisions.

        Only the parts `changes` names are written: an update of the metadata leaves files,
        blobs, access groups and membership as they are. The UPDATE is conditional on the
        revision read, so two concurrent writers cannot both succeed: the loser gets a
        StaleRevision and nothing of its change is written.
        """
        row = row_of(handle)
        previous = RecordRevisionRow(
            record_pk=row.pk,
            revision=row.revision,
            metadata_doc=row.metadata_doc,
            native_doc=row.native_doc,
            created_by=actor_id,
        )
        values = changed_columns(row, changes, self._pk_of)
        values["updated_at"] = utcnow()
        values["revision"] = row.revision + 1
        result = self.session.execute(
            sa.update(RecordRow)
            .where(RecordRow.pk == row.pk, RecordRow.revision == row.revision)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise StaleRevision(row.ark)
        # Only the writer that won the conditional UPDATE (it holds the row lock) keeps the
        # version it replaced; a loser never gets here, so revision numbers cannot collide.
        self.session.add(previous)
        if row.archive_blob_key and values.get("archive_blob_key", row.archive_blob_key) != (
            row.archive_blob_key
        ):
            self.delete_blob_later(row.archive_blob_key)  # a re-upload replaced the original zip
        self.session.refresh(row)
        if changes.relations is not UNCHANGED:
            self.session.execute(sa.delete(RelationRow).where(RelationRow.source_pk == row.pk))
            self._write_relations(row, list(changes.relations))
        if changes.access is not UNCHANGED:
            self.session.execute(
                sa.delete(RecordAccessGroupRow).where(RecordAccessGroupRow.record_pk == row.pk)
            )
            self._write_access_groups(row, changes.access.access_groups)
        if changes.files is not UNCHANGED:
            self._apply_files(row, changes.files)
        for scheme in sorted(changes.identifiers_removed):
            self.session.execute(
                sa.delete(RecordIdentifierRow).where(
                    RecordIdentifierRow.record_pk == row.pk, RecordIdentifierRow.scheme == scheme
                )
            )
        self._add_identifiers(row, changes.identifiers_added)
        if changes.touches_documents:
            changed = to_record(row)
            self.search.put(self.session, row.pk, search_document(changed))
            write_values(self.session, row.pk, changed.native, changed.metadata)
        self.session.flush()
        return row

    def as_updated(self, handle: RecordHandle, before: Record, changes: RecordChanges) -> Record:
        """`before` (the record as loaded for it) as `update(handle, changes)` just left it,
        without reading it again: its columns from the row the update re-read, its access
        groups, relations and identifiers as the change wrote them or as loaded, its files as
        loaded. A change of files or owner is not known so: ValueError (load it instead)."""
        row = row_of(handle)
        if changes.files is not UNCHANGED or row.owner_id != before.access.owner_id:
            raise ValueError(f"{row.ark}: its files or owner changed; load it again")
        parent = before.parent_ark if changes.parent_ark is UNCHANGED else changes.parent_ark
        after = to_record(row, parent_ark=parent)
        after.files = list(before.files)
        after.owner_username, after.owner_email = before.owner_username, before.owner_email
        access = before.access if changes.access is UNCHANGED else changes.access
        after.access.access_groups = sorted(set(access.access_groups))
        relations = before.relations if changes.relations is UNCHANGED else changes.relations
        after.relations = list(relations)
        after.identifiers = {
            scheme: value
            for scheme, value in before.identifiers.items()
            if scheme not in changes.identifiers_removed
        } | changes.identifiers_added
        return after

    def _pk_of(self, ark_text: str) -> int:
        pk = self.session.scalar(sa.select(RecordRow.pk).where(RecordRow.ark_key == _key(ark_text)))
        if pk is None:
            raise LookupError(f"no record {ark_text} to be a member of")
        return pk

    def mark_deleted(self, handle: RecordHandle, tombstone: dict[str, object]) -> None:
        """Keep the ARK for ever as a tombstone; its files, links, other identifiers (free
        again for other records) and index entry go."""
        row = row_of(handle)
        for file_row in self._file_rows(row):
            if file_row.blob_key:
                self.delete_blob_later(file_row.blob_key)
        if row.archive_blob_key:
            self.delete_blob_later(row.archive_blob_key)
        for table in (RecordFileRow, RelationRow, RecordAccessGroupRow, RecordIdentifierRow):
            column = table.source_pk if table is RelationRow else table.record_pk
            self.session.execute(sa.delete(table).where(column == row.pk))
        self.search.remove(self.session, row.pk)
        remove_values(self.session, row.pk)
        row.state = RecordState.DELETED.value
        row.trashed_at = None
        row.deleted_at = utcnow()
        row.tombstone = tombstone
        row.archive_blob_key = None
        row.archive_layout = None
        row.revision += 1

    def delete_blob_later(self, blob_key: str, *, prefix: bool = False) -> None:
        """Queue a blob for removal once this transaction commits (outbox pattern)."""
        self.session.add(BlobDeletionRow(blob_key=blob_key, is_prefix=prefix))
        self.queued_deletions += 1

    def remove_identifier(self, scheme: str, value: str) -> None:
        self.session.execute(
            sa.delete(RecordIdentifierRow).where(
                RecordIdentifierRow.scheme == scheme, RecordIdentifierRow.value == value
            )
        )

    def add_identifier(self, row: RecordHandle, scheme: str, value: str) -> None:
        """Give the record (scheme, value), or IdentifierTaken if another record holds it.

        The unique index decides (also between concurrent writers); each identifier is
        flushed alone so that the error names the one that is taken. After it the
        transaction is unusable and must roll back, which `Runtime.writing` does.
        """
        self.session.flush()  # what is pending is not this identifier's to fail
        self.session.add(RecordIdentifierRow(record_pk=row.pk, scheme=scheme, value=value))
        try:
            self.session.flush()
        except IntegrityError as exc:
            raise IdentifierTaken(scheme, value) from exc

    def _add_identifiers(self, row: RecordHandle, identifiers: dict[str, str]) -> None:
        for scheme, value in sorted(identifiers.items()):
            self.add_identifier(row, scheme, value)

    # -- internals ----------------------------------------------------------------------------
    def _write_relations(self, row: RecordHandle, relations: list[Relation]) -> None:
        for relation in relations:
            self.session.add(
                RelationRow(
                    source_pk=row.pk, predicate=relation.predicate, target_key=relation.target
                )
            )

    def _write_access_groups(self, row: RecordHandle, groups: list[str]) -> None:
        for group in sorted(set(groups)):
            self.session.add(RecordAccessGroupRow(record_pk=row.pk, group_name=group))

    def _apply_files(
        self,
        row: RecordHandle,
        changes: FileChanges,
        current: dict[str, RecordFileRow] | None = None,
    ) -> None:
        """Add, replace and remove file rows; queue the blobs no file of the record keeps.

        `current`: the record's files by path, if known (none, for a new record).
        """
        if current is None:
            current = {f.path: f for f in self._file_rows(row)}
        leaving = (
            set(current)
            if changes.replace_all
            else set(changes.removed) | {f.path for f in changes.added}
        )
        dropped = [current[path] for path in sorted(leaving) if path in current]
        for file_row in dropped:
            self.session.delete(file_row)
        if dropped:
            self.session.flush()  # the unique (record, path) must be free before re-adding it
        kept_blobs = {f.blob_key for path, f in current.items() if path not in leaving}
        for f in changes.added:
            self.session.add(RecordFileRow(**file_columns(row.pk, f)))
            kept_blobs.add(f.blob_key)
        for blob in sorted({f.blob_key for f in dropped if f.blob_key} - kept_blobs):
            self.delete_blob_later(blob)

    def _add_children(self, records: list[tuple[int, Record]]) -> None:
        """Insert the records' groups, links and files: one executemany per table."""
        groups = [
            {"record_pk": pk, "group_name": group}
            for pk, record in records
            for group in sorted(set(record.access.access_groups))
        ]
        relations = [
            {"source_pk": pk, "predicate": rel.predicate, "target_key": rel.target}
            for pk, record in records
            for rel in record.relations
        ]
        files = [file_columns(pk, f) for pk, record in records for f in record.files]
        for table, rows in (
            (RecordAccessGroupRow, groups),
            (RelationRow, relations),
            (RecordFileRow, files),
        ):
            if rows:
                self.session.execute(sa.insert(table).execution_options(render_nulls=True), rows)


def tombstone(row: RecordHandle, reason: str) -> dict[str, object]:
    """What a deleted record keeps: enough to say what it was and why it went."""
    return {"ark": row.ark, "kind": row.kind, "name": row.name, "reason": reason}


class StaleRevision(Exception):
    """Someone else updated the record between our read and our write."""


def _key(ark_text: str) -> str:
    return normalise(ark_text)
