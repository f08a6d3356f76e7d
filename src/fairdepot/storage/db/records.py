"""Reading and writing records in SQL; the only module that knows how a record is stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fairdepot.core.ark import normalise
from fairdepot.core.crates.archive_layout import ArchiveLayout
from fairdepot.core.crates.parts import CrateParts
from fairdepot.core.document_values import DocumentPath
from fairdepot.core.errors import IdentifierTaken
from fairdepot.core.policy import ReadScope
from fairdepot.core.query import Filter, Query, SortKey
from fairdepot.core.record_changes import UNCHANGED, FileChanges, RecordChanges
from fairdepot.core.records import (
    Access,
    Face,
    Moderation,
    ModerationState,
    PublicationStatus,
    Record,
    RecordFile,
    RecordState,
    Relation,
)
from fairdepot.storage.db.change_stamps import RecordStamp
from fairdepot.storage.db.engine import SINGLE_STATEMENT_OPTION
from fairdepot.storage.db.models import (
    BlobDeletionRow,
    RecordAccessGroupRow,
    RecordFileRow,
    RecordIdentifierRow,
    RecordRevisionRow,
    RecordRow,
    RelationRow,
    UserRow,
    as_utc,
    utcnow,
)
from fairdepot.storage.db.query import (
    QueryResult,
    count_array_items,
    document_paths,
    run_per_parent,
    run_query,
)
from fairdepot.storage.db.scope import in_lifecycle
from fairdepot.storage.db.values import remove_values, write_values, write_values_many
from fairdepot.storage.search import SearchDocument, SearchIndex, search_document_of

_ACCESS_COLUMNS = (
    RecordRow.pk,
    RecordRow.change_stamp,
    RecordRow.ark_key,
    RecordRow.owner_id,
    RecordRow.owner_group,
    RecordRow.organization,
    RecordRow.metadata_public,
    RecordRow.group_write,
    RecordRow.publication_status,
    RecordRow.state,
    RecordRow.revision,
    RecordRow.moderation_state,
    RecordRow.moderation_message,
    RecordRow.moderated_by,
    RecordRow.moderated_at,
)


class RecordStore:
    """Record persistence inside one session (one transaction); the caller commits."""

    def __init__(self, session: Session, search: SearchIndex) -> None:
        self.session = session
        self.search = search
        self.queued_deletions = 0  # blobs this transaction orphaned

    # -- reading ------------------------------------------------------------------------------
    def load(self, rows: Sequence[RecordRow], *, with_files: bool = True) -> list[Record]:
        """Whole records for `rows` in a constant number of queries (`load_records`)."""
        return load_records(self.session, rows, with_files=with_files)

    def parent_of(self, row: RecordRow) -> RecordRow | None:
        return self.session.get(RecordRow, row.parent_pk) if row.parent_pk else None

    def access_groups(self, row: RecordRow) -> list[str]:
        return access_groups(self.session, row)

    def flush(self) -> None:
        """Send what this unit of work changed so far, so its next reads see it."""
        self.session.flush()

    def refresh(self, row: RecordRow) -> None:
        """Re-read `row` after a flush (columns the database filled: stamps, revisions)."""
        self.session.refresh(row)

    def row_by_key(self, ark_key: str) -> RecordRow | None:
        return self.session.scalar(sa.select(RecordRow).where(RecordRow.ark_key == ark_key))

    def access_by_key(self, ark_key: str) -> StoredAccess | None:
        """What an access check and a version need, in one statement (no documents decoded),
        with the record's change stamp read in the same statement (so the stamp describes
        exactly this access: `storage.db.change_stamps`, docs/performance.md).

        Called first in its session, it runs without an explicit transaction on SQLite.
        """
        connection = self.session.connection(execution_options={SINGLE_STATEMENT_OPTION: True})
        found = connection.execute(
            sa.select(*_ACCESS_COLUMNS, RecordAccessGroupRow.group_name, UserRow.email)
            .outerjoin(RecordAccessGroupRow, RecordAccessGroupRow.record_pk == RecordRow.pk)
            .outerjoin(UserRow, UserRow.id == RecordRow.owner_id)
            .where(RecordRow.ark_key == ark_key)
        ).all()
        if not found:
            return None
        first = found[0]
        groups = sorted({r.group_name for r in found if r.group_name is not None})
        return StoredAccess(
            ark_key=first.ark_key,
            revision=first.revision,
            state=RecordState(first.state),
            access=Access(
                owner_id=first.owner_id,
                owner_group=first.owner_group,
                access_groups=groups,
                metadata_public=first.metadata_public,
                group_write=first.group_write,
                publication=PublicationStatus(first.publication_status),
                organization=first.organization,
                moderation=_moderation(first),
                trashed=first.state == RecordState.TRASHED.value,
            ),
            owner_email=first.email,
            stamp=(first.pk, first.change_stamp),
        )

    def row_by_identifier(self, scheme: str, value: str) -> RecordRow | None:
        """The record holding (scheme, value), active or trashed (purging frees identifiers)."""
        return self.session.scalar(
            sa.select(RecordRow)
            .join(RecordIdentifierRow, RecordIdentifierRow.record_pk == RecordRow.pk)
            .where(RecordIdentifierRow.scheme == scheme, RecordIdentifierRow.value == value)
        )

    def rows_by_keys(self, keys: Sequence[str]) -> list[RecordRow]:
        if not keys:
            return []
        return list(self.session.scalars(sa.select(RecordRow).where(RecordRow.ark_key.in_(keys))))

    def members(
        self,
        parent: RecordRow,
        *,
        include_deleted: bool = False,
        where: sa.ColumnElement[bool] | None = None,
        lifecycle: RecordState = RecordState.ACTIVE,
    ) -> list[RecordRow]:
        """A crate's members in one lifecycle state (or in any, with `include_deleted`);
        `where`: only those a read scope selects."""
        query = sa.select(RecordRow).where(RecordRow.parent_pk == parent.pk)
        if where is not None:
            query = query.where(where)
        if not include_deleted:
            query = query.where(in_lifecycle(lifecycle))
        return list(self.session.scalars(query.order_by(RecordRow.pk)))

    def members_of(self, parents: Sequence[RecordRow], kinds: Sequence[str]) -> list[RecordRow]:
        """The active children of `kinds` of all `parents`, in one statement (a listing that
        embeds each dataset's blocks must not query once per dataset), by parent then age."""
        if not parents:
            return []
        query = (
            sa.select(RecordRow)
            .where(
                RecordRow.parent_pk.in_([parent.pk for parent in parents]),
                RecordRow.kind.in_(list(kinds)),
                in_lifecycle(RecordState.ACTIVE),
            )
            .order_by(RecordRow.parent_pk, RecordRow.pk)
        )
        return list(self.session.scalars(query))

    def count_items(self, query: Query, scope: ReadScope, key: str) -> int:
        """How many items the readable records `query` matches hold in the array at their
        native document's `key` (storage/db/query.py `count_array_items`): blocks' files."""
        return count_array_items(self.session, self.search, query, scope, key)

    def document_paths(self, query: Query, scope: ReadScope, prefix: str) -> list[DocumentPath]:
        """The distinct value paths below `prefix` of the page of readable records `query`
        asks for (storage/db/query.py `document_paths`): SciCat's metadata keys."""
        return document_paths(self.session, self.search, query, scope, prefix)

    def children_per_parent(
        self,
        parents: Sequence[RecordRow],
        where: Filter | None,
        sort: Sequence[SortKey],
        scope: ReadScope,
        *,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[RecordRow]:
        """A page of each parent's readable children matching `where`, all parents in one
        statement (storage/db/query.py `run_per_parent`): an include scope's page."""
        return run_per_parent(
            self.session,
            [parent.pk for parent in parents],
            where,
            sort,
            scope,
            offset=offset,
            limit=limit,
        )

    def files(self, row: RecordRow) -> list[RecordFileRow]:
        return list(
            self.session.scalars(
                sa.select(RecordFileRow)
                .where(RecordFileRow.record_pk == row.pk)
                .order_by(RecordFileRow.path)
            )
        )

    def sources_of(self, target_key: str, predicates: Sequence[str]) -> list[RecordRow]:
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
    ) -> list[tuple[RecordRow, str]]:
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

    def owner_of(self, row: RecordRow) -> UserRow | None:
        return self.session.get(UserRow, row.owner_id) if row.owner_id else None

    def find(
        self, query: Query, scope: ReadScope, lifecycle: RecordState = RecordState.ACTIVE
    ) -> QueryResult:
        """Rows of a page of readable records matching `query` (storage/db/query.py), among
        the records in `lifecycle` (listings: active ones; the trash view: trashed ones)."""
        return run_query(self.session, self.search, query, scope, lifecycle)

    # -- writing ------------------------------------------------------------------------------
    def insert(self, record: Record, *, parent: RecordRow | None = None) -> RecordRow:
        return self.insert_many([record], parent=parent)[0]

    def insert_many(
        self, records: Sequence[Record], *, parent: RecordRow | None = None
    ) -> list[RecordRow]:
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
            self._fill(row, record, parent)
            # what was set, as the unit of work would write it (unset columns stay SQL NULL)
            values.append({c: v for c, v in vars(row).items() if c in _RECORD_COLUMNS})
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
        return rows

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

    def update(self, row: RecordRow, changes: RecordChanges, *, actor_id: str | None) -> RecordRow:
        """Write a new revision with `changes`; the previous one is kept in record_revisions.

        Only the parts `changes` names are written: an update of the metadata leaves files,
        blobs, access groups and membership as they are. The UPDATE is conditional on the
        revision read, so two concurrent writers cannot both succeed: the loser gets a
        StaleRevision and nothing of its change is written.
        """
        previous = RecordRevisionRow(
            record_pk=row.pk,
            revision=row.revision,
            metadata_doc=row.metadata_doc,
            native_doc=row.native_doc,
            created_by=actor_id,
        )
        values = self._changed_columns(row, changes)
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

    def _changed_columns(self, row: RecordRow, changes: RecordChanges) -> dict[str, object]:
        """The columns of `records` an update writes: those of the parts it changes."""
        values: dict[str, object] = {}
        if changes.metadata is not UNCHANGED:
            change = changes.metadata
            values.update(
                metadata_doc=change.document,
                name=change.name,
                description=change.description,
                keywords=list(change.keywords),
                types=list(change.types),
            )
        if changes.native is not UNCHANGED:
            values["native_doc"] = changes.native
        if changes.kind is not UNCHANGED:
            values["kind"] = changes.kind
        if changes.crate_parts is not UNCHANGED:
            values["extra"] = changes.crate_parts.to_json()
        if changes.access is not UNCHANGED:
            access = changes.access
            values.update(
                owner_id=access.owner_id,
                owner_group=access.owner_group,
                organization=access.organization,
                metadata_public=access.metadata_public,
                group_write=access.group_write,
                publication_status=access.publication.value,
            )
        if changes.publication is not UNCHANGED:
            values["publication_status"] = changes.publication.value
        if changes.parent_ark is not UNCHANGED:
            values["parent_pk"] = (
                None if changes.parent_ark is None else self._pk_of(changes.parent_ark)
            )
        if changes.archive_blob_key is not UNCHANGED:
            values["archive_blob_key"] = changes.archive_blob_key
        if changes.archive_layout is not UNCHANGED:
            layout = changes.archive_layout
            values["archive_layout"] = layout.to_json() if layout is not None else None
        if changes.lifecycle is not UNCHANGED and changes.lifecycle.value != row.state:
            values["state"] = changes.lifecycle.value
            values["trashed_at"] = utcnow() if changes.lifecycle is RecordState.TRASHED else None
        if changes.moderation is not UNCHANGED:
            values.update(_moderation_columns(changes.moderation))
        return values

    def _pk_of(self, ark_text: str) -> int:
        pk = self.session.scalar(sa.select(RecordRow.pk).where(RecordRow.ark_key == _key(ark_text)))
        if pk is None:
            raise LookupError(f"no record {ark_text} to be a member of")
        return pk

    def mark_deleted(self, row: RecordRow, tombstone: dict[str, object]) -> None:
        """Keep the ARK for ever as a tombstone; its files, links, other identifiers (free
        again for other records) and index entry go."""
        for file_row in self.files(row):
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

    def add_identifier(self, row: RecordRow, scheme: str, value: str) -> None:
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

    def _add_identifiers(self, row: RecordRow, identifiers: dict[str, str]) -> None:
        for scheme, value in sorted(identifiers.items()):
            self.add_identifier(row, scheme, value)

    # -- internals ----------------------------------------------------------------------------
    def _fill(self, row: RecordRow, record: Record, parent: RecordRow | None) -> None:
        access = record.access
        row.kind = record.kind
        row.face = record.face.value
        row.types = record.types
        row.name = record.name
        row.description = record.description
        row.keywords = record.keywords
        row.metadata_doc = record.metadata
        row.native_doc = record.native
        row.extra = record.crate_parts.to_json()
        row.owner_id = access.owner_id
        row.owner_group = access.owner_group
        row.organization = access.organization
        row.metadata_public = access.metadata_public
        row.group_write = access.group_write
        row.publication_status = access.publication.value
        row.archive_blob_key = record.archive_blob_key
        for column, value in _moderation_columns(access.moderation).items():
            setattr(row, column, value)
        row.archive_layout = record.archive_layout.to_json() if record.archive_layout else None
        row.parent_pk = parent.pk if parent is not None else None

    def _write_relations(self, row: RecordRow, relations: list[Relation]) -> None:
        for relation in relations:
            self.session.add(
                RelationRow(
                    source_pk=row.pk, predicate=relation.predicate, target_key=relation.target
                )
            )

    def _write_access_groups(self, row: RecordRow, groups: list[str]) -> None:
        for group in sorted(set(groups)):
            self.session.add(RecordAccessGroupRow(record_pk=row.pk, group_name=group))

    def _apply_files(
        self, row: RecordRow, changes: FileChanges, current: dict[str, RecordFileRow] | None = None
    ) -> None:
        """Add, replace and remove file rows; queue the blobs no file of the record keeps.

        `current`: the record's files by path, if known (none, for a new record).
        """
        if current is None:
            current = {f.path: f for f in self.files(row)}
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
            self.session.add(
                RecordFileRow(
                    record_pk=row.pk,
                    path=f.path,
                    size=f.size,
                    sha256=f.sha256,
                    md5=f.md5,
                    media_type=f.media_type,
                    blob_key=f.blob_key,
                    external_url=f.external_url,
                    client_checksum=f.client_checksum,
                    client_checksum_alg=f.client_checksum_alg,
                )
            )
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
        files = [
            {
                "record_pk": pk,
                "path": f.path,
                "size": f.size,
                "sha256": f.sha256,
                "md5": f.md5,
                "media_type": f.media_type,
                "blob_key": f.blob_key,
                "external_url": f.external_url,
                "client_checksum": f.client_checksum,
                "client_checksum_alg": f.client_checksum_alg,
            }
            for pk, record in records
            for f in record.files
        ]
        for table, rows in (
            (RecordAccessGroupRow, groups),
            (RelationRow, relations),
            (RecordFileRow, files),
        ):
            if rows:
                self.session.execute(sa.insert(table).execution_options(render_nulls=True), rows)


_RECORD_COLUMNS = [c.key for c in sa.inspect(RecordRow).column_attrs if c.key != "pk"]


def tombstone(row: RecordRow, reason: str) -> dict[str, object]:
    """What a deleted record keeps: enough to say what it was and why it went."""
    return {"ark": row.ark, "kind": row.kind, "name": row.name, "reason": reason}


@dataclass(frozen=True)
class StoredAccess:
    """A record's access attributes, revision and owner's e-mail, without its documents."""

    ark_key: str
    revision: int
    state: RecordState
    access: Access
    owner_email: str | None
    stamp: RecordStamp
    """(pk, change_stamp) as read with the rest: equal stamps later mean nothing here changed."""

    @property
    def active(self) -> bool:
        return self.state is RecordState.ACTIVE


class StaleRevision(Exception):
    """Someone else updated the record between our read and our write."""


def _key(ark_text: str) -> str:
    return normalise(ark_text)


def search_document(record: Record) -> SearchDocument:
    return search_document_of(
        record.name, record.description, record.keywords, record.native, record.metadata
    )


def load_records(
    session: Session, rows: Sequence[RecordRow], *, with_files: bool = True
) -> list[Record]:
    """Whole records (files, relations, access groups, identifiers, owner, parent ARK) for `rows`.

    One IN query per child table, whatever the number of rows: a page of 50 records costs the
    same number of statements as one record.
    """
    if not rows:
        return []
    pks = [row.pk for row in rows]
    files: dict[int, list[RecordFileRow]] = {}
    if with_files:
        for f in session.scalars(
            sa.select(RecordFileRow)
            .where(RecordFileRow.record_pk.in_(pks))
            .order_by(RecordFileRow.record_pk, RecordFileRow.path)
        ):
            files.setdefault(f.record_pk, []).append(f)
    groups: dict[int, list[str]] = {}
    for pk, group in session.execute(
        sa.select(RecordAccessGroupRow.record_pk, RecordAccessGroupRow.group_name)
        .where(RecordAccessGroupRow.record_pk.in_(pks))
        .order_by(RecordAccessGroupRow.record_pk, RecordAccessGroupRow.group_name)
    ):
        groups.setdefault(pk, []).append(group)
    relations: dict[int, list[Relation]] = {}
    for pk, predicate, target in session.execute(
        sa.select(RelationRow.source_pk, RelationRow.predicate, RelationRow.target_key)
        .where(RelationRow.source_pk.in_(pks))
        .order_by(RelationRow.source_pk, RelationRow.id)
    ):
        relations.setdefault(pk, []).append(Relation(predicate, target))
    identifiers: dict[int, dict[str, str]] = {}
    for pk, scheme, value in session.execute(
        sa.select(
            RecordIdentifierRow.record_pk, RecordIdentifierRow.scheme, RecordIdentifierRow.value
        ).where(RecordIdentifierRow.record_pk.in_(pks))
    ):
        identifiers.setdefault(pk, {})[scheme] = value
    owner_ids = sorted({row.owner_id for row in rows if row.owner_id})
    owners = {
        user.id: user
        for user in (
            session.scalars(sa.select(UserRow).where(UserRow.id.in_(owner_ids)))
            if owner_ids
            else []
        )
    }
    parent_pks = sorted({row.parent_pk for row in rows if row.parent_pk})
    parents: dict[int, str] = (
        {
            pk: ark
            for pk, ark in session.execute(
                sa.select(RecordRow.pk, RecordRow.ark).where(RecordRow.pk.in_(parent_pks))
            )
        }
        if parent_pks
        else {}
    )
    records = []
    for row in rows:
        record = to_record(
            row,
            files.get(row.pk, []),
            owners.get(row.owner_id) if row.owner_id else None,
            parents.get(row.parent_pk) if row.parent_pk else None,
        )
        record.access.access_groups = groups.get(row.pk, [])
        record.relations = relations.get(row.pk, [])
        record.identifiers = identifiers.get(row.pk, {})
        records.append(record)
    return records


def to_record(
    row: RecordRow,
    files: list[RecordFileRow] | None = None,
    owner: UserRow | None = None,
    parent_ark: str | None = None,
) -> Record:
    return Record(
        ark=row.ark,
        kind=row.kind,
        face=Face(row.face),
        metadata=row.metadata_doc,
        access=access_of(row),
        types=list(row.types or []),
        name=row.name,
        description=row.description,
        keywords=list(row.keywords or []),
        native=row.native_doc,
        crate_parts=CrateParts.from_json(row.extra),
        files=[
            RecordFile(
                path=f.path,
                size=f.size,
                sha256=f.sha256,
                md5=f.md5,
                media_type=f.media_type,
                blob_key=f.blob_key,
                external_url=f.external_url,
                client_checksum=f.client_checksum,
                client_checksum_alg=f.client_checksum_alg,
            )
            for f in files or []
        ],
        parent_ark=parent_ark,
        archive_blob_key=row.archive_blob_key,
        archive_layout=ArchiveLayout.from_json(row.archive_layout) if row.archive_layout else None,
        revision=row.revision,
        state=RecordState(row.state),
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
        owner_username=owner.username if owner else None,
        owner_email=owner.email if owner else None,
    )


def access_of(row: RecordRow, groups: list[str] | None = None) -> Access:
    """The access attributes of a row (`groups`: its access groups, if read already)."""
    return Access(
        owner_id=row.owner_id,
        owner_group=row.owner_group,
        access_groups=groups or [],
        metadata_public=row.metadata_public,
        group_write=row.group_write,
        publication=PublicationStatus(row.publication_status),
        organization=row.organization,
        moderation=_moderation(row),
        trashed=row.state == RecordState.TRASHED.value,
    )


def _moderation(row: Any) -> Moderation:
    """The moderation of a `RecordRow`, or of a result row holding its moderation columns."""
    return Moderation(
        state=ModerationState(row.moderation_state or ModerationState.NONE.value),
        message=row.moderation_message,
        decided_by=row.moderated_by,
        decided_at=as_utc(row.moderated_at),
    )


def _moderation_columns(moderation: Moderation) -> dict[str, object]:
    return {
        "moderation_state": moderation.state.value,
        "moderation_message": moderation.message,
        "moderated_by": moderation.decided_by,
        "moderated_at": moderation.decided_at,
    }


def access_groups(session: Session, row: RecordRow) -> list[str]:
    return list(
        session.scalars(
            sa.select(RecordAccessGroupRow.group_name).where(
                RecordAccessGroupRow.record_pk == row.pk
            )
        )
    )
