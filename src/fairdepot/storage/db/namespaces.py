"""The facility's namespaces in SQL: the only code that knows their rows."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fairdepot.core.namespaces import Namespace
from fairdepot.storage.db.models import NamespaceRow


class NamespaceRepository:
    """The one ordered list of namespaces, inside one session; the caller commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> list[Namespace]:
        rows = self.session.scalars(sa.select(NamespaceRow).order_by(NamespaceRow.position))
        return [Namespace(row.id, row.title, row.description) for row in rows]

    def replace(self, namespaces: Sequence[Namespace]) -> None:
        """The list becomes exactly `namespaces`, in their order."""
        self.session.execute(sa.delete(NamespaceRow))
        for position, namespace in enumerate(namespaces):
            self.session.add(
                NamespaceRow(
                    id=namespace.id,
                    position=position,
                    title=namespace.title,
                    description=namespace.description,
                )
            )
        self.session.flush()
