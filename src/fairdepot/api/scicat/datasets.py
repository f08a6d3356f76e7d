"""SciCat's dataset routes, v3 (loopback-era, as scitacean and pyscicat call them) and v4.

HTTP only: each route reads its body and parameters, calls services/scicat/datasets.py and
answers in SciCat's shapes. Literal routes (`isvalid`, `count`, `fullquery`...) are declared
before the `{pid}` routes, and a pid is read with `raw_segment` (it contains `/`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import RuntimeDep
from fairdepot.api.common.raw_path import raw_segment
from fairdepot.api.scicat.deps import Caller, CallerDep
from fairdepot.api.scicat.errors import ScicatRoute, scicat_responses
from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.errors import NotFound, PermissionDenied
from fairdepot.core.json_input import load_json
from fairdepot.core.policy import ANONYMOUS
from fairdepot.core.query import Page
from fairdepot.services.scicat import dataset_changes, datasets, metadata_keys
from fairdepot.services.scicat.dataset_lookup import FORBIDDEN
from fairdepot.services.scicat.filters import IncludeScope, dataset_filter, include_names
from fairdepot.services.scicat.fullquery import full_facet, full_facet_filters, full_query
from fairdepot.services.scicat.includes import scoped

router = APIRouter(route_class=ScicatRoute, tags=["scicat datasets"])

BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}
"""The OpenAPI body of the routes that read a dataset (checked by the service, not pydantic:
the messages must be SciCat's)."""

FilterParam = Query(None, description="A loopback (v3) or v4 filter, as JSON")


async def _body(request: Request) -> Any:
    raw = await request.body()
    return load_json(raw or b"null", source="body")


def _unmodified_since(request: Request) -> datetime | None:
    """`If-Unmodified-Since` as an instant; a date that cannot be read is ignored (RFC 9110)."""
    text = request.headers.get("if-unmodified-since")
    if not text:
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _v(version: str) -> ApiVersion:
    return ApiVersion.V3 if version == "v3" else ApiVersion.V4


def _empty() -> Response:
    """What the backend sends for a `findOne` that found nothing: 200 and no body (not JSON,
    so it is declared as an empty text answer; clients treat it as "none")."""
    return Response(status_code=200, media_type="text/plain")


MAYBE_EMPTY: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The dataset, or an empty body when there is none",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "text/plain": {"schema": {"type": "string", "maxLength": 0}},
        },
    }
}
"""OpenAPI of the routes that may answer `_empty()`."""


# -- create and check -------------------------------------------------------------------------


def _add_create_routes(version: str) -> None:
    async def create_dataset(request: Request, runtime: RuntimeDep, caller: CallerDep) -> Any:
        body = await _body(request)
        created = await run_in_threadpool(datasets.create, runtime, caller.actor, body, _v(version))
        return JSONResponse(created, status_code=201)

    async def is_valid(request: Request, runtime: RuntimeDep, caller: CallerDep) -> Any:
        body = await _body(request)
        answer = datasets.is_valid(caller.actor, body, _v(version))
        return answer.as_dict()

    router.add_api_route(
        f"/api/{version}/datasets",
        create_dataset,
        methods=["POST"],
        status_code=201,
        responses=scicat_responses(403, 409),
        openapi_extra=BODY,
        summary=f"Create a dataset (SciCat {version})",
    )
    router.add_api_route(
        f"/api/{version}/datasets/isvalid",
        is_valid,
        methods=["POST"],
        status_code=200,
        responses=scicat_responses(403),
        openapi_extra=BODY,
        summary=f"Check a dataset without creating it (SciCat {version})",
    )


# -- listings ---------------------------------------------------------------------------------


