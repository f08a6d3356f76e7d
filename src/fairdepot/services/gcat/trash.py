"""gCat's trash (`/trash`): the names of trashed records, and emptying it for good; and
the bulk `DELETE`/`PURGE /items` that fill it or bypass it.

By default a caller's own trash (`own_only=true`, reference §3.4); `own_only=false` is every
trashed record the caller may delete, which the policy's read scope of the trash already is:
all of an organization's for its Admins and Managers, everything for an administrator, and for
an Editor nothing more than their own (so the flag needs no role check of its own). Emptying
purges them in one transaction (the core's `empty_trash`), so the answer is 204, not gCat's
202 "accepted": when it returns, the names are free.
"""

from __future__ import annotations

from fairdepot.core.crosswalks.ckan_names import package_name
from fairdepot.core.policy import Action, Actor, Mine, allows, read_scope
from fairdepot.core.query import Page, Query, cmp
from fairdepot.core.record_changes import RecordChanges
from fairdepot.core.records import Face, RecordState
from fairdepot.services import catalogue
from fairdepot.services.gcat.item_listing import PACKAGES
from fairdepot.services.gcat.listing import Listed, Listing
from fairdepot.services.runtime import Runtime
from fairdepot.services.uow import read_only, unit_of_work
from fairdepot.storage.db.records import tombstone


def _mine(own_only: bool) -> Mine | None:
    return Mine.OWNER if own_only else None


def listing(runtime: Runtime, actor: Actor, request: Listing, *, own_only: bool = True) -> Listed:
    """Names of one page of the trash (`offset` in pages, as `/items`), or how many."""
    skip, size = request.page()
    query = Query(where=PACKAGES, page=Page(size, skip))
    scope = read_scope(actor, mine=_mine(own_only))
    with read_only(runtime) as work:
        if request.count:
            return work.records.tally(query, scope, RecordState.TRASHED).total
        found = work.records.find(query, scope, RecordState.TRASHED, with_metadata=False)
        return [package_name(r) for r in work.records.load(found.rows, with_files=False)]


def empty(runtime: Runtime, actor: Actor, *, own_only: bool = True) -> list[str]:
    """Purge the trash the listing shows (all of it, not one page); the ARKs purged."""
    return catalogue.empty_trash(runtime, actor, mine=_mine(own_only))


BULK_BATCH = 500


def remove_items(
    runtime: Runtime, actor: Actor, *, own_only: bool = True, purge: bool = False
) -> list[str]:
    """gCat's bulk `DELETE /items` (to the trash) or `PURGE /items` (`purge`): the caller's
    own active gCat items, or (`own_only=false`) every one the caller may delete, in one
    transaction; the ARKs removed. Those the caller reads but may not delete are left (the
    policy decides each: a bulk write is checked row by row, a listing never is)."""
    action = Action.PURGE if purge else Action.DELETE
    where = cmp("face", "eq", Face.GCAT.value)
    scope = read_scope(actor, mine=_mine(own_only))
    removed: list[str] = []
    skipped = 0
    with unit_of_work(runtime) as work:
        store = work.records
        while True:
            page = Query(where=where, page=Page(BULK_BATCH, skipped))
            rows = store.find(page, scope, RecordState.ACTIVE).rows
            if not rows:
                return removed
            for row, access in zip(rows, store.accesses(rows), strict=True):
                if not allows(actor, action, access):
                    skipped += 1
                elif purge:
                    store.mark_deleted(row, tombstone(row, "purged"))
                    removed.append(row.ark)
                else:
                    trashed = RecordChanges(lifecycle=RecordState.TRASHED)
                    store.update(row, trashed, actor_id=actor.user_id)
                    removed.append(row.ark)
            store.flush()
