"""Reading and writing records in SQL; the only module that knows how a record is stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fairdepot.core.ark import normalise
from fairdepot.core.policy import ReadScope
from fairdepot.core.records import (
    Access,
    Face,
    PublicationStatus,
    Record,
    RecordFile,
    RecordState,
    Relation,
)
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
from fairdepot.storage.search import SearchDocument, SearchIndex

_ACCESS_COLUMNS = (
    RecordRow.ark_key,
    RecordRow.owner_id,
    RecordRow.owner_group,
    RecordRow.metadata_public,
    RecordRow.group_write,
    RecordRow.publication_status,
    RecordRow.state,
    RecordRow.revision,
)


def readable(scope: ReadScope) -> sa.ColumnElement[bool]:
    """The policy's read scope as a WHERE clause over `records` (active records only)."""
    active = RecordRow.state == RecordState.ACTIVE.value
    if scope.everything:
        return active
    clauses: list[sa.ColumnElement[bool]] = []
    if scope.metadata_public:
        clauses.append(RecordRow.metadata_public.is_(True))
    if scope.published:
        clauses.append(RecordRow.publication_status == PublicationStatus.PUBLISHED.value)
    if scope.owner_id:
        clauses.append(RecordRow.owner_id == scope.owner_id)
    if scope.groups:
        groups = sorted(scope.groups)
        clauses.append(RecordRow.owner_group.in_(groups))
        clauses.append(
            sa.exists().where(
                RecordAccessGroupRow.record_pk == RecordRow.pk,
                RecordAccessGroupRow.group_name.in_(groups),
            )
        )
    return sa.and_(active, sa.or_(*clauses)) if clauses else sa.false()


