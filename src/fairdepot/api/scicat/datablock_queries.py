"""SciCat origdatablock queries: v3 `/api/v3/origdatablocks/fullquery`, `/fullquery/files`,
`/fullfacet`, `/fullfacet/files`; v4 `/api/v4/origdatablocks/files`, `/files/count`,
`/fullfacet`, `/fullfacet/files` and the same under `/public` (published blocks, to anyone),
with `/public` itself and `/public/{id}`. HTTP <-> services/scicat/datablock_queries.py only;
declared before the `{oid}` routes (api/scicat/__init__.py), whose segment they would be.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request, Response
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import RuntimeDep
from fairdepot.api.scicat.children import FilterParameter, child_router, segment
from fairdepot.api.scicat.deps import CallerDep
from fairdepot.api.scicat.errors import scicat_responses
from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.policy import ANONYMOUS, Actor
from fairdepot.services.scicat import datablock_queries as queries
from fairdepot.services.scicat.child_fields import ORIGDATABLOCK_FIELDS, child_query

router = child_router("scicat origdatablocks")

FieldsParameter = Annotated[str | None, Query(description="The search form, as JSON")]
LimitsParameter = Annotated[str | None, Query(description="{limit, skip, order}, as JSON")]
FacetsParameter = Annotated[str | None, Query(description="Field names to count, as JSON")]
FiltersParameter = Annotated[
    str | None, Query(description="scicat-sdk-py's {fields, facets}, as JSON")
]
V3 = "/api/v3/origdatablocks"
V4 = "/api/v4/origdatablocks"


def _actor(caller: Any, public: bool) -> Actor:
    return ANONYMOUS if public else caller.actor


@router.get(f"{V3}/fullquery", responses=scicat_responses())
async def fullquery(
    runtime: RuntimeDep,
    caller: CallerDep,
    fields: FieldsParameter = None,
    limits: LimitsParameter = None,
) -> list[dict[str, Any]]:
    """The blocks the search form selects that the caller reads."""
    query = queries.full_query(fields, limits)
    return await run_in_threadpool(queries.blocks, runtime, caller.actor, query, ApiVersion.V3)


@router.get(f"{V3}/fullquery/files", responses=scicat_responses())
async def fullquery_files(
    runtime: RuntimeDep,
    caller: CallerDep,
    fields: FieldsParameter = None,
    limits: LimitsParameter = None,
) -> list[dict[str, Any]]:
    """One row per file of those blocks (limits count files)."""
    query = queries.full_query(fields, limits)
    return await run_in_threadpool(queries.files, runtime, caller.actor, query, ApiVersion.V3)


def _add_facet_routes(base: str, *, public: bool = False) -> None:
    async def fullfacet(
        runtime: RuntimeDep,
        caller: CallerDep,
        fields: FieldsParameter = None,
        facets: FacetsParameter = None,
        filters: FiltersParameter = None,
    ) -> list[dict[str, Any]]:
        form, names = queries.facet_parameters(fields, facets, filters)
        return await run_in_threadpool(
            lambda: queries.facets(runtime, _actor(caller, public), form, names)
        )

    async def fullfacet_files(
        runtime: RuntimeDep,
        caller: CallerDep,
        fields: FieldsParameter = None,
        facets: FacetsParameter = None,
        filters: FiltersParameter = None,
    ) -> list[dict[str, Any]]:
        form, names = queries.facet_parameters(fields, facets, filters)
        return await run_in_threadpool(
            lambda: queries.facets(runtime, _actor(caller, public), form, names, per_file=True)
        )

    where = "published " if public else ""
    for suffix, endpoint, summary in (
        ("/fullfacet", fullfacet, f"Facet counts of {where}origdatablocks"),
        ("/fullfacet/files", fullfacet_files, f"Facet counts, files of {where}origdatablocks"),
    ):
        router.add_api_route(
            base + suffix,
            endpoint,
            methods=["GET"],
            responses=scicat_responses(),
            summary=summary,
        )


def _add_file_routes(base: str, *, public: bool = False) -> None:
    async def list_files(
        runtime: RuntimeDep, caller: CallerDep, filter_: FilterParameter = None
    ) -> list[dict[str, Any]]:
        query = child_query(ORIGDATABLOCK_FIELDS, filter_)
        return await run_in_threadpool(
            queries.files, runtime, _actor(caller, public), query, ApiVersion.V4
        )

    async def count_files(
        runtime: RuntimeDep, caller: CallerDep, filter_: FilterParameter = None
    ) -> dict[str, int]:
        query = child_query(ORIGDATABLOCK_FIELDS, filter_)
        return await run_in_threadpool(queries.files_count, runtime, _actor(caller, public), query)

    where = "published " if public else ""
    router.add_api_route(
        f"{base}/files",
        list_files,
        methods=["GET"],
        responses=scicat_responses(),
        summary=f"The files of {where}origdatablocks, one row each",
    )
    router.add_api_route(
        f"{base}/files/count",
        count_files,
        methods=["GET"],
        responses=scicat_responses(),
        summary=f"How many files {where}origdatablocks list",
    )


_add_facet_routes(V3)
_add_facet_routes(V4)
_add_file_routes(V4)
_add_facet_routes(f"{V4}/public", public=True)
_add_file_routes(f"{V4}/public", public=True)


@router.get(f"{V4}/public", responses=scicat_responses())
async def list_public(runtime: RuntimeDep, filter_: FilterParameter = None) -> list[dict[str, Any]]:
    """Published blocks, to anyone, as `GET /origdatablocks?filter=`."""
    query = child_query(ORIGDATABLOCK_FIELDS, filter_)
    return await run_in_threadpool(queries.blocks, runtime, ANONYMOUS, query, ApiVersion.V4)


MAYBE_EMPTY: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The block, or an empty body when it is not published or unknown",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "text/plain": {"schema": {"type": "string", "maxLength": 0}},
        },
    }
}


@router.get(f"{V4}/public/{{oid}}", responses={**scicat_responses(), **MAYBE_EMPTY})
async def get_public(
    request: Request, runtime: RuntimeDep, include: Annotated[list[str] | None, Query()] = None
) -> Any:
    """A published block by id (`include=dataset`: with its dataset, if that is public);
    anything else is the backend's empty 200."""
    oid, names = segment(request, "oid"), tuple(include or ())
    found = await run_in_threadpool(queries.public_block, runtime, oid, names)
    if found is None:
        return Response(status_code=200, media_type="text/plain")
    return found
