"""`/gcat/users`: CKAN users over our accounts; DELETE deactivates (services/gcat/users.py)."""

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
from fairdepot.services.gcat import users

router = gcat_router("/gcat/users")


@router.get("")
async def list_users(runtime: RuntimeDep, caller: CallerDep, listing: ListingDep) -> Any:
    """Names of the active accounts (`offset` in rows), or `{"count": N}`; Admins and above."""
    return listed(await run_in_threadpool(users.listing, runtime, caller.actor, listing))


@router.post("", status_code=201, openapi_extra=json_body_declared("A CKAN user."))
async def create_user(request: Request, runtime: RuntimeDep, caller: CallerDep) -> JSONResponse:
    body = await json_object(request)
    view = await run_in_threadpool(users.create, runtime, caller.actor, body)
    return created_response(request, view.user.username, view.document())


@router.get("/{name}")
async def read_user(name: str, runtime: RuntimeDep, caller: CallerDep) -> Any:
    return (await run_in_threadpool(users.show, runtime, caller.actor, name)).document()


@router.put(
    "/{name}", openapi_extra=json_body_declared("The whole CKAN user; `name` as in the path.")
)
async def update_user(name: str, request: Request, runtime: RuntimeDep, caller: CallerDep) -> Any:
    body = await json_object(request)
    return (await run_in_threadpool(users.update, runtime, caller.actor, name, body)).document()


@router.delete("/{name}", status_code=204)
async def delete_user(name: str, runtime: RuntimeDep, caller: CallerDep) -> Response:
    """Deactivates the account: its name and records stay, its logins and tokens stop."""
    await run_in_threadpool(users.delete, runtime, caller.actor, name)
    return Response(status_code=204)