class RecordStore:
    """Record persistence inside one session (one transaction); the caller commits."""

    def __init__(self, session: Session, search: SearchIndex) -> None:
        self.session = session
        self.search = search
        self.queued_deletions = 0  # blobs this transaction orphaned

    # -- reading ------------------------------------------------------------------------------
    def row_by_key(self, ark_key: str) -> RecordRow | None:
        return self.session.scalar(sa.select(RecordRow).where(RecordRow.ark_key == ark_key))

    def access_by_key(self, ark_key: str) -> StoredAccess | None:
        """What an access check and a version need, in one statement (no documents decoded):
        the hot path of a resolve whose representation is cached (docs/performance.md).

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
            active=first.state == RecordState.ACTIVE.value,
            access=Access(
                owner_id=first.owner_id,
                owner_group=first.owner_group,
                access_groups=groups,
                metadata_public=first.metadata_public,
                group_write=first.group_write,
                publication=PublicationStatus(first.publication_status),
            ),
            owner_email=first.email,
        )

    def row_by_identifier(self, scheme: str, value: str) -> RecordRow | None:
        return self.session.scalar(
            sa.select(RecordRow)
            .join(RecordIdentifierRow, RecordIdentifierRow.record_pk == RecordRow.pk)
            .where(RecordIdentifierRow.scheme == scheme, RecordIdentifierRow.value == value)
        )

    def rows_by_keys(self, keys: Sequence[str]) -> list[RecordRow]:
        if not keys:
            return []
        return list(self.session.scalars(sa.select(RecordRow).where(RecordRow.ark_key.in_(keys))))

    def members(self, parent: RecordRow, *, include_deleted: bool = False) -> list[RecordRow]:
        query = sa.select(RecordRow).where(RecordRow.parent_pk == parent.pk)
        if not include_deleted:
            query = query.where(RecordRow.state == RecordState.ACTIVE.value)
        return list(self.session.scalars(query.order_by(RecordRow.pk)))

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

    def list_readable(
        self,
        where: sa.ColumnElement[bool],
        *,
        kind: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[RecordRow]:
        query = sa.select(RecordRow).where(where)
        if kind:
            query = query.where(RecordRow.kind == kind)
        return list(self.session.scalars(query.order_by(RecordRow.pk).limit(limit).offset(offset)))

    # -- writing ------------------------------------------------------------------------------
    def insert(self, record: Record, *, parent: RecordRow | None = None) -> RecordRow:
        now = utcnow()
        row = RecordRow(
            ark=record.ark,
            ark_key=_key(record.ark),
            created_at=now,
            updated_at=now,
            revision=1,
            state=RecordState.ACTIVE.value,
        )
        self._fill(row, record, parent)
        self.session.add(row)
        self.session.flush()
        self._replace_children(row, record)
        return row

    def update(
        self,
        row: RecordRow,
        record: Record,
        *,
        actor_id: str | None,
        parent: RecordRow | None = None,
        keep_parent: bool = True,
    ) -> RecordRow:
        """Write a new revision; the previous one is kept in record_revisions.

        The UPDATE is conditional on the revision read, so two concurrent writers cannot both
        succeed: the loser gets a StaleRevision and nothing of its change is written.
        """
        previous = RecordRevisionRow(
            record_pk=row.pk,
            revision=row.revision,
            metadata_doc=row.metadata_doc,
            native_doc=row.native_doc,
            created_by=actor_id,
        )
        values = RecordRow(ark=row.ark, ark_key=row.ark_key)
        self._fill(values, record, parent if parent is not None or not keep_parent else None)
        if row.archive_blob_key and row.archive_blob_key != values.archive_blob_key:
            self.delete_blob_later(row.archive_blob_key)  # a re-upload replaced the original zip
        changes = {
            c.key: getattr(values, c.key)
            for c in sa.inspect(RecordRow).column_attrs
            if c.key not in ("pk", "ark", "ark_key", "created_at", "revision", "state")
            and not (c.key == "parent_pk" and keep_parent and parent is None)
        }
        changes["updated_at"] = utcnow()
        changes["revision"] = row.revision + 1
        result = self.session.execute(
            sa.update(RecordRow)
            .where(RecordRow.pk == row.pk, RecordRow.revision == row.revision)
            .values(**changes)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise StaleRevision(row.ark)
        # Only the writer that won the conditional UPDATE (it holds the row lock) keeps the
        # version it replaced; a loser never gets here, so revision numbers cannot collide.
        self.session.add(previous)
        self.session.refresh(row)
        self._replace_children(row, record)
        return row

    def mark_deleted(self, row: RecordRow, tombstone: dict[str, object]) -> None:
        """Keep the ARK for ever as a tombstone; its files, links and index entry go."""
        for file_row in self.files(row):
            if file_row.blob_key:
                self.delete_blob_later(file_row.blob_key)
        if row.archive_blob_key:
            self.delete_blob_later(row.archive_blob_key)
        for table in (RecordFileRow, RelationRow, RecordAccessGroupRow):
            column = table.source_pk if table is RelationRow else table.record_pk
            self.session.execute(sa.delete(table).where(column == row.pk))
        self.search.remove(self.session, row.pk)
        row.state = RecordState.DELETED.value
        row.deleted_at = utcnow()
        row.tombstone = tombstone
        row.archive_blob_key = None
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
        self.session.add(RecordIdentifierRow(record_pk=row.pk, scheme=scheme, value=value))

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
        row.extra = record.extra
        row.owner_id = access.owner_id
        row.owner_group = access.owner_group
        row.metadata_public = access.metadata_public
        row.group_write = access.group_write
        row.publication_status = access.publication.value
        row.archive_blob_key = record.archive_blob_key
        row.parent_pk = parent.pk if parent is not None else None

    def _replace_children(self, row: RecordRow, record: Record) -> None:
        old_blobs = {f.blob_key for f in self.files(row) if f.blob_key}
        for table in (RecordFileRow, RelationRow, RecordAccessGroupRow):
            column = table.source_pk if table is RelationRow else table.record_pk
            self.session.execute(sa.delete(table).where(column == row.pk))
        for group in sorted(set(record.access.access_groups)):
            self.session.add(RecordAccessGroupRow(record_pk=row.pk, group_name=group))
        for relation in record.relations:
            self.session.add(
                RelationRow(
                    source_pk=row.pk, predicate=relation.predicate, target_key=relation.target
                )
            )
        for f in record.files:
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
        for blob in old_blobs - {f.blob_key for f in record.files if f.blob_key}:
            self.delete_blob_later(blob)
        self.search.put(self.session, row.pk, search_document(record))
        self.session.flush()


def owned_by(user_id: str | None, groups: frozenset[str]) -> sa.ColumnElement[bool]:
    """Records the user owns or the user's groups own (FAIRSCAPE's crate listing)."""
    return sa.or_(RecordRow.owner_id == user_id, RecordRow.owner_group.in_(sorted(groups)))


def tombstone(row: RecordRow, reason: str) -> dict[str, object]:
    """What a deleted record keeps: enough to say what it was and why it went."""
    return {"ark": row.ark, "kind": row.kind, "name": row.name, "reason": reason}


@dataclass(frozen=True)
class StoredAccess:
    """A record's access attributes, revision and owner's e-mail, without its documents."""

    ark_key: str
    revision: int
    active: bool
    access: Access
    owner_email: str | None


class StaleRevision(Exception):
    """Someone else updated the record between our read and our write."""


def _key(ark_text: str) -> str:
    return normalise(ark_text)


def search_document(record: Record) -> SearchDocument:
    body = " ".join(
        str(v)
        for k, v in record.metadata.items()
        if isinstance(v, str) and k not in ("@id", "@type", "name", "description")
    )
    return SearchDocument(
        name=record.name or "",
        description=record.description or "",
        keywords=" ".join(record.keywords),
        body=body[:20000],
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
        extra=dict(row.extra or {}),
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
    )


def access_groups(session: Session, row: RecordRow) -> list[str]:
    return list(
        session.scalars(
            sa.select(RecordAccessGroupRow.group_name).where(
                RecordAccessGroupRow.record_pk == row.pk
            )
        )
    )
