"""`/gcat/trash`: names of trashed records, and emptying the trash (services/gcat/trash.py).
Restoring one is `POST /gcat/items/{ITEM}?restore=true` (api/gcat/items.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import RuntimeDep
from fairdepot.api.gcat.deps import CallerDep, ListingDep
from fairdepot.api.gcat.errors import GcatRoute, gcat_responses
from fairdepot.api.gcat.listing import listed
from fairdepot.services.gcat import trash

router = APIRouter(
    route_class=GcatRoute, prefix="/gcat/trash", tags=["gcat"], responses=gcat_responses()
)

OwnOnly = Annotated[
    bool, Query(description="false: every trashed record the caller may delete (Admins+).")
]


@router.get("")
async def list_trash(
    runtime: RuntimeDep, caller: CallerDep, listing: ListingDep, own_only: OwnOnly = True
) -> Any:
    """Names of the caller's trashed records (`offset` in pages), or `{"count": N}`."""
    return listed(
        await run_in_threadpool(
            lambda: trash.listing(runtime, caller.actor, listing, own_only=own_only)
        )
    )


@router.delete("", status_code=204)
async def empty_trash(runtime: RuntimeDep, caller: CallerDep, own_only: OwnOnly = True) -> Response:
    """Purge the trash the listing shows, at once (204 when done, not gCat's 202)."""
    await run_in_threadpool(lambda: trash.empty(runtime, caller.actor, own_only=own_only))
    return Response(status_code=204)


@router.api_route("", methods=["PURGE"], status_code=204, include_in_schema=False)
async def purge_trash(runtime: RuntimeDep, caller: CallerDep, own_only: OwnOnly = True) -> Response:
    await run_in_threadpool(lambda: trash.empty(runtime, caller.actor, own_only=own_only))
    return Response(status_code=204)