def _add_list_routes(version: str, *, public: bool = False) -> None:
    base = f"/api/{version}/datasets" + ("/public" if public else "")

    def actor_of(caller: Caller) -> Any:
        return ANONYMOUS if public else caller.actor

    def spec_of(request: Request, filter_text: str | None, *, count: bool = False) -> Any:
        raw = filter_text
        if raw is None and version == "v3":
            raw = request.headers.get("filter")
        return dataset_filter(raw, _v(version), count=count)

    async def list_datasets(
        request: Request, runtime: RuntimeDep, caller: CallerDep, filter: str | None = FilterParam
    ) -> Any:
        spec = spec_of(request, filter)
        return await run_in_threadpool(datasets.find, runtime, actor_of(caller), spec, _v(version))

    async def find_one(
        request: Request, runtime: RuntimeDep, caller: CallerDep, filter: str | None = FilterParam
    ) -> Any:
        spec = spec_of(request, filter)
        page = Page(limit=1, offset=spec.query.page.offset)
        one = replace(spec, query=replace(spec.query, page=page))
        found = await run_in_threadpool(datasets.find, runtime, actor_of(caller), one, _v(version))
        if not found:
            return _empty()
        return found[0]

    async def count(
        request: Request, runtime: RuntimeDep, caller: CallerDep, filter: str | None = FilterParam
    ) -> Any:
        spec = spec_of(request, filter, count=True)
        n = await run_in_threadpool(datasets.count, runtime, actor_of(caller), spec)
        return {"count": n}

    async def fullfacet(
        runtime: RuntimeDep,
        caller: CallerDep,
        fields: str | None = Query(None, description="The search form, as JSON"),
        facets: str | None = Query(None, description="Facet field names, as a JSON list"),
        filters: str | None = Query(
            None, description='v4: {"fields": ..., "facets": [...]} as JSON (scicat-sdk-py)'
        ),
    ) -> Any:
        if filters is not None and fields is None and facets is None and version == "v4":
            query = full_facet_filters(filters)
        else:
            query = full_facet(fields, facets)
        return await run_in_threadpool(datasets.facets, runtime, actor_of(caller), query)

    async def fullquery(
        runtime: RuntimeDep,
        caller: CallerDep,
        fields: str | None = Query(None, description="The search form, as JSON"),
        limits: str | None = Query(None, description="{limit, skip, order}, as JSON"),
    ) -> Any:
        spec = full_query(fields, limits)
        return await run_in_threadpool(datasets.find, runtime, actor_of(caller), spec, _v(version))

    async def metadata_keys_of(
        runtime: RuntimeDep,
        caller: CallerDep,
        fields: str | None = Query(None, description="The search form, as JSON"),
        limits: str | None = Query(None, description="{limit, skip, order}, as JSON"),
    ) -> Any:
        return await run_in_threadpool(
            metadata_keys.dataset_keys, runtime, actor_of(caller), fields, limits
        )

    where = "published " if public else ""
    routes: list[tuple[str, Any, str]] = [
        ("", list_datasets, f"List {where}datasets matching a filter"),
        ("/findone", find_one, f"The first {where}dataset matching a filter"),
        ("/count", count, f"Count {where}datasets matching a filter"),
        ("/fullfacet", fullfacet, f"Facet counts of {where}datasets"),
        ("/fullquery", fullquery, f"Search {where}datasets with SciCat's search form"),
        ("/metadatakeys", metadata_keys_of, f"The scientificMetadata keys of {where}datasets"),
    ]
    for suffix, endpoint, summary in routes:
        router.add_api_route(
            base + suffix,
            endpoint,
            methods=["GET"],
            responses={**scicat_responses(), **(MAYBE_EMPTY if suffix == "/findone" else {})},
            summary=f"{summary} (SciCat {version})",
        )


# -- one dataset ------------------------------------------------------------------------------


