"""A read scope as SQL: the one place `core.policy.ReadScope` becomes a WHERE clause.

A restricted scope (anyone but an administrator) compiles to two parts AND-ed together:

- a candidate set, `records.pk IN (a UNION of index lookups)`: records by `owner_id`, by
  `owner_group IN`, by `organization IN`, by `record_access_groups.group_name IN`, the
  published ones, the metadata-public ones. Each branch is one index range; their union is
  what the database drives from, a few rows for a member of 1 in 1,000 groups instead of every
  active record;
- the exact grant (the lifecycle, moderation and trash checks `core.policy.allows` makes),
  applied to the candidates only. The candidate set is a superset of the grant by
  construction (every grant clause is implied by one branch), so the answer is the grant's.

Why not the plain `state = ? AND (owner_id = ? OR ...)`: nested under the AND, neither SQLite
nor PostgreSQL answers the OR with a union of its indexed clauses; both scan every active
record and check each (docs/performance.md, the query layer).

The published and metadata-public branches stay in the union for every scope that has them:
they are index lookups like the others, and their size is the number of records the scope may
read through them anyway. Where most of a catalogue is published, the candidate set is most
of the catalogue and the statement costs about what a scan costs, no worse than the plain OR;
the sorted page's index walk (storage/db/query.py) is kept for `everything`, where no record
need be checked at all (see docs/architecture.md, the query layer).
"""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from fairdepot.core.policy import ReadScope
from fairdepot.core.records import AWAITING_APPROVAL, PublicationStatus, RecordState
from fairdepot.storage.db.models import RecordAccessGroupRow, RecordRow


def in_lifecycle(state: RecordState) -> sa.ColumnElement[bool]:
    """Records in one lifecycle state; tombstones are no lifecycle a listing shows."""
    if state is RecordState.DELETED:
        return sa.false()
    return RecordRow.state == state.value


def readable(
    scope: ReadScope, lifecycle: RecordState = RecordState.ACTIVE
) -> sa.ColumnElement[bool]:
    """The policy's read scope as a WHERE clause over `records` in one lifecycle state.

    As core.policy.allows decides for one record: active records in plain view match any
    clause of the scope; those awaiting moderation match their author and their
    organization's Moderators only; trashed ones (the trash view) whoever may delete them.
    A restricted scope is driven from its candidate set (the module docstring says why).

    Kept per (scope, lifecycle): building the clause cost a restricted listing more than its
    statements did (1.4 of 1.8 ms at 100k records, docs/performance.md §Query layer), and a
    clause is an immutable expression that any number of statements may share. A scope is
    made from the caller's groups and roles as they are now, so a changed membership is a
    new key; every field of `ReadScope` is in its equality. About 30 KiB an entry (60 KiB
    for a member of 1,000 groups): 1,024 entries hold 30-60 MiB at most.
    """
    return _readable(scope, RecordState(lifecycle))


@lru_cache(maxsize=1024)
def _readable(scope: ReadScope, lifecycle: RecordState) -> sa.ColumnElement[bool]:
    listed = in_lifecycle(lifecycle)
    if scope.everything:
        return listed
    granted = _granted(scope, lifecycle)
    if not granted:
        return sa.false()
    grant = sa.and_(listed, sa.or_(*granted))
    candidates = candidate_pks(scope, lifecycle)
    if candidates is None:
        return grant  # a clause matches every record in the lifecycle: nothing to narrow by
    return sa.and_(RecordRow.pk.in_(candidates), grant)


