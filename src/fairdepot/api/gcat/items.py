"""`/gcat/items` and `/gcat/items/{ITEM}`: gCat items over the catalogue's records
(services/gcat/items.py; listing: item_listing.py; moderation: moderation.py).

Packages are rendered here (host-free links become this server's URLs, core.links); every
decision is the services' and the policy's.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import RuntimeDep
from fairdepot.api.gcat.deps import (
    CallerDep,
    ListingDep,
    created_location,
    json_body_declared,
    json_object,
)
from fairdepot.api.gcat.errors import GcatRoute, gcat_responses
from fairdepot.api.gcat.listing import listed
from fairdepot.core import links
from fairdepot.services.gcat import item_listing, items, moderation, trash
from fairdepot.services.runtime import Runtime

router = APIRouter(
    route_class=GcatRoute, prefix="/gcat/items", tags=["gcat"], responses=gcat_responses()
)


def rendered(runtime: Runtime, document: Any) -> Any:
    return links.render(document, runtime.settings.base_url)


@router.get("")
async def list_items(
    runtime: RuntimeDep,
    caller: CallerDep,
    listing: ListingDep,
    q: Annotated[str | None, Query(description="Words to find (the full-text index).")] = None,
    fq: Annotated[
        str | None,
        Query(
            description="field:value terms, AND-ed: name, tags, organization, license_id, "
            "extras_<key>."
        ),
    ] = None,
    own_only: Annotated[bool, Query(description="true: only the caller's own.")] = False,
    status: Annotated[
        str | None, Query(description="Moderation state: pending, approved or rejected.")
    ] = None,
) -> Any:
    """Names of the readable records (items and the other faces' records), `offset` in
    pages, `limit` at most 1000; or `{"count": N}`."""
    search = item_listing.ItemSearch(q=q, fq=fq, own_only=own_only, status=status)
    return listed(
        await run_in_threadpool(item_listing.listing, runtime, caller.actor, listing, search)
    )


@router.post("", status_code=201, openapi_extra=json_body_declared("A CKAN package."))
async def create_item(
    request: Request,
    runtime: RuntimeDep,
    caller: CallerDep,
    social_post: Annotated[bool, Query(description="Accepted and ignored.")] = True,
) -> JSONResponse:
    body = await json_object(request)
    name, package = await run_in_threadpool(items.create, runtime, caller.actor, body)
    location = created_location(request, name)
    return JSONResponse(rendered(runtime, package), status_code=201, headers={"Location": location})


BulkOwnOnly = Annotated[
    bool, Query(description="false: every item the caller may delete (Admins and above).")
]


@router.delete("", status_code=204)
async def delete_items(
    runtime: RuntimeDep, caller: CallerDep, own_only: BulkOwnOnly = True
) -> Response:
    """The caller's items to the trash, at once (204 when done, not gCat's 202);
    `?purge=true`: PURGE."""
    await run_in_threadpool(lambda: trash.remove_items(runtime, caller.actor, own_only=own_only))
    return Response(status_code=204)


@router.api_route("", methods=["PURGE"], status_code=204, include_in_schema=False)
async def purge_items(
    runtime: RuntimeDep, caller: CallerDep, own_only: BulkOwnOnly = True
) -> Response:
    """The caller's items gone for good, active or not yet trashed (204 when done)."""
    await run_in_threadpool(
        lambda: trash.remove_items(runtime, caller.actor, own_only=own_only, purge=True)
    )
    return Response(status_code=204)


@router.get("/{name}")
async def read_item(name: str, runtime: RuntimeDep, caller: CallerDep) -> Any:
    """An item by name or id, or any record by its package name (`ark-...`)."""
    return rendered(runtime, await run_in_threadpool(items.show, runtime, caller.actor, name))


@router.put(
    "/{name}", openapi_extra=json_body_declared("The whole CKAN package; `name` as in the path.")
)
async def replace_item(name: str, request: Request, runtime: RuntimeDep, caller: CallerDep) -> Any:
    body = await json_object(request)
    package = await run_in_threadpool(items.update, runtime, caller.actor, name, body)
    return rendered(runtime, package)


@router.patch("/{name}", openapi_extra=json_body_declared("The CKAN package fields to replace."))
async def patch_item(name: str, request: Request, runtime: RuntimeDep, caller: CallerDep) -> Any:
    body = await json_object(request)
    package = await run_in_threadpool(
        lambda: items.update(runtime, caller.actor, name, body, patch=True)
    )
    return rendered(runtime, package)


@router.post(
    "/{name}",
    openapi_extra=json_body_declared(
        'Moderation: {"cm_item_status": "approved"|"rejected", "message": ...} or '
        '{"message": ...}; none with ?restore=true.'
    ),
    responses={204: {"description": "A message alone was recorded."}},
)
async def moderate_or_restore_item(
    name: str,
    request: Request,
    runtime: RuntimeDep,
    caller: CallerDep,
    restore: Annotated[
        bool, Query(description="true: bring the item back from the trash.")
    ] = False,
) -> Any:
    """A moderation decision (200 + the item) or message (204); `?restore=true` restores a
    trashed item (200 + the item)."""
    if restore:
        restored = await run_in_threadpool(items.restore, runtime, caller.actor, name)
        return rendered(runtime, restored)
    body = await json_object(request)
    decided = await run_in_threadpool(moderation.moderate, runtime, caller.actor, name, body)
    if decided is None:
        return Response(status_code=204)
    return rendered(runtime, decided)


@router.delete("/{name}", status_code=204)
async def delete_item(name: str, runtime: RuntimeDep, caller: CallerDep) -> Response:
    """Soft: to the trash, its name still taken (`?purge=true`: PURGE)."""
    await run_in_threadpool(items.delete, runtime, caller.actor, name)
    return Response(status_code=204)


@router.api_route("/{name}", methods=["PURGE"], status_code=204, include_in_schema=False)
async def purge_item(name: str, runtime: RuntimeDep, caller: CallerDep) -> Response:
    """Gone, its name free, its ARK a tombstone."""
    await run_in_threadpool(items.purge, runtime, caller.actor, name)
    return Response(status_code=204)
