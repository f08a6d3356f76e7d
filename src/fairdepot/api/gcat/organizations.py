"""`/gcat/organizations`: CKAN organizations over our organizations (services/gcat/)."""

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
from fairdepot.services.gcat import organizations

router = gcat_router("/gcat/organizations")


@router.get("")
async def list_organizations(runtime: RuntimeDep, caller: CallerDep, listing: ListingDep) -> Any:
    """Names of the organizations not deleted (`offset` in rows), or `{"count": N}`."""
    return listed(await run_in_threadpool(organizations.listing, runtime, listing))


@router.post("", status_code=201, openapi_extra=json_body_declared("A CKAN organization."))
async def create_organization(
    request: Request, runtime: RuntimeDep, caller: CallerDep
) -> JSONResponse:
    body = await json_object(request)
    view = await run_in_threadpool(organizations.create, runtime, caller.actor, body)
    return created_response(request, view.organization.name, view.document())


@router.get("/{name}")
async def read_organization(name: str, runtime: RuntimeDep, caller: CallerDep) -> Any:
    return (await run_in_threadpool(organizations.show, runtime, name)).document()


@router.put(
    "/{name}",
    openapi_extra=json_body_declared("The whole CKAN organization; `name` as in the path."),
)
async def replace_organization(
    name: str, request: Request, runtime: RuntimeDep, caller: CallerDep
) -> Any:
    body = await json_object(request)
    view = await run_in_threadpool(organizations.update, runtime, caller.actor, name, body)
    return view.document()


@router.patch(
    "/{name}", openapi_extra=json_body_declared("The CKAN organization fields to replace.")
)
async def patch_organization(
    name: str, request: Request, runtime: RuntimeDep, caller: CallerDep
) -> Any:
    body = await json_object(request)
    view = await run_in_threadpool(
        lambda: organizations.update(runtime, caller.actor, name, body, patch=True)
    )
    return view.document()


@router.delete("/{name}", status_code=204)
async def delete_organization(name: str, runtime: RuntimeDep, caller: CallerDep) -> Response:
    """Soft: state `deleted`, out of the listing, the name still taken (`?purge=true`: PURGE)."""
    await run_in_threadpool(organizations.delete, runtime, caller.actor, name)
    return Response(status_code=204)


@router.api_route("/{name}", methods=["PURGE"], status_code=204, include_in_schema=False)
async def purge_organization(name: str, runtime: RuntimeDep, caller: CallerDep) -> Response:
    """Gone, its name free; 409 while records (active or trashed) still belong to it."""
    await run_in_threadpool(organizations.purge, runtime, caller.actor, name)
    return Response(status_code=204)
