"""Reading records in a constant number of statements: whole records for a page of rows,
or only what an access check needs.

A listing of 50 records must cost what one record costs (one IN query per child table), and
the resolver's access check must not decode documents; both are reads the repository
(`records.py`) delegates here, with rows read as records by `record_mapping.py`.

A page may have been read without its JSON-LD (`RecordStore.find(..., with_metadata=False)`:
a SciCat listing renders native documents): `load_records` then reads it, for the rows that
need it, in one more statement, never once per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from fairdepot.core.records import Access, Record, RecordState, Relation
from fairdepot.storage.db.change_stamps import RecordStamp
from fairdepot.storage.db.engine import SINGLE_STATEMENT_OPTION
from fairdepot.storage.db.models import (
    RecordAccessGroupRow,
    RecordFileRow,
    RecordIdentifierRow,
    RecordRow,
    RelationRow,
    UserRow,
)
from fairdepot.storage.db.record_mapping import access_of_columns, to_record


def load_records(
    session: Session,
    rows: Sequence[RecordRow],
    *,
    with_files: bool = True,
    with_metadata: bool = True,
    with_documents: bool = True,
) -> list[Record]:
    """Whole records (files, relations, access groups, identifiers, owner, parent ARK) for `rows`;
    without files or documents if asked (`to_record`).

    One IN query per child table, whatever the number of rows: a page of 50 records costs the
    same number of statements as one record. `with_metadata=False`: the JSON-LD is not read
    (`Record.metadata` is empty), for callers that render the native document only;
    `with_documents=False`: neither document is read (a held file's download).
    """
    if not rows:
        return []
    pks = [row.pk for row in rows]
    if with_metadata and with_documents:
        _read_unloaded_metadata(session, rows)
    files: dict[int, list[RecordFileRow]] = {}
    if with_files:
        for f in session.scalars(
            sa.select(RecordFileRow)
            .where(RecordFileRow.record_pk.in_(pks))
            .order_by(RecordFileRow.record_pk, RecordFileRow.path)
        ):
            files.setdefault(f.record_pk, []).append(f)
    groups = access_groups_of(session, pks)
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
            with_metadata=with_metadata,
            documents=with_documents,
        )
        record.access.access_groups = groups.get(row.pk, [])
        record.relations = relations.get(row.pk, [])
        record.identifiers = identifiers.get(row.pk, {})
        records.append(record)
    return records


def _read_unloaded_metadata(session: Session, rows: Sequence[RecordRow]) -> None:
    """The JSON-LD of the rows read without it, in one statement, kept on the rows as read
    (so nothing reads it again, and no row reads it alone)."""
    unread = {row.pk: row for row in rows if "metadata_doc" in sa.inspect(row).unloaded}
    if not unread:
        return
    for pk, document in session.execute(
        sa.select(RecordRow.pk, RecordRow.metadata_doc).where(RecordRow.pk.in_(list(unread)))
    ):
        set_committed_value(unread[pk], "metadata_doc", document)


def access_groups_of(session: Session, pks: Sequence[int]) -> dict[int, list[str]]:
    """The access groups of many records by pk, in one statement (sorted per record)."""
    groups: dict[int, list[str]] = {}
    if not pks:
        return groups
    for pk, group in session.execute(
        sa.select(RecordAccessGroupRow.record_pk, RecordAccessGroupRow.group_name)
        .where(RecordAccessGroupRow.record_pk.in_(list(pks)))
        .order_by(RecordAccessGroupRow.record_pk, RecordAccessGroupRow.group_name)
    ):
        groups.setdefault(pk, []).append(group)
    return groups


def access_groups(session: Session, record_pk: int) -> list[str]:
    """The access groups of one record (a page of records: `load_records`)."""
    return list(
        session.scalars(
            sa.select(RecordAccessGroupRow.group_name).where(
                RecordAccessGroupRow.record_pk == record_pk
            )
        )
    )


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


ACCESS_COLUMNS = (
    # what an access check reads of a record, no documents (`record_mapping.access_of_columns`)
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


def access_by_key(session: Session, ark_key: str) -> StoredAccess | None:
    """What an access check and a version need, in one statement (no documents decoded),
    with the record's change stamp read in the same statement (so the stamp describes
    exactly this access: `storage.db.change_stamps`, docs/performance.md).

    Called first in its session, it runs without an explicit transaction on SQLite.
    """
    connection = session.connection(execution_options={SINGLE_STATEMENT_OPTION: True})
    found = connection.execute(
        sa.select(*ACCESS_COLUMNS, RecordAccessGroupRow.group_name, UserRow.email)
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
        access=access_of_columns(first, groups),
        owner_email=first.email,
        stamp=(first.pk, first.change_stamp),
    )
