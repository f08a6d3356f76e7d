"""`/gcat/groups`: CKAN groups over our collections (services/gcat/)."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import RuntimeDep
from fairdepot.api.gcat.deps import (
    CallerDep,
    ListingDep,
    created_response,
    json_body_declared,
    json_object,
)
from fairdepot.api.gcat.errors import gcat_router
from fairdepot.api.gcat.listing import listed
from fairdepot.services.gcat import groups

router = gcat_router("/gcat/groups")


@router.get("")
async def list_groups(runtime: RuntimeDep, caller: CallerDep, listing: ListingDep) -> Any:
    """Names of the groups not deleted (`offset` in rows), or `{"count": N}`."""
    return listed(await run_in_threadpool(groups.listing, runtime, listing))


@router.post("", status_code=201, openapi_extra=json_body_declared("A CKAN group."))
async def create_group(request: Request, runtime: RuntimeDep, caller: CallerDep) -> JSONResponse:
    body = await json_object(request)
    view = await run_in_threadpool(groups.create, runtime, caller.actor, body)
    return created_response(request, view.collection.name, view.document())


@router.get("/{name}")
async def read_group(name: str, runtime: RuntimeDep, caller: CallerDep) -> Any:
    return (await run_in_threadpool(groups.show, runtime, name)).document()


@router.put(
    "/{name}", openapi_extra=json_body_declared("The whole CKAN group; `name` as in the path.")
)
async def replace_group(name: str, request: Request, runtime: RuntimeDep, caller: CallerDep) -> Any:
    body = await json_object(request)
    view = await run_in_threadpool(groups.update, runtime, caller.actor, name, body)
    return view.document()


@router.patch("/{name}", openapi_extra=json_body_declared("The CKAN group fields to replace."))
async def patch_group(name: str, request: Request, runtime: RuntimeDep, caller: CallerDep) -> Any:
    body = await json_object(request)
    view = await run_in_threadpool(
        lambda: groups.update(runtime, caller.actor, name, body, patch=True)
    )
    return view.document()


@router.delete("/{name}", status_code=204)
async def delete_group(name: str, runtime: RuntimeDep, caller: CallerDep) -> Response:
    """Soft: state `deleted`, out of the listing, the name still taken (`?purge=true`: PURGE)."""
    await run_in_threadpool(groups.delete, runtime, caller.actor, name)
    return Response(status_code=204)


@router.api_route("/{name}", methods=["PURGE"], status_code=204, include_in_schema=False)
async def purge_group(name: str, runtime: RuntimeDep, caller: CallerDep) -> Response:
    """Gone, its name free."""
    await run_in_threadpool(groups.purge, runtime, caller.actor, name)
    return Response(status_code=204)
