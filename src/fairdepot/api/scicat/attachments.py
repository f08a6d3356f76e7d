"""SciCat attachment routes: v4 `/api/v4/attachments` and v3 `/api/v3/datasets/{pid}/
attachments`; HTTP <-> services/scicat/attachments.py only."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import RuntimeDep
from fairdepot.api.scicat.children import FilterParameter, JsonBody, child_router, segment
from fairdepot.api.scicat.deps import CallerDep
from fairdepot.api.scicat.errors import scicat_responses
from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.policy import ANONYMOUS
from fairdepot.services.scicat import attachments

router = child_router("scicat attachments")


@router.post("/api/v4/attachments", status_code=201, responses=scicat_responses(403, 404))
async def create_v4(runtime: RuntimeDep, caller: CallerDep, body: JsonBody) -> dict[str, Any]:
    """Store an attachment of the datasets its relationships name."""
    return await run_in_threadpool(attachments.create, runtime, caller.actor, body, ApiVersion.V4)


@router.get("/api/v4/attachments", responses=scicat_responses())
async def find_v4(
    runtime: RuntimeDep, caller: CallerDep, filter_: FilterParameter = None
) -> list[dict[str, Any]]:
    return await run_in_threadpool(attachments.find, runtime, caller.actor, filter_)


@router.get("/api/v4/attachments/public", responses=scicat_responses())
async def find_public(runtime: RuntimeDep, filter_: FilterParameter = None) -> list[dict[str, Any]]:
    """Published attachments, to anyone, as `GET /attachments?filter=`."""
    return await run_in_threadpool(attachments.find, runtime, ANONYMOUS, filter_)


@router.post("/api/v4/attachments/isvalid", responses=scicat_responses(403, 404))
async def is_valid(runtime: RuntimeDep, caller: CallerDep, body: JsonBody) -> dict[str, Any]:
    """Whether a create would accept the body: 200 `{"valid", "reason"}`."""
    return await run_in_threadpool(attachments.is_valid, runtime, caller.actor, body)


@router.post(
    "/api/v3/datasets/{pid}/attachments", status_code=201, responses=scicat_responses(403, 404)
)
async def create_v3(
    request: Request, runtime: RuntimeDep, caller: CallerDep, pid: str, body: JsonBody
) -> dict[str, Any]:
    """Store an attachment of the dataset in the URL (a `datasetId` in the body is ignored)."""
    target = segment(request, "pid")
    return await run_in_threadpool(
        lambda: attachments.create(runtime, caller.actor, body, ApiVersion.V3, pid=target)
    )


@router.get("/api/v3/datasets/{pid}/attachments", responses=scicat_responses(403, 404))
async def list_v3(
    request: Request, runtime: RuntimeDep, caller: CallerDep, pid: str
) -> list[dict[str, Any]]:
    """At most 10, as the backend's default page."""
    target = segment(request, "pid")
    return await run_in_threadpool(attachments.of_dataset, runtime, caller.actor, target)


@router.get("/api/v3/datasets/{pid}/attachments/count", responses=scicat_responses(403, 404))
async def count_v3(
    request: Request, runtime: RuntimeDep, caller: CallerDep, pid: str
) -> dict[str, int]:
    """How many of the dataset's attachments the caller may read (all, not a page)."""
    target = segment(request, "pid")
    return await run_in_threadpool(attachments.count_of_dataset, runtime, caller.actor, target)


@router.delete("/api/v3/datasets/{pid}/attachments", responses=scicat_responses(403, 404))
async def delete_all_v3(
    request: Request, runtime: RuntimeDep, caller: CallerDep, pid: str
) -> dict[str, int]:
    """Delete every attachment of the dataset: `{"count": n}` (whoever may change it)."""
    target = segment(request, "pid")
    return await run_in_threadpool(attachments.delete_all, runtime, caller.actor, target)