def _granted(scope: ReadScope, lifecycle: RecordState) -> list[sa.ColumnElement[bool]]:
    """The exact grant: one clause per way the scope reaches a record in `lifecycle`."""
    awaiting = RecordRow.moderation_state.in_(sorted(s.value for s in AWAITING_APPROVAL))
    granted: list[sa.ColumnElement[bool]] = []
    if scope.owner_id:
        granted.append(RecordRow.owner_id == scope.owner_id)
    if lifecycle is RecordState.TRASHED:
        granted.extend(_trash_clauses(scope))
    elif lifecycle is RecordState.ACTIVE:
        plain = _plain_view_clauses(scope)
        if plain:
            granted.append(sa.and_(sa.not_(awaiting), sa.or_(*plain)))
        if scope.moderated_organizations:
            moderated = RecordRow.organization.in_(sorted(scope.moderated_organizations))
            granted.append(sa.and_(awaiting, moderated))
    return granted


_CANDIDATE = aliased(RecordRow, name="candidate")
"""One alias for every candidate set: a new alias per statement re-adapted its columns each
time (a third of building a restricted scope)."""


def candidate_pks(scope: ReadScope, lifecycle: RecordState) -> sa.CompoundSelect | None:
    """The union of index lookups every record the scope reaches in `lifecycle` is among, or
    None when one clause reaches every record (deleting any trashed record).

    It reads an alias of `records`, so that the subquery never correlates with the statement
    it is AND-ed into.
    """
    c = _CANDIDATE
    branches: list[sa.Select[tuple[int]]] = []

    def by(*clauses: sa.ColumnElement[bool]) -> None:
        branches.append(sa.select(c.pk).where(*clauses))

    if scope.owner_id:
        by(c.owner_id == scope.owner_id)
    if lifecycle is RecordState.TRASHED:
        if scope.trash_everything:
            return None
        if scope.trash_organizations:
            by(c.organization.in_(sorted(scope.trash_organizations)))
        if scope.trash_shared_groups:
            by(c.owner_group.in_(sorted(scope.trash_shared_groups)))
    elif lifecycle is RecordState.ACTIVE:
        if scope.metadata_public:
            by(c.metadata_public.is_(True))
        if scope.published:
            by(c.publication_status == PublicationStatus.PUBLISHED.value)
        if scope.owner_groups:
            by(c.owner_group.in_(sorted(scope.owner_groups)))
        organizations = scope.organizations | scope.moderated_organizations
        if organizations:
            by(c.organization.in_(sorted(organizations)))
        if scope.access_groups:
            branches.append(
                sa.select(RecordAccessGroupRow.record_pk).where(
                    RecordAccessGroupRow.group_name.in_(sorted(scope.access_groups))
                )
            )
    if not branches:
        by(sa.false())
    return sa.union(*branches)


def _plain_view_clauses(scope: ReadScope) -> list[sa.ColumnElement[bool]]:
    clauses: list[sa.ColumnElement[bool]] = []
    if scope.metadata_public:
        clauses.append(RecordRow.metadata_public.is_(True))
    if scope.published:
        clauses.append(RecordRow.publication_status == PublicationStatus.PUBLISHED.value)
    if scope.owner_groups:
        clauses.append(RecordRow.owner_group.in_(sorted(scope.owner_groups)))
    if scope.access_groups:
        # an uncorrelated IN, not EXISTS: the candidate set already holds these records, and
        # the check is one hashed lookup per candidate
        clauses.append(
            RecordRow.pk.in_(
                sa.select(RecordAccessGroupRow.record_pk).where(
                    RecordAccessGroupRow.group_name.in_(sorted(scope.access_groups))
                )
            )
        )
    if scope.organizations:
        clauses.append(RecordRow.organization.in_(sorted(scope.organizations)))
    return clauses


def _trash_clauses(scope: ReadScope) -> list[sa.ColumnElement[bool]]:
    if scope.trash_everything:
        return [sa.true()]
    clauses: list[sa.ColumnElement[bool]] = []
    if scope.trash_organizations:
        clauses.append(RecordRow.organization.in_(sorted(scope.trash_organizations)))
    if scope.trash_shared_groups:
        clauses.append(
            sa.and_(
                RecordRow.group_write.is_(True),
                RecordRow.owner_group.in_(sorted(scope.trash_shared_groups)),
            )
        )
    return clauses
