"""Single-record routes: register datasets/software/computations/schemas, get, delete, publish,
and download their bytes."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.ark_paths import ark_route, ark_text
from fairdepot.api.common.deps import OptionalUser, RequiredUser, RuntimeDep, actor_of
from fairdepot.api.common.errors import multipart_body, problem_responses
from fairdepot.api.common.multipart_stream import stream_upload
from fairdepot.api.fairscape.downloads import file_response
from fairdepot.api.fairscape.errors import FairscapeRoute
from fairdepot.api.fairscape.resolver import negotiated, remove
from fairdepot.api.fairscape.views import resolver_wrapper
from fairdepot.core.errors import (
    DependencyUnavailable,
    InvalidInput,
    Problem,
)
from fairdepot.core.json_input import load_json
from fairdepot.core.records import PublicationStatus
from fairdepot.services import entities, records
from fairdepot.services.crates.records import StoredFile
from fairdepot.services.runtime import Runtime, json_limits

router = APIRouter(route_class=FairscapeRoute, tags=["entities"])
KINDS = {
    "dataset": "Dataset",
    "software": "Software",
    "computation": "Computation",
    "schema": "Schema",
}


@router.post(
    "/dataset",
    status_code=201,
    responses=problem_responses(413, 415),
    openapi_extra=multipart_body(
        {
            "datasetMetadata": {"type": "string", "description": "the dataset's JSON-LD"},
            "uploadFile": {"type": "string", "format": "binary"},
        },
        ["datasetMetadata"],
    ),
)
async def create_dataset(request: Request, runtime: RuntimeDep, user: RequiredUser) -> JSONResponse:
    """Multipart: `datasetMetadata` (JSON text) and an optional `uploadFile`."""
    entity_id = str(uuid.uuid4())
    prefix = entities.entity_key(entity_id)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidInput(
            "send multipart/form-data with fields 'datasetMetadata' and, optionally, 'uploadFile'"
        )
    try:
        upload = await stream_upload(
            request,
            runtime.blobs,
            prefix + "content",
            "uploadFile",
            runtime.settings.max_upload_bytes,
            file_required=False,
        )
    except DependencyUnavailable:  # a write the store timed out on may still land
        await run_in_threadpool(runtime.discard_blob, prefix + "content")
        raise
    try:  # until the record exists, the streamed file is ours to remove
        metadata = _dataset_metadata(upload.fields.get("datasetMetadata"), runtime)
        stored = None
        if upload.file:
            stored = StoredFile(
                upload.filename or "content",
                upload.file.key,
                upload.file.size,
                upload.file.sha256,
                upload.file.md5,
            )
        record = await run_in_threadpool(
            entities.register_entity, runtime, user, metadata, "Dataset", stored
        )
    except BaseException:
        if upload.file:
            await run_in_threadpool(runtime.discard_blob, upload.file.key)
        raise
    return JSONResponse(
        resolver_wrapper(record, actor_of(runtime, user), runtime.settings.base_url),
        status_code=201,
    )


def _dataset_metadata(raw: str | None, runtime: Runtime) -> Any:
    if not isinstance(raw, str):
        raise InvalidInput(
            "the multipart field 'datasetMetadata' is missing",
            problems=[Problem("JSON text expected", "datasetMetadata")],
        )
    return load_json(raw, json_limits(runtime.settings), source="datasetMetadata")


def _json_entity_route(kind: str) -> Any:
    async def create(
        runtime: RuntimeDep, user: RequiredUser, metadata: Annotated[Any, Body()]
    ) -> JSONResponse:
        record = await run_in_threadpool(entities.register_entity, runtime, user, metadata, kind)
        return JSONResponse(
            resolver_wrapper(record, actor_of(runtime, user), runtime.settings.base_url),
            status_code=201,
        )

    return create


for _path, _kind in (
    ("software", "Software"),
    ("computation", "Computation"),
    ("schema", "Schema"),
):
    router.add_api_route(
        f"/{_path}",
        _json_entity_route(_kind),
        methods=["POST"],
        status_code=201,
        summary=f"Register a {_kind}",
    )


def _typed_get(kind: str) -> Any:
    async def get(
        request: Request, naan: str, postfix: str, runtime: RuntimeDep, user: OptionalUser
    ) -> Response:
        actor = actor_of(runtime, user)
        record = await run_in_threadpool(records.resolve, runtime, actor, ark_text(naan, postfix))
        if record.kind != kind and not (kind == "Dataset" and record.kind == "File"):
            raise InvalidInput(f"{record.ark} is a {record.kind}, not a {kind}")
        return await negotiated(
            record,
            resolver_wrapper(record, actor, runtime.settings.base_url),
            request.headers.get("accept"),
            records.version_of(runtime, record, actor),
            runtime.settings.base_url,
        )

    return get


for _path, _kind in KINDS.items():
    ark_route(router, f"/{_path}", ["GET"])(_typed_get(_kind))
    ark_route(router, f"/{_path}", ["DELETE"])(remove)


def _download(inline: bool, owner_route: bool) -> Any:
    async def download(
        request: Request,
        naan: str,
        postfix: str,
        runtime: RuntimeDep,
        user: OptionalUser,
        path: Annotated[str | None, Query()] = None,
    ) -> Response:
        actor = actor_of(runtime, user)
        record = await run_in_threadpool(
            records.resolve_files, runtime, actor, ark_text(naan, postfix), path
        )
        prefer_archive = not owner_route and record.kind == "ROCrate"
        return await run_in_threadpool(
            lambda: file_response(
                runtime,
                actor,
                record,
                path,
                inline=inline,
                prefer_archive=prefer_archive,
                request_headers=dict(request.headers),
            )
        )

    return download


ark_route(router, "/dataset/download", ["GET"])(_download(False, True))
ark_route(router, "/software/download", ["GET"])(_download(False, True))
ark_route(router, "/download", ["GET"])(_download(False, False))
ark_route(router, "/view", ["GET"])(_download(True, False))


@router.put("/publish")
async def publish(
    runtime: RuntimeDep, user: RequiredUser, body: Annotated[Any, Body()]
) -> dict[str, Any]:
    """Takes `{"@id", "publicationStatus"}` (reference) or `{"@id", "published": true}` (docs)."""
    if not isinstance(body, dict) or not isinstance(body.get("@id"), str):
        raise InvalidInput('the body must be {"@id": <ark>, "publicationStatus": ...}')
    status_text = body.get("publicationStatus")
    if status_text is None and isinstance(body.get("published"), bool):
        status_text = "PUBLISHED" if body["published"] else "DRAFT"
    try:
        status = PublicationStatus(str(status_text).upper())
    except ValueError as exc:
        allowed = ", ".join(s.value for s in PublicationStatus)
        raise InvalidInput(
            f"publicationStatus must be one of {allowed}",
            problems=[Problem(f"got {status_text!r}", "publicationStatus")],
        ) from exc
    changed = await run_in_threadpool(
        records.set_publication, runtime, actor_of(runtime, user), body["@id"], status
    )
    return {"@id": changed[0], "publicationStatus": status.value, "updated": changed}
