"""Organizations and memberships in SQL: the only code that knows their rows."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fairdepot.core.organizations import Collection, Organization
from fairdepot.core.policy import Membership, ReadScope, Role
from fairdepot.storage.db.models import (
    CollectionRecordRow,
    CollectionRow,
    MembershipRow,
    OrganizationRow,
    RecordRow,
    UserRow,
)
from fairdepot.storage.db.scope import readable


class OrganizationRepository:
    """Organizations and who holds which role in them, inside one session; the caller commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, name: str) -> Organization | None:
        row = self.session.get(OrganizationRow, name)
        return _organization(row) if row is not None else None

    def add(self, organization: Organization) -> None:
        """Insert; a taken name fails the flush with an IntegrityError (the caller's 409)."""
        self.session.add(
            OrganizationRow(
                name=organization.name,
                title=organization.title,
                moderated=organization.moderated,
            )
        )
        self.session.flush()

    def all(self) -> list[Organization]:
        rows = self.session.scalars(sa.select(OrganizationRow).order_by(OrganizationRow.name))
        return [_organization(row) for row in rows]

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
        return Collection(row.name, row.title, row.organization) if row is not None else None

    def add(self, collection: Collection) -> None:
        """Insert; a taken name fails the flush with an IntegrityError (the caller's 409)."""
        self.session.add(
            CollectionRow(
                name=collection.name, title=collection.title, organization=collection.organization
            )
        )
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


def _organization(row: OrganizationRow) -> Organization:
    return Organization(name=row.name, title=row.title, moderated=row.moderated)
