"""gCat's trash (`/trash`): the names of trashed records, and emptying it for good.

By default a caller's own trash (`own_only=true`, reference §3.4); `own_only=false` is every
trashed record the caller may delete, which the policy's read scope of the trash already is:
all of an organization's for its Admins and Managers, everything for an administrator, and for
an Editor nothing more than their own (so the flag needs no role check of its own). Emptying
purges them in one transaction (the core's `empty_trash`), so the answer is 204, not gCat's
202 "accepted": when it returns, the names are free.
"""

from __future__ import annotations

from fairdepot.core.crosswalks.ckan_names import package_name
from fairdepot.core.policy import Actor, Mine, read_scope
from fairdepot.core.query import Page, Query
from fairdepot.core.records import RecordState
from fairdepot.services import catalogue
from fairdepot.services.gcat.item_listing import PACKAGES
from fairdepot.services.gcat.listing import Listed, Listing
from fairdepot.services.runtime import Runtime
from fairdepot.services.uow import read_only


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
