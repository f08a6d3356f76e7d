"""Evidence-graph routes: build (a job), poll, read, register, list, delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.ark_paths import ark_route, ark_text
from fairdepot.api.common.deps import Offset, OptionalUser, RequiredUser, RuntimeDep, actor_of
from fairdepot.api.fairscape.errors import FairscapeRoute
from fairdepot.api.fairscape.views import iso, resolver_wrapper
from fairdepot.services import provenance, records, search
from fairdepot.services.jobs import job_status

router = APIRouter(route_class=FairscapeRoute, tags=["evidence graphs"])
_STATUS = {
    "PENDING": "PENDING",
    "PROCESSING": "PROCESSING",
    "COMPLETE": "SUCCESS",
    "FAILED": "FAILURE",
}


@ark_route(router, "/evidencegraph/build", ["POST"], status_code=202)
async def build(naan: str, postfix: str, runtime: RuntimeDep, user: RequiredUser) -> JSONResponse:
    job = await run_in_threadpool(provenance.submit_build, runtime, user, ark_text(naan, postfix))
    return JSONResponse(
        {
            "message": "EvidenceGraph build process initiated.",
            "task_id": job.id,
            "status_endpoint": f"/evidencegraph/build/status/{job.id}",
        },
        status_code=202,
    )


@router.get("/evidencegraph/build/status/{task_id}")
async def build_status(task_id: str, runtime: RuntimeDep, user: RequiredUser) -> dict[str, Any]:
    view = await run_in_threadpool(
        job_status, runtime, actor_of(runtime, user), task_id, provenance.EVIDENCE_GRAPH_BUILD
    )
    job, email = view.job, view.owner_email
    error = job.error.get("message") if isinstance(job.error, dict) else job.error
    return {
        "guid": job.id,
        "task_type": "EvidenceGraphBuild",
        "owner_email": email,
        "naan": job.payload.get("naan"),
        "postfix": job.payload.get("postfix"),
        "status": _STATUS.get(job.state, job.state),
        "time_created": iso(job.created_at),
        "time_started": iso(job.started_at),
        "time_finished": iso(job.finished_at),
        "result": job.result,
        "error": error,
    }


@router.get("/evidencegraph")
async def list_graphs(
    runtime: RuntimeDep,
    user: OptionalUser,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    actor = actor_of(runtime, user)
    graphs = await run_in_threadpool(
        lambda: search.list_records(
            runtime, actor, kind="EvidenceGraph", limit=limit, offset=offset
        )
    )
    return {
        "evidencegraphs": [
            {
                "@id": g.ark,
                "name": g.name,
                "description": g.description,
                "outputs": g.metadata.get("outputs"),
            }
            for g in graphs
        ]
    }


@router.post("/evidencegraph", status_code=201)
async def register(
    runtime: RuntimeDep, user: RequiredUser, body: Annotated[Any, Body()]
) -> JSONResponse:
    record = await run_in_threadpool(provenance.register_graph, runtime, user, body)
    return JSONResponse(
        resolver_wrapper(record, actor_of(runtime, user), runtime.settings.base_url),
        status_code=201,
    )


async def _get(naan: str, postfix: str, runtime: Any, user: Any) -> dict[str, Any]:
    actor = actor_of(runtime, user)
    record = await run_in_threadpool(records.resolve, runtime, actor, ark_text(naan, postfix))
    return resolver_wrapper(provenance.require_graph(record), actor, runtime.settings.base_url)


@ark_route(router, "/evidencegraph/query", ["GET"])
async def query_graph(
    naan: str, postfix: str, runtime: RuntimeDep, user: RequiredUser
) -> dict[str, Any]:
    return await _get(naan, postfix, runtime, user)


@ark_route(router, "/evidencegraph", ["GET"])
async def get_graph(
    naan: str, postfix: str, runtime: RuntimeDep, user: OptionalUser
) -> dict[str, Any]:
    return await _get(naan, postfix, runtime, user)


@ark_route(router, "/evidencegraph", ["DELETE"])
async def delete_graph(
    naan: str, postfix: str, runtime: RuntimeDep, user: RequiredUser
) -> dict[str, Any]:
    actor = actor_of(runtime, user)
    text = ark_text(naan, postfix)
    provenance.require_graph(await run_in_threadpool(records.resolve, runtime, actor, text))
    outcome = await run_in_threadpool(lambda: records.delete(runtime, actor, text, force=True))
    return {"deleted": {"@id": outcome.deleted[0]}}
