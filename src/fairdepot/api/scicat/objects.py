"""SciCat's v3 proposals, samples and instruments, as scitacean, pyscicat and the SDK call them.

`POST /api/v3/{proposals,samples,instruments}` (201), `GET .../{id}`, `PATCH .../{id}`,
`DELETE .../{id}`, `GET ...?filter=`, `GET .../findOne?filter=` and `GET .../count?filter=`.
Routes are lower case and read the id with `raw_segment` (api/common/raw_path.py: pyscicat
calls `/Samples`, ids may contain `/`).
pyscicat's `instruments_get_one(name=)` sends its filter as the whole query string, with no
`filter=` key (`/Instruments/findOne?{"where":...}`); a query string that is one JSON object
is read as the filter (docs/api-scicat.md).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import unquote_plus

from fastapi import APIRouter, Body, Query, Request
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import RuntimeDep
from fairdepot.api.common.raw_path import raw_segment
from fairdepot.api.scicat.deps import CallerDep
from fairdepot.api.scicat.errors import ScicatRoute, scicat_responses
from fairdepot.core.crosswalks.scicat_objects import INSTRUMENT, PROPOSAL, SAMPLE, ObjectKind
from fairdepot.services.scicat import metadata_keys, objects

router = APIRouter(route_class=ScicatRoute, tags=["scicat proposals, samples, instruments"])

COLLECTIONS: dict[str, ObjectKind] = {
    "proposals": PROPOSAL,
    "samples": SAMPLE,
    "instruments": INSTRUMENT,
}

Document = dict[str, Any]


def filter_parameter(request: Request) -> str | None:
    """`filter=` (or the `filter` header v3 also reads), else a whole query string that is
    one JSON object (pyscicat's findOne), else None."""
    given = request.query_params.get("filter") or request.headers.get("filter")
    if given:
        return given
    query = request.url.query
    if query:
        text = unquote_plus(query.split("&access_token=", 1)[0])
        if text.lstrip().startswith("{"):
            return text
    return None


def _routes(collection: str, kind: ObjectKind) -> None:
    base = f"/api/v3/{collection}"
    label = kind.kind.lower()

    async def create(
        runtime: RuntimeDep, caller: CallerDep, body: Annotated[Any, Body()]
    ) -> Document:
        return await run_in_threadpool(objects.create, runtime, caller.actor, kind, body)

    async def find_all(request: Request, runtime: RuntimeDep, caller: CallerDep) -> list[Document]:
        query = objects.object_query(kind, filter_parameter(request))
        return await run_in_threadpool(objects.find, runtime, caller.actor, kind, query)

    async def find_one(request: Request, runtime: RuntimeDep, caller: CallerDep) -> Document | None:
        query = objects.object_query(kind, filter_parameter(request))
        return await run_in_threadpool(objects.find_one, runtime, caller.actor, kind, query)

    async def get_one(request: Request, runtime: RuntimeDep, caller: CallerDep) -> Document:
        object_id = raw_segment(request, "id")
        return await run_in_threadpool(objects.get, runtime, caller.actor, kind, object_id)

    async def update(
        request: Request, runtime: RuntimeDep, caller: CallerDep, body: Annotated[Any, Body()]
    ) -> Document:
        object_id = raw_segment(request, "id")
        return await run_in_threadpool(objects.patch, runtime, caller.actor, kind, object_id, body)

    router.add_api_route(
        base,
        create,
        methods=["POST"],
        status_code=201,
        responses=scicat_responses(403, 409),
        summary=f"Create a {label} (SciCat)",
        operation_id=f"scicat_create_{label}",
    )
    router.add_api_route(
        base,
        find_all,
        methods=["GET"],
        responses=scicat_responses(),
        summary=f"{kind.kind}s matching a loopback filter (SciCat)",
        operation_id=f"scicat_find_{label}s",
    )
    router.add_api_route(  # before {id}: "findone" is not an id
        f"{base}/findone",
        find_one,
        methods=["GET"],
        responses=scicat_responses(),
        summary=f"The first {label} matching a filter, or null (SciCat)",
        operation_id=f"scicat_find_one_{label}",
    )

    async def count(request: Request, runtime: RuntimeDep, caller: CallerDep) -> dict[str, int]:
        query = objects.object_query(kind, filter_parameter(request))
        return {"count": await run_in_threadpool(objects.count, runtime, caller.actor, kind, query)}

    async def delete(request: Request, runtime: RuntimeDep, caller: CallerDep) -> Document:
        object_id = raw_segment(request, "id")
        return await run_in_threadpool(objects.delete, runtime, caller.actor, kind, object_id)

    router.add_api_route(  # before {id}: "count" is not an id
        f"{base}/count",
        count,
        methods=["GET"],
        responses=scicat_responses(),
        summary=f"How many {label}s match a filter's where (SciCat)",
        operation_id=f"scicat_count_{label}s",
    )
    router.add_api_route(
        f"{base}/{{id}}",
        delete,
        methods=["DELETE"],
        responses=scicat_responses(403, 404),
        summary=f"Delete a {label} (DELETE_GROUPS, administrators; SciCat)",
        operation_id=f"scicat_delete_{label}",
    )
    router.add_api_route(
        f"{base}/{{id}}",
        get_one,
        methods=["GET"],
        responses=scicat_responses(403, 404),
        summary=f"A {label} by its id (SciCat)",
        operation_id=f"scicat_get_{label}",
    )
    router.add_api_route(
        f"{base}/{{id}}",
        update,
        methods=["PATCH"],
        responses=scicat_responses(403, 404),
        summary=f"Change a {label}: merge-patch, null removes a field (SciCat)",
        operation_id=f"scicat_patch_{label}",
    )


async def sample_metadata_keys(
    runtime: RuntimeDep,
    caller: CallerDep,
    fields: str | None = Query(None, description="{metadataKey}: keep keys containing it"),
    limits: str | None = Query(None, description="{limit, skip, order} of samples, as JSON"),
) -> list[str]:
    """The keys of the characteristics of a page of the samples the caller may read."""
    return await run_in_threadpool(metadata_keys.sample_keys, runtime, caller.actor, fields, limits)


router.add_api_route(  # before {id}: "metadatakeys" is not an id
    "/api/v3/samples/metadatakeys",
    sample_metadata_keys,
    methods=["GET"],
    responses=scicat_responses(),
    summary="The sampleCharacteristics keys of readable samples (SciCat)",
    operation_id="scicat_sample_metadata_keys",
)
for _collection, _kind in COLLECTIONS.items():
    _routes(_collection, _kind)
