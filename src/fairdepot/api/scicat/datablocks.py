"""SciCat origdatablock routes: v4 `/api/v4/origdatablocks` and v3 `/api/v3/datasets/{pid}/
origdatablocks`; HTTP <-> services/scicat/datablocks.py only."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import RuntimeDep
from fairdepot.api.scicat.children import FilterParameter, JsonBody, child_router, segment
from fairdepot.api.scicat.deps import CallerDep
from fairdepot.api.scicat.errors import scicat_responses
from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.services.scicat import datablock_changes, datablocks

router = child_router("scicat origdatablocks")


@router.post("/api/v4/origdatablocks", status_code=201, responses=scicat_responses(403, 404))
async def create_v4(runtime: RuntimeDep, caller: CallerDep, body: JsonBody) -> dict[str, Any]:
    """Store a block of the dataset `datasetId`; its size and numberOfFiles are recomputed."""
    return await run_in_threadpool(datablocks.create, runtime, caller.actor, body, ApiVersion.V4)


@router.get("/api/v4/origdatablocks", responses=scicat_responses())
async def find_v4(
    runtime: RuntimeDep, caller: CallerDep, filter_: FilterParameter = None
) -> list[dict[str, Any]]:
    """The blocks the caller reads that the filter selects."""
    return await run_in_threadpool(datablocks.find, runtime, caller.actor, filter_)


@router.get("/api/v3/origdatablocks", responses=scicat_responses())
async def find_v3(
    runtime: RuntimeDep, caller: CallerDep, filter_: FilterParameter = None
) -> list[dict[str, Any]]:
    """As v4's, in v3's shape (no `version`)."""
    return await run_in_threadpool(datablocks.find, runtime, caller.actor, filter_, ApiVersion.V3)


@router.post(
    "/api/v3/datasets/{pid}/origdatablocks",
    status_code=201,
    responses=scicat_responses(403, 404),
)
async def create_v3(
    request: Request, runtime: RuntimeDep, caller: CallerDep, pid: str, body: JsonBody
) -> dict[str, Any]:
    """Store a block of the dataset in the URL, with the dataset's access fields."""
    target = segment(request, "pid")
    return await run_in_threadpool(
        lambda: datablocks.create(runtime, caller.actor, body, ApiVersion.V3, pid=target)
    )


@router.get("/api/v3/datasets/{pid}/origdatablocks", responses=scicat_responses(403, 404))
async def list_v3(
    request: Request, runtime: RuntimeDep, caller: CallerDep, pid: str
) -> list[dict[str, Any]]:
    target = segment(request, "pid")
    return await run_in_threadpool(
        datablocks.of_dataset, runtime, caller.actor, target, ApiVersion.V3
    )


@router.get("/api/v3/datasets/{pid}/origdatablocks/count", responses=scicat_responses(403, 404))
async def count_v3(
    request: Request, runtime: RuntimeDep, caller: CallerDep, pid: str
) -> dict[str, int]:
    """How many of the dataset's blocks the caller may read (`{"count"}`, as the backend)."""
    target = segment(request, "pid")
    return await run_in_threadpool(datablocks.count_of_dataset, runtime, caller.actor, target)


@router.post("/api/v3/datasets/{pid}/origdatablocks/isvalid", responses=scicat_responses(403, 404))
async def is_valid_v3(
    request: Request, runtime: RuntimeDep, caller: CallerDep, pid: str, body: JsonBody
) -> dict[str, Any]:
    """Whether a create under this dataset would accept the body: 200 `{"valid", "errors"}`
    (the backend's key here), after the caller's right to add blocks to it (404 / 403)."""
    target = segment(request, "pid")
    return await run_in_threadpool(
        lambda: datablock_changes.is_valid(runtime, caller.actor, body, ApiVersion.V3, pid=target)
    )


@router.delete("/api/v3/datasets/{pid}/origdatablocks", responses=scicat_responses(403, 404))
async def delete_all_v3(
    request: Request, runtime: RuntimeDep, caller: CallerDep, pid: str
) -> dict[str, int]:
    """Delete every block of the dataset (DELETE_GROUPS, administrators): `{"count": n}`;
    the dataset's totals and hasPart follow in the same unit of work."""
    target = segment(request, "pid")
    return await run_in_threadpool(datablock_changes.delete_all, runtime, caller.actor, target)
