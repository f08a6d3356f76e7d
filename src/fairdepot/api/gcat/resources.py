"""`/gcat/items/{ITEM}/resources[/{RID}]`: an item's resources (services/gcat/resources.py).
PURGE of a resource is the method table's 405."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import RuntimeDep
from fairdepot.api.gcat.deps import CallerDep, created_location, json_body_declared, json_object
from fairdepot.api.gcat.errors import GcatRoute, gcat_responses
from fairdepot.api.gcat.items import rendered
from fairdepot.services.gcat import resources

router = APIRouter(
    route_class=GcatRoute,
    prefix="/gcat/items/{name}/resources",
    tags=["gcat"],
    responses=gcat_responses(),
)


@router.get("")
async def list_resources(name: str, runtime: RuntimeDep, caller: CallerDep) -> Any:
    found = await run_in_threadpool(resources.listing, runtime, caller.actor, name)
    return rendered(runtime, found)


@router.post(
    "", status_code=201, openapi_extra=json_body_declared("A CKAN resource; `url` needed.")
)
async def create_resource(
    name: str, request: Request, runtime: RuntimeDep, caller: CallerDep
) -> JSONResponse:
    body = await json_object(request)
    created = await run_in_threadpool(resources.create, runtime, caller.actor, name, body)
    location = created_location(request, str(created["id"]))
    return JSONResponse(rendered(runtime, created), status_code=201, headers={"Location": location})


@router.get("/{resource_id}")
async def read_resource(name: str, resource_id: str, runtime: RuntimeDep, caller: CallerDep) -> Any:
    found = await run_in_threadpool(resources.show, runtime, caller.actor, name, resource_id)
    return rendered(runtime, found)


@router.put(
    "/{resource_id}",
    openapi_extra=json_body_declared("The whole CKAN resource; an `id` as in the path."),
)
async def replace_resource(
    name: str, resource_id: str, request: Request, runtime: RuntimeDep, caller: CallerDep
) -> Any:
    body = await json_object(request)
    changed = await run_in_threadpool(
        resources.update, runtime, caller.actor, name, resource_id, body
    )
    return rendered(runtime, changed)


@router.patch(
    "/{resource_id}", openapi_extra=json_body_declared("The CKAN resource fields to replace.")
)
async def patch_resource(
    name: str, resource_id: str, request: Request, runtime: RuntimeDep, caller: CallerDep
) -> Any:
    body = await json_object(request)
    changed = await run_in_threadpool(
        lambda: resources.update(runtime, caller.actor, name, resource_id, body, patch=True)
    )
    return rendered(runtime, changed)


@router.delete("/{resource_id}", status_code=204)
async def delete_resource(
    name: str, resource_id: str, runtime: RuntimeDep, caller: CallerDep
) -> Response:
    await run_in_threadpool(resources.delete, runtime, caller.actor, name, resource_id)
    return Response(status_code=204)
