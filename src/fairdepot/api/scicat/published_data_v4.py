"""SciCat v4's PublishedData: `/api/v4/publisheddata` (create 201, find with `filter` and
`limits`, count, `config`, `formpopulate`, get, PATCH, `publish`, `amend`, `resync`,
`register` 201, DELETE), as scicat-sdk-py's PublishedDataV4Api calls them; HTTP <->
services/scicat/published_data_v4.py and published_data_form.py only. The doi holds a `/`
(sent as `%2F`): read with `raw_segment`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import RuntimeDep
from fairdepot.api.common.raw_path import raw_segment
from fairdepot.api.scicat.deps import CallerDep
from fairdepot.api.scicat.errors import ScicatRoute, scicat_responses
from fairdepot.core.crosswalks.scicat_published import PUBLISHED_DATA_V4
from fairdepot.core.query import InvalidQuery
from fairdepot.services.scicat import objects, published_data_form, published_data_v4
from fairdepot.services.scicat.filters import json_parameter

router = APIRouter(route_class=ScicatRoute, tags=["scicat published data v4"])

BASE = "/api/v4/publisheddata"
JsonBody = Annotated[Any, Body()]
Text = Annotated[str | None, Query()]


def _filter(filter_: str | None, limits: str | None) -> Any:
    """The v4 `filter`, with the separate `limits` parameter the SDK sends merged into it."""
    if limits is None:
        return filter_
    spec = json_parameter(filter_, "filter") or {}
    extra = json_parameter(limits, "limits")
    if not isinstance(spec, dict) or not isinstance(extra, dict):
        raise InvalidQuery("filter and limits are JSON objects", "limits")
    return {**spec, "limits": {**(spec.get("limits") or {}), **extra}}


@router.post(BASE, status_code=201, responses=scicat_responses(400, 403, 404))
async def create(runtime: RuntimeDep, caller: CallerDep, body: JsonBody) -> dict[str, Any]:
    return await run_in_threadpool(published_data_v4.create, runtime, caller.actor, body)


@router.get(BASE, responses=scicat_responses(400))
async def find(
    runtime: RuntimeDep,
    caller: CallerDep,
    filter: Text = None,
    limits: Text = None,
) -> list[dict[str, Any]]:
    query = objects.object_query(PUBLISHED_DATA_V4, _filter(filter, limits))
    return await run_in_threadpool(published_data_v4.find, runtime, caller.actor, query)


@router.get(f"{BASE}/count", responses=scicat_responses(400))
async def count(
    runtime: RuntimeDep,
    caller: CallerDep,
    filter: Text = None,
) -> dict[str, int]:
    query = objects.object_query(PUBLISHED_DATA_V4, filter)
    return {"count": await run_in_threadpool(published_data_v4.count, runtime, caller.actor, query)}


@router.get(f"{BASE}/config")
async def config() -> dict[str, Any]:
    """The metadata the publishing form edits (a JSON Schema); anyone reads it."""
    return published_data_form.config()


@router.get(f"{BASE}/formpopulate", responses=scicat_responses(400, 403, 404))
async def form_populate(
    runtime: RuntimeDep, caller: CallerDep, pid: Annotated[list[str] | None, Query()] = None
) -> dict[str, Any]:
    """The form's fields pre-filled from dataset `pid` (its proposal, its first attachment);
    scicat-sdk-py sends `pid` as a list (of one)."""
    return await run_in_threadpool(
        published_data_form.form_populate, runtime, caller.actor, pid or []
    )


@router.get(f"{BASE}/{{doi}}", responses=scicat_responses(403, 404))
async def get(request: Request, runtime: RuntimeDep, caller: CallerDep) -> dict[str, Any]:
    doi = raw_segment(request, "doi")
    return await run_in_threadpool(published_data_v4.get, runtime, caller.actor, doi)


@router.patch(f"{BASE}/{{doi}}", responses=scicat_responses(400, 403, 404, 409))
async def update(
    request: Request, runtime: RuntimeDep, caller: CallerDep, body: JsonBody
) -> dict[str, Any]:
    doi = raw_segment(request, "doi")
    return await run_in_threadpool(published_data_v4.update, runtime, caller.actor, doi, body)


@router.post(f"{BASE}/{{doi}}/publish", responses=scicat_responses(403, 404, 409))
async def publish(request: Request, runtime: RuntimeDep, caller: CallerDep) -> dict[str, Any]:
    doi = raw_segment(request, "doi")
    return await run_in_threadpool(published_data_v4.publish, runtime, caller.actor, doi)


@router.post(f"{BASE}/{{doi}}/amend", responses=scicat_responses(403, 404, 409))
async def amend(request: Request, runtime: RuntimeDep, caller: CallerDep) -> dict[str, Any]:
    doi = raw_segment(request, "doi")
    return await run_in_threadpool(published_data_v4.amend, runtime, caller.actor, doi)


@router.post(f"{BASE}/{{doi}}/resync", responses=scicat_responses(400, 403, 404, 409))
async def resync(
    request: Request, runtime: RuntimeDep, caller: CallerDep, body: JsonBody
) -> dict[str, str] | None:
    doi = raw_segment(request, "doi")
    return await run_in_threadpool(published_data_v4.resync, runtime, caller.actor, doi, body)


@router.post(f"{BASE}/{{doi}}/register", status_code=201, responses=scicat_responses(403, 404, 409))
async def register(request: Request, runtime: RuntimeDep, caller: CallerDep) -> dict[str, Any]:
    doi = raw_segment(request, "doi")
    return await run_in_threadpool(published_data_v4.register, runtime, caller.actor, doi)


@router.delete(f"{BASE}/{{doi}}", responses=scicat_responses(403, 404, 409))
async def delete(request: Request, runtime: RuntimeDep, caller: CallerDep) -> dict[str, Any]:
    doi = raw_segment(request, "doi")
    return await run_in_threadpool(published_data_v4.delete, runtime, caller.actor, doi)
