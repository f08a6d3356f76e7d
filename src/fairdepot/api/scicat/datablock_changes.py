"""`POST /api/v{3,4}/origdatablocks/isValid`, and one SciCat origdatablock by id:
`GET/PATCH/DELETE /api/v4/origdatablocks/{id}`, the v3
`/api/v3/origdatablocks/{id}` and `/api/v3/datasets/{pid}/origdatablocks/{oid}` (PATCH,
DELETE); HTTP <-> services/scicat/datablock_changes.py only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import RuntimeDep
from fairdepot.api.scicat.children import JsonBody, child_router, segment
from fairdepot.api.scicat.deps import CallerDep
from fairdepot.api.scicat.errors import scicat_responses
from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.services.scicat import datablock_changes

router = child_router("scicat origdatablocks")

_VERSIONS = {"v3": ApiVersion.V3, "v4": ApiVersion.V4}


def _version(request: Request) -> ApiVersion:
    return _VERSIONS[request.url.path.split("/")[2].lower()]


@router.post("/api/v4/origdatablocks/isvalid", responses=scicat_responses(403))
@router.post("/api/v3/origdatablocks/isvalid", responses=scicat_responses(403))
async def is_valid(
    request: Request, runtime: RuntimeDep, caller: CallerDep, body: JsonBody
) -> dict[str, Any]:
    """Whether a create would accept the body: 200 `{"valid", "reason"}`, after the
    caller's right to add a block to its `datasetId` (404 / 403)."""
    version = _version(request)
    return await run_in_threadpool(datablock_changes.is_valid, runtime, caller.actor, body, version)


IncludeParameter = Annotated[list[str] | None, Query()]


V4 = "/api/v4/origdatablocks/{oid}"
V3 = "/api/v3/origdatablocks/{oid}"


@router.get(V4, responses=scicat_responses(403, 404))
@router.get(V3, responses=scicat_responses(403, 404))
async def get_block(
    request: Request, runtime: RuntimeDep, caller: CallerDep, include: IncludeParameter = None
) -> dict[str, Any]:
    """The block, if its own access lets the caller read it; `include=dataset` (or `all`)
    embeds its dataset (`[]` when the caller may not read that)."""
    oid, version = segment(request, "oid"), _version(request)
    return await run_in_threadpool(
        lambda: datablock_changes.get(
            runtime, caller.actor, oid, version, include=tuple(include or ())
        )
    )


@router.patch(V4, responses=scicat_responses(400, 403, 404))
@router.patch(V3, responses=scicat_responses(400, 403, 404))
async def update_block(
    request: Request, runtime: RuntimeDep, caller: CallerDep, body: JsonBody
) -> dict[str, Any]:
    """Merge the body into the block; the dataset's totals and hasPart follow."""
    oid = segment(request, "oid")
    return await run_in_threadpool(
        datablock_changes.update, runtime, caller.actor, oid, body, _version(request)
    )


@router.delete(V4, responses=scicat_responses(403, 404))
@router.delete(V3, responses=scicat_responses(403, 404))
async def delete_block(request: Request, runtime: RuntimeDep, caller: CallerDep) -> dict[str, Any]:
    """Purge the block (DELETE_GROUPS, administrators); the dataset's totals follow."""
    oid = segment(request, "oid")
    return await run_in_threadpool(
        datablock_changes.delete, runtime, caller.actor, oid, _version(request)
    )


_NESTED = "/api/v3/datasets/{pid}/origdatablocks/{oid}"


@router.patch(_NESTED, responses=scicat_responses(400, 403, 404))
async def update_block_of_dataset(
    request: Request, runtime: RuntimeDep, caller: CallerDep, body: JsonBody
) -> dict[str, Any]:
    pid, oid = segment(request, "pid"), segment(request, "oid")
    return await run_in_threadpool(
        lambda: datablock_changes.update(runtime, caller.actor, oid, body, ApiVersion.V3, pid=pid)
    )


@router.delete(_NESTED, responses=scicat_responses(403, 404))
async def delete_block_of_dataset(
    request: Request, runtime: RuntimeDep, caller: CallerDep
) -> dict[str, Any]:
    pid, oid = segment(request, "pid"), segment(request, "oid")
    return await run_in_threadpool(
        lambda: datablock_changes.delete(runtime, caller.actor, oid, ApiVersion.V3, pid=pid)
    )
