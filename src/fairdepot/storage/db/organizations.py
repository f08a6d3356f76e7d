"""Organizations and memberships in SQL: the only code that knows their rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fairdepot.core.organizations import Collection, Extra, Group, GroupState, Organization
from fairdepot.core.policy import Membership, ReadScope, Role
from fairdepot.storage.db.models import (
    CollectionRecordRow,
    CollectionRow,
    MembershipRow,
    OrganizationRow,
    RecordRow,
    UserRow,
    as_utc,
)
from fairdepot.storage.db.scope import readable

GroupTable = type[OrganizationRow] | type[CollectionRow]
"""The two tables of `Group`s: the same columns for what a group's page shows, and `state`."""


class OrganizationRepository:
    """Organizations and who holds which role in them, inside one session; the caller commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, name: str) -> Organization | None:
        row = self.session.get(OrganizationRow, name)
        return _organization(row) if row is not None else None

    def add(self, organization: Organization) -> Organization:
        """Insert; a taken name fails the flush with an IntegrityError (the caller's 409)."""
        row = OrganizationRow(name=organization.name, uuid=str(uuid.uuid4()))
        _fill_organization(row, organization)
        self.session.add(row)
        self.session.flush()
        return _organization(row)

    def update(self, organization: Organization) -> Organization:
        """Write every field but the name, the uuid and the creation time."""
        row = self.session.get(OrganizationRow, organization.name)
        if row is None:
            raise LookupError(organization.name)
        _fill_organization(row, organization)
        self.session.flush()
        return _organization(row)

    def all(self) -> list[Organization]:
        rows = self.session.scalars(sa.select(OrganizationRow).order_by(OrganizationRow.name))
        return [_organization(row) for row in rows]

    def active_names(self, offset: int, limit: int | None) -> list[str]:
        """Names of the organizations not deleted, by name, one page."""
        return _active_names(self.session, OrganizationRow, offset, limit)

    def count_active(self) -> int:
        return _count_active(self.session, OrganizationRow)

    def record_count(self, name: str) -> int:
        """Active records in the organization (CKAN's `package_count`)."""
        query = sa.select(sa.func.count()).where(
            RecordRow.organization == name, RecordRow.state == "active"
        )
        return int(self.session.scalar(query.select_from(RecordRow)) or 0)

    def held_records(self, name: str) -> int:
        """Records (active or in the trash) that still name the organization."""
        query = sa.select(sa.func.count()).where(
            RecordRow.organization == name, RecordRow.state.in_(("active", "trashed"))
        )
        return int(self.session.scalar(query.select_from(RecordRow)) or 0)

    def purge(self, name: str) -> None:
        """Remove the organization, its memberships; its collections and its records'
        tombstones stay, outside any organization (the caller checked `held_records`)."""
        self.session.execute(sa.delete(MembershipRow).where(MembershipRow.organization == name))
        self.session.execute(
            sa.update(CollectionRow)
            .where(CollectionRow.organization == name)
            .values(organization=None)
        )
        self.session.execute(
            sa.update(RecordRow).where(RecordRow.organization == name).values(organization=None)
        )
        self.session.execute(sa.delete(OrganizationRow).where(OrganizationRow.name == name))
        self.session.flush()

    def missing(self, names: Iterable[str]) -> list[str]:
        """Which of `names` are not organizations (in the order given)."""
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return []
        known = set(
            self.session.scalars(
                sa.select(OrganizationRow.name).where(OrganizationRow.name.in_(wanted))
            )
        )
        return [name for name in wanted if name not in known]

    def members(self, organization: str) -> list[tuple[str, Role]]:
        """(username, role) of everyone in the organization."""
        rows = self.session.execute(
            sa.select(UserRow.username, MembershipRow.role)
            .join(UserRow, UserRow.id == MembershipRow.user_id)
            .where(MembershipRow.organization == organization)
            .order_by(UserRow.username, MembershipRow.role)
        )
        return [(username, Role(role)) for username, role in rows]

    def add_membership(self, user_id: str, membership: Membership) -> None:
        """Give the user one more role (already held: nothing changes)."""
        key = (user_id, membership.organization, membership.role.value)
        if self.session.get(MembershipRow, key) is None:
            self.session.add(
                MembershipRow(
                    user_id=user_id,
                    organization=membership.organization,
                    role=membership.role.value,
                )
            )
            self.session.flush()

    def replace_memberships(self, user_id: str, memberships: Iterable[Membership]) -> None:
        """The user's roles become exactly `memberships`."""
        self.session.execute(sa.delete(MembershipRow).where(MembershipRow.user_id == user_id))
        for membership in sorted(set(memberships), key=lambda m: (m.organization, m.role)):
            self.session.add(
                MembershipRow(
                    user_id=user_id,
                    organization=membership.organization,
                    role=membership.role.value,
                )
            )
        self.session.flush()


class CollectionRepository:
    """Named groups of records, inside one session; the caller commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, name: str) -> Collection | None:
        row = self._row(name)
        return _collection(row) if row is not None else None

    def add(self, collection: Collection) -> Collection:
        """Insert; a taken name fails the flush with an IntegrityError (the caller's 409)."""
        row = CollectionRow(name=collection.name, uuid=str(uuid.uuid4()))
        _fill_collection(row, collection)
        self.session.add(row)
        self.session.flush()
        return _collection(row)

    def update(self, collection: Collection) -> Collection:
        """Write every field but the name, the uuid and the creation time."""
        row = self._row(collection.name)
        if row is None:
            raise LookupError(collection.name)
        _fill_collection(row, collection)
        self.session.flush()
        return _collection(row)

    def active_names(self, offset: int, limit: int | None) -> list[str]:
        """Names of the collections not deleted, by name, one page."""
        return _active_names(self.session, CollectionRow, offset, limit)

    def count_active(self) -> int:
        return _count_active(self.session, CollectionRow)

    def record_count(self, name: str) -> int:
        """Active records in the collection (CKAN's `package_count`)."""
        query = (
            sa.select(sa.func.count())
            .select_from(CollectionRecordRow)
            .join(CollectionRow, CollectionRow.id == CollectionRecordRow.collection_id)
            .join(RecordRow, RecordRow.pk == CollectionRecordRow.record_pk)
            .where(CollectionRow.name == name, RecordRow.state == "active")
        )
        return int(self.session.scalar(query) or 0)

    def purge(self, name: str) -> None:
        """Remove the collection; its records stay, out of it."""
        row = self._row(name)
        if row is not None:
            self.session.execute(
                sa.delete(CollectionRecordRow).where(CollectionRecordRow.collection_id == row.id)
            )
            self.session.delete(row)
            self.session.flush()

    def include(self, name: str, record_pk: int) -> None:
        """Put a record in the collection (already in it: nothing changes)."""
        row = self._row(name)
        if row is None:
            raise LookupError(name)
        if self.session.get(CollectionRecordRow, (row.id, record_pk)) is None:
            self.session.add(CollectionRecordRow(collection_id=row.id, record_pk=record_pk))
            self.session.flush()

    def record_keys(self, name: str, scope: ReadScope) -> list[str]:
        """ARK keys of the collection's records the read scope selects (active ones)."""
        where = readable(scope)
        return list(
            self.session.scalars(
                sa.select(RecordRow.ark_key)
                .join(CollectionRecordRow, CollectionRecordRow.record_pk == RecordRow.pk)
                .join(CollectionRow, CollectionRow.id == CollectionRecordRow.collection_id)
                .where(CollectionRow.name == name, where)
                .order_by(RecordRow.pk)
            )
        )

    def _row(self, name: str) -> CollectionRow | None:
        return self.session.scalar(sa.select(CollectionRow).where(CollectionRow.name == name))


def memberships_of(user: UserRow) -> frozenset[Membership]:
    """The roles of a user loaded with `with_memberships()`.

    An account loaded without them (one just created, which has none yet) acts with its groups
    alone: a missing load can only ever give fewer rights, never more.
    """
    if "memberships" in sa.inspect(user).unloaded:
        return frozenset()
    return frozenset(Membership(m.organization, Role(m.role)) for m in user.memberships)


def with_memberships() -> sa.orm.interfaces.LoaderOption:
    """The loader option every query that builds an actor from a user adds (one IN query)."""
    return sa.orm.selectinload(UserRow.memberships)


def _group_fields(row: OrganizationRow | CollectionRow) -> dict[str, Any]:
    """The `Group` fields of either row: the two tables hold them in the same columns."""
    return {
        "name": row.name,
        "title": row.title,
        "id": row.uuid,
        "description": row.description or "",
        "image_url": row.image_url or "",
        "state": GroupState(row.state or GroupState.ACTIVE.value),
        "extras": tuple(Extra(e["key"], e["value"]) for e in row.extras or []),
        "created": as_utc(row.created_at),
    }


def _fill_group(row: OrganizationRow | CollectionRow, group: Group) -> None:
    """Write the `Group` fields but the name, the uuid and the creation time."""
    row.title = group.title
    row.description = group.description
    row.image_url = group.image_url
    row.state = group.state.value
    row.extras = [{"key": e.key, "value": e.value} for e in group.extras]


def _organization(row: OrganizationRow) -> Organization:
    return Organization(**_group_fields(row), moderated=row.moderated)


def _fill_organization(row: OrganizationRow, organization: Organization) -> None:
    _fill_group(row, organization)
    row.moderated = organization.moderated


def _collection(row: CollectionRow) -> Collection:
    return Collection(**_group_fields(row), organization=row.organization)


def _fill_collection(row: CollectionRow, collection: Collection) -> None:
    _fill_group(row, collection)
    row.organization = collection.organization


def _active_names(
    session: Session,
    table: GroupTable,
    offset: int,
    limit: int | None,
) -> list[str]:
    """Names of the rows not deleted, by name, one page."""
    query = (
        sa.select(table.name)
        .where(table.state == GroupState.ACTIVE.value)
        .order_by(table.name)
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(query))


def _count_active(session: Session, table: GroupTable) -> int:
    query = sa.select(sa.func.count()).where(table.state == GroupState.ACTIVE.value)
    return int(session.scalar(query.select_from(table)) or 0)
