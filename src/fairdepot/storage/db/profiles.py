"""Organizations' gCat item profiles in SQL: the only code that knows their rows."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fairdepot.core.profiles.stored import StoredProfile
from fairdepot.core.timestamps import utcnow
from fairdepot.storage.db.models import ItemProfileRow


class ProfileRepository:
    """Each organization's profiles by name, inside one session; the caller commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def names(self, organization: str) -> list[str]:
        """The organization's profile names, sorted."""
        query = (
            sa.select(ItemProfileRow.name)
            .where(ItemProfileRow.organization == organization)
            .order_by(ItemProfileRow.name)
        )
        return list(self.session.scalars(query))

    def count(self, organization: str) -> int:
        query = sa.select(sa.func.count()).where(ItemProfileRow.organization == organization)
        return int(self.session.scalar(query.select_from(ItemProfileRow)) or 0)

    def get(self, organization: str, name: str) -> StoredProfile | None:
        row = self.session.get(ItemProfileRow, (organization, name))
        return _stored(row) if row is not None else None

    def all(self, organization: str) -> list[StoredProfile]:
        """Every profile of the organization, by name (what an item is validated against)."""
        query = (
            sa.select(ItemProfileRow)
            .where(ItemProfileRow.organization == organization)
            .order_by(ItemProfileRow.name)
        )
        return [_stored(row) for row in self.session.scalars(query)]

    def put(self, organization: str, name: str, xml: str) -> tuple[StoredProfile, bool]:
        """Create or replace; (the profile, whether it was created). Two creations racing
        for one name fail the second's flush with an IntegrityError (the caller's 409)."""
        row = self.session.get(ItemProfileRow, (organization, name))
        created = row is None
        now = utcnow()
        if row is None:
            row = ItemProfileRow(organization=organization, name=name, created_at=now)
            self.session.add(row)
        row.xml, row.updated_at = xml, now
        self.session.flush()
        return _stored(row), created

    def delete(self, organization: str, name: str) -> bool:
        """Remove it; whether there was one."""
        row = self.session.get(ItemProfileRow, (organization, name))
        if row is None:
            return False
        self.session.delete(row)
        self.session.flush()
        return True


def _stored(row: ItemProfileRow) -> StoredProfile:
    return StoredProfile(
        row.organization, row.name, row.xml, _utc(row.created_at), _utc(row.updated_at)
    )


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
