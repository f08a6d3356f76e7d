"""SciCat's v3 PublishedData: `POST /api/v3/publisheddata` (201), `GET ...?filter=` (pyscicat's
`published_data_get_many`), `GET .../count`, `GET .../formpopulate?pid=`, `GET .../{doi}`,
`PATCH .../{doi}`, `DELETE .../{doi}`, `POST .../{doi}/register` (201), `POST .../{doi}/resync`
(201, as NestJS answers a POST; null or `{"doi"}`).
The doi contains `/` (sent as `%2F`): read with `raw_segment`. Registration is described in
services/scicat/published_data.py (DataCite down: 503, nothing changed)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import RuntimeDep
from fairdepot.api.common.raw_path import raw_segment
from fairdepot.api.scicat.deps import CallerDep
from fairdepot.api.scicat.errors import ScicatRoute, scicat_responses
from fairdepot.api.scicat.objects import filter_parameter
from fairdepot.core.crosswalks.scicat_objects import PUBLISHED_DATA
from fairdepot.services.scicat import objects, published_data, published_data_v3

router = APIRouter(route_class=ScicatRoute, tags=["scicat published data"])

BASE = "/api/v3/publisheddata"
JsonBody = Annotated[Any, Body()]


@router.post(BASE, status_code=201, responses=scicat_responses(403, 404))
async def create_published_data(
    runtime: RuntimeDep, caller: CallerDep, body: Annotated[Any, Body()]
) -> dict[str, Any]:
    return await run_in_threadpool(published_data.create, runtime, caller.actor, body)


@router.get(BASE, responses=scicat_responses())
async def find_published_data(
    request: Request, runtime: RuntimeDep, caller: CallerDep
) -> list[dict[str, Any]]:
    query = objects.object_query(PUBLISHED_DATA, filter_parameter(request))
    return await run_in_threadpool(objects.find, runtime, caller.actor, PUBLISHED_DATA, query)


@router.get(f"{BASE}/count", responses=scicat_responses())
async def count_published_data(
    request: Request, runtime: RuntimeDep, caller: CallerDep
) -> dict[str, int]:
    query = objects.object_query(PUBLISHED_DATA, filter_parameter(request))
    found = await run_in_threadpool(published_data.count, runtime, caller.actor, query)
    return {"count": found}


@router.get(f"{BASE}/formpopulate", responses=scicat_responses(400, 403, 404))
async def form_populate(
    runtime: RuntimeDep, caller: CallerDep, pid: Annotated[list[str] | None, Query()] = None
) -> dict[str, Any]:
    """The publishing form's fields pre-filled from dataset `pid` (declared before `{doi}`)."""
    return await run_in_threadpool(
        published_data_v3.form_populate, runtime, caller.actor, pid or []
    )


@router.get(f"{BASE}/{{doi}}", responses=scicat_responses(403, 404))
async def get_published_data(
    request: Request, runtime: RuntimeDep, caller: CallerDep
) -> dict[str, Any]:
    doi = raw_segment(request, "doi")
    return await run_in_threadpool(objects.get, runtime, caller.actor, PUBLISHED_DATA, doi)


@router.post(f"{BASE}/{{doi}}/register", status_code=201, responses=scicat_responses(403, 404, 409))
async def register_published_data(
    request: Request, runtime: RuntimeDep, caller: CallerDep
) -> dict[str, Any]:
    doi = raw_segment(request, "doi")
    return await run_in_threadpool(published_data.register, runtime, caller.actor, doi)


@router.patch(f"{BASE}/{{doi}}", responses=scicat_responses(400, 403, 404, 409))
async def update_published_data(
    request: Request, runtime: RuntimeDep, caller: CallerDep, body: JsonBody
) -> dict[str, Any]:
    doi = raw_segment(request, "doi")
    return await run_in_threadpool(published_data_v3.update, runtime, caller.actor, doi, body)


@router.post(
    f"{BASE}/{{doi}}/resync", status_code=201, responses=scicat_responses(400, 403, 404, 409)
)
async def resync_published_data(
    request: Request, runtime: RuntimeDep, caller: CallerDep, body: JsonBody
) -> dict[str, str] | None:
    doi = raw_segment(request, "doi")
    return await run_in_threadpool(published_data_v3.resync, runtime, caller.actor, doi, body)


@router.delete(f"{BASE}/{{doi}}", responses=scicat_responses(403, 404, 409))
async def delete_published_data(
    request: Request, runtime: RuntimeDep, caller: CallerDep
) -> dict[str, Any]:
    doi = raw_segment(request, "doi")
    return await run_in_threadpool(published_data_v3.delete, runtime, caller.actor, doi)