def _add_item_routes(version: str) -> None:
    base = f"/api/{version}/datasets/{{pid}}"

    async def get_dataset(
        request: Request,
        runtime: RuntimeDep,
        caller: CallerDep,
        include: Annotated[list[str] | None, Query(description="Relations to embed")] = None,
        filter: str | None = FilterParam,
    ) -> Any:
        pid = raw_segment(request, "pid")
        if version == "v4" and caller.actor.is_anonymous:
            raise PermissionDenied(FORBIDDEN)
        names = include_names(include, "include") if include else ()
        scopes: tuple[IncludeScope, ...] = ()
        if filter and version == "v3":
            spec = dataset_filter(filter, ApiVersion.V3)
            names, scopes = spec.include, spec.scopes
            scoped(scopes)  # a bad scope is a 400 before the dataset is read
        return await run_in_threadpool(
            datasets.get, runtime, caller.actor, pid, _v(version), names, scopes
        )

    async def patch_dataset(request: Request, runtime: RuntimeDep, caller: CallerDep) -> Any:
        pid = raw_segment(request, "pid")
        body = await _body(request)
        since = _unmodified_since(request)
        return await run_in_threadpool(
            lambda: dataset_changes.update(
                runtime, caller.actor, pid, body, _v(version), unmodified_since=since
            )
        )

    async def put_dataset(request: Request, runtime: RuntimeDep, caller: CallerDep) -> Any:
        pid = raw_segment(request, "pid")
        body = await _body(request)
        since = _unmodified_since(request)
        return await run_in_threadpool(
            lambda: dataset_changes.update(
                runtime, caller.actor, pid, body, _v(version), replace=True, unmodified_since=since
            )
        )

    async def delete_dataset(request: Request, runtime: RuntimeDep, caller: CallerDep) -> Any:
        pid = raw_segment(request, "pid")
        return await run_in_threadpool(dataset_changes.delete, runtime, caller.actor, pid)

    async def get_lifecycle(request: Request, runtime: RuntimeDep, caller: CallerDep) -> Any:
        pid = raw_segment(request, "pid")
        return await run_in_threadpool(datasets.lifecycle, runtime, caller.actor, pid)

    async def patch_lifecycle(request: Request, runtime: RuntimeDep, caller: CallerDep) -> Any:
        pid = raw_segment(request, "pid")
        body = await _body(request)
        return await run_in_threadpool(
            dataset_changes.update_lifecycle, runtime, caller.actor, pid, body
        )

    item = scicat_responses(403, 404)
    change = scicat_responses(403, 404, 412)
    for path, endpoint, method, summary, extra in (
        ("/datasetlifecycle", get_lifecycle, "GET", "A dataset's lifecycle", None),
        ("/datasetlifecycle", patch_lifecycle, "PATCH", "Change a dataset's lifecycle", BODY),
        ("", get_dataset, "GET", "One dataset by pid", None),
        ("", patch_dataset, "PATCH", "Change a dataset (merge-patch)", BODY),
        ("", put_dataset, "PUT", "Replace a dataset", BODY),
        ("", delete_dataset, "DELETE", "Delete a dataset (delete groups only)", None),
    ):
        router.add_api_route(
            base + path,
            endpoint,
            methods=[method],
            responses=change if method in ("PATCH", "PUT") and not path else item,
            openapi_extra=extra,
            summary=f"{summary} (SciCat {version})",
        )


def _add_public_item_route() -> None:
    async def public_dataset(
        request: Request,
        runtime: RuntimeDep,
        include: Annotated[list[str] | None, Query(description="Relations to embed")] = None,
    ) -> Any:
        """A published dataset to anyone, with the published relations `include` names
        (scitacean's `without_login` asks for its origdatablocks); anything else is an empty
        200 (the backend's findOne of nothing), never a hint that an unpublished one exists."""
        pid = raw_segment(request, "pid")
        names = include_names(include, "include") if include else ()
        try:
            return await run_in_threadpool(
                datasets.get, runtime, ANONYMOUS, pid, ApiVersion.V4, names
            )
        except (PermissionDenied, NotFound):
            return _empty()

    router.add_api_route(
        "/api/v4/datasets/public/{pid}",
        public_dataset,
        methods=["GET"],
        responses={**scicat_responses(), **MAYBE_EMPTY},
        summary="One published dataset by pid (SciCat v4)",
    )


def _add_v3_extra_routes() -> None:
    base = "/api/v3/datasets/{pid}"

    async def thumbnail(request: Request, runtime: RuntimeDep, caller: CallerDep) -> Any:
        pid = raw_segment(request, "pid")
        return await run_in_threadpool(datasets.thumbnail, runtime, caller.actor, pid)

    async def append_to_array_field(
        request: Request,
        runtime: RuntimeDep,
        caller: CallerDep,
        field_name: str | None = Query(None, alias="fieldName", description="An array field"),
        data: Annotated[
            list[str] | None, Query(description="The values: one JSON array, or repeated")
        ] = None,
    ) -> Any:
        pid = raw_segment(request, "pid")
        values = dataset_changes.append_values(data or [])
        changed = await run_in_threadpool(
            dataset_changes.append_to_array, runtime, caller.actor, pid, field_name, values
        )
        return JSONResponse(changed, status_code=201)

    router.add_api_route(
        base + "/thumbnail",
        thumbnail,
        methods=["GET"],
        responses=scicat_responses(403, 404),
        summary="The thumbnail of a dataset's first attachment, or {} (SciCat v3)",
    )
    router.add_api_route(
        base + "/appendtoarrayfield",
        append_to_array_field,
        methods=["POST"],
        status_code=201,
        responses=scicat_responses(403, 404),
        summary="Add values to an array field of a dataset, without duplicates (SciCat v3)",
    )


_add_v3_extra_routes()
for _version in ("v3", "v4"):
    _add_create_routes(_version)
    _add_list_routes(_version)
_add_list_routes("v4", public=True)
_add_public_item_route()
for _version in ("v3", "v4"):
    _add_item_routes(_version)
