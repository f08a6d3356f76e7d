"""The catalogue's lifecycle use cases: find by any identifier, trash, restore, purge, moderate.

A trashed record keeps its ARK and every other identifier (nobody else can take them), is
hidden from listings and search, and is seen (in the trash view, and through its identifiers)
only by those who may delete it; everyone else is told "not found". Restoring brings it back
as it was. Purging makes it a tombstone: its ARK answers 410 for ever and its other
identifiers are free again. Each use case takes the acting user and asks core.policy.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fairdepot.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from fairdepot.core.policy import Action, Actor, Mine, allows, read_scope
from fairdepot.core.query import Page, Query
from fairdepot.core.record_changes import RecordChanges
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import Moderation, ModerationState, Record, RecordState
from fairdepot.services.records import check_row, find_row, load, parse_ark, trashed_with
from fairdepot.services.runtime import Runtime
from fairdepot.services.uow import unit_of_work
from fairdepot.storage.db.records import RecordStore, tombstone

ARK_SCHEME = "ark"


def find(runtime: Runtime, actor: Actor, scheme: str, value: str) -> Record:
    """The record an identifier of any scheme names (`ark`, or a core IdentifierScheme).

    The same answers as resolving its ARK: NotFound when unreadable (or in a trash the actor
    may not see), Gone for a purged ARK. A purged record's other identifiers are free, so they
    find nothing.
    """
    with runtime.reading() as store:
        if scheme == ARK_SCHEME:
            return load(store, find_row(store, actor, value, Action.READ_METADATA))
        row = store.row_by_identifier(scheme, value)
        if row is None:
            raise NotFound(f"no record has the {scheme} {value!r}")
        check_row(store, actor, row, Action.READ_METADATA)
        return load(store, row)


def trash(runtime: Runtime, actor: Actor, ark_text: str) -> list[str]:
    """Move a record (and its crate's active members the actor may delete) to the trash.

    Returns the ARKs trashed; a record already in the trash is left as it is.
    """
    with runtime.writing() as store:
        row = find_row(store, actor, ark_text, Action.DELETE)
        if row.state == RecordState.TRASHED.value:
            return []
        moved = [row, *_may_delete(store, actor, store.members(row))]
        for target in moved:  # the crate first: its members' trashed_at are not earlier
            store.update(
                target, RecordChanges(lifecycle=RecordState.TRASHED), actor_id=actor.user_id
            )
        return [r.ark for r in moved]


def restore(runtime: Runtime, actor: Actor, ark_text: str) -> list[str]:
    """Bring a trashed record back, with the members that went to the trash with it."""
    with runtime.writing() as store:
        row = _trashed_row(store, actor, ark_text)
        members = _may_delete(store, actor, trashed_with(store, row))
        for target in (row, *members):
            store.update(
                target, RecordChanges(lifecycle=RecordState.ACTIVE), actor_id=actor.user_id
            )
        return [r.ark for r in (row, *members)]


def purge(runtime: Runtime, actor: Actor, ark_text: str) -> list[str]:
    """Make a record (active or trashed) and its crate's members tombstones, freeing their
    identifiers other than the ARKs; files are removed after the transaction commits."""
    with runtime.writing() as store:
        row = find_row(store, actor, ark_text, Action.PURGE)
        doomed = [
            row,
            *store.members(row),
            *store.members(row, lifecycle=RecordState.TRASHED),
        ]
        for target in doomed:
            store.mark_deleted(target, tombstone(target, "purged"))
        return [r.ark for r in doomed]


def list_trash(
    runtime: Runtime,
    actor: Actor,
    *,
    limit: int = 100,
    offset: int = 0,
    mine: Mine | None = None,
) -> list[Record]:
    """The trashed records the actor may see there: those it may delete (all, for an admin);
    `mine=Mine.OWNER`: only its own (gCat's trash by default)."""
    with runtime.reading() as store:
        query = Query(page=Page(limit=limit, offset=offset))
        found = store.find(query, read_scope(actor, mine=mine), RecordState.TRASHED)
        return store.load(found.rows, with_files=False)


def empty_trash(runtime: Runtime, actor: Actor, *, mine: Mine | None = None) -> list[str]:
    """Purge every trashed record the actor sees in the trash (gCat's `PURGE /trash`);
    `mine=Mine.OWNER`: only its own.

    One transaction: the trash is emptied entirely or not at all.
    """
    batch_query = Query(page=Page(limit=500))
    scope = read_scope(actor, mine=mine)
    purged: list[str] = []
    with runtime.writing() as store:
        while batch := store.find(batch_query, scope, RecordState.TRASHED).rows:
            for row in batch:
                store.mark_deleted(row, tombstone(row, "purged"))
                purged.append(row.ark)
            store.flush()
    return purged


def submit_for_moderation(runtime: Runtime, actor: Actor, ark_text: str) -> Record:
    """Its author asks for (again, after a rejection) approval: the record becomes pending.

    Only a record of a moderated organization can be: anywhere else nobody but an administrator
    could ever decide, and the record would stay hidden from everyone but its author.
    """
    with unit_of_work(runtime) as work:
        row = find_row(work.records, actor, ark_text, Action.UPDATE)  # not a trashed one
        organization = work.organizations.get(row.organization) if row.organization else None
        if organization is None or not organization.moderated:
            why = (
                f"its organization {row.organization!r} does not moderate its records"
                if row.organization
                else "it belongs to no organization"
            )
            raise Conflict(f"{row.ark} cannot be submitted for moderation: {why}")
        pending = Moderation(ModerationState.PENDING)
        work.records.update(row, RecordChanges(moderation=pending), actor_id=actor.user_id)
        return load(work.records, row, with_files=False)


DECISIONS = frozenset({ModerationState.APPROVED, ModerationState.REJECTED})


def moderate(
    runtime: Runtime,
    actor: Actor,
    ark_text: str,
    decision: ModerationState,
    message: str | None = None,
) -> Record:
    """A moderator approves or rejects a moderated record, saying why; who and when are kept."""
    if decision not in DECISIONS:
        raise InvalidInput(
            f"a moderation decision is {' or '.join(sorted(DECISIONS))}, not {decision.value}"
        )
    with runtime.writing() as store:
        row = find_row(store, actor, ark_text, Action.READ_METADATA)
        if row.state != RecordState.ACTIVE.value:
            raise Conflict(f"{row.ark} is in the trash; restore it first")
        access = check_row(store, actor, row, Action.READ_METADATA)
        if not allows(actor, Action.MODERATE, access):
            raise PermissionDenied(f"you may not moderate {row.ark}")
        if access.moderation.state is ModerationState.NONE:
            raise Conflict(f"{row.ark} is not moderated (its organization is not)")
        decided = Moderation(decision, message, actor.user_id, datetime.now(UTC))
        store.update(row, RecordChanges(moderation=decided), actor_id=actor.user_id)
        return load(store, row, with_files=False)


def _trashed_row(store: RecordStore, actor: Actor, ark_text: str) -> RecordHandle:
    row = store.row_by_key(parse_ark(ark_text))
    if row is None:
        raise NotFound("identifier not found")
    check_row(store, actor, row, Action.DELETE)
    if row.state != RecordState.TRASHED.value:
        raise Conflict(f"{row.ark} is not in the trash")
    return row


def _may_delete(store: RecordStore, actor: Actor, rows: list[RecordHandle]) -> list[RecordHandle]:
    """Those of `rows` the actor may delete (a crate's members others own stay as they are)."""
    loaded = store.load(rows, with_files=False)
    return [m for m, r in zip(rows, loaded, strict=True) if allows(actor, Action.DELETE, r.access)]
