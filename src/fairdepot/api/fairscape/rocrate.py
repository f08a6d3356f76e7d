"""RO-Crate routes: asynchronous upload, job status, the crate as JSON-LD or Croissant."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common import conditional
from fairdepot.api.common.ark_paths import ark_route, ark_text
from fairdepot.api.common.deps import Offset, OptionalUser, RequiredUser, RuntimeDep, actor_of
from fairdepot.api.common.errors import multipart_body, problem_response, problem_responses
from fairdepot.api.common.multipart_stream import stream_upload
from fairdepot.api.fairscape.downloads import file_response
from fairdepot.api.fairscape.errors import FairscapeRoute
from fairdepot.api.fairscape.views import (
    crate_document,
    crate_summary,
    has_dataset_croissant,
    job_document,
)
from fairdepot.core.blobs import WriteOptions
from fairdepot.core.errors import InvalidInput, NotFound
from fairdepot.core.metadata.croissant import CROISSANT_MEDIA_TYPE, crate_to_croissant
from fairdepot.core.metadata.rdf import serialize
from fairdepot.core.negotiation import choose
from fairdepot.core.records import Record
from fairdepot.services import records, search
from fairdepot.services.crates import ingest
from fairdepot.services.crates.metadata_only import register as register_metadata_crate
from fairdepot.services.crates.records import fairscape_owner_group
from fairdepot.services.jobs import job_status
from fairdepot.services.representation_cache import Representation

router = APIRouter(route_class=FairscapeRoute, tags=["rocrate"])
# The zip is only unpacked, never served: its members get their own sha256 and md5 in the
# worker, so md5 of the whole zip would be hashing the same bytes twice for nothing.
UPLOAD_WRITE = WriteOptions(md5=False)
CRATE_OFFERS = [
    "application/json",
    "application/ld+json",
    CROISSANT_MEDIA_TYPE,
    "text/turtle",
    "application/rdf+xml",
]


@router.post(
    "/rocrate/upload-async",
    status_code=202,
    responses=problem_responses(413, 415),
    openapi_extra=multipart_body(
        {"crate": {"type": "string", "format": "binary", "description": "the RO-Crate zip"}},
        ["crate"],
    ),
)
async def upload_async(request: Request, runtime: RuntimeDep, user: RequiredUser) -> JSONResponse:
    """Stream the zip (multipart field `crate`) to storage and queue its ingest job."""
    fairscape_owner_group(actor_of(runtime, user), user.groups)  # may create: before any byte
    job_id = str(uuid.uuid4())
    key = ingest.upload_key(job_id)
    try:  # a write the store timed out on may still land: the blob is discarded either way
        upload = await stream_upload(
            request,
            runtime.blobs,
            key,
            "crate",
            runtime.settings.max_upload_bytes,
            write_options=UPLOAD_WRITE,
        )
        assert upload.file is not None
        await run_in_threadpool(ingest.check_archive, runtime, key)
        job = await run_in_threadpool(
            ingest.submit_crate,
            runtime,
            user,
            job_id,
            upload.filename or "crate.zip",
            upload.file.size,
            upload.file.sha256,
        )
    except BaseException:
        await run_in_threadpool(runtime.discard_blob, key)  # no job refers to it yet
        raise
    return JSONResponse(job_document(job, user.email), status_code=202)


@router.get("/rocrate/upload/status/{guid}")
async def upload_status(guid: str, runtime: RuntimeDep, user: RequiredUser) -> dict[str, Any]:
    view = await run_in_threadpool(
        job_status, runtime, actor_of(runtime, user), guid, ingest.CRATE_INGEST
    )
    return job_document(view.job, view.owner_email)


@router.post("/rocrate/metadata", status_code=201)
async def metadata_only(
    runtime: RuntimeDep, user: RequiredUser, crate: Annotated[Any, Body()]
) -> dict[str, Any]:
    """Register a crate that has no files (its data lives elsewhere), synchronously."""
    root, minted = await run_in_threadpool(register_metadata_crate, runtime, user, crate)
    return {"rocrate_guid": root, "minted_element_identifiers": minted}


@router.get("/rocrate")
async def list_crates(
    runtime: RuntimeDep,
    user: RequiredUser,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    actor = actor_of(runtime, user)
    crates = await run_in_threadpool(
        lambda: search.list_records(
            runtime, actor, kind="ROCrate", own_or_group_only=True, limit=limit, offset=offset
        )
    )
    return {
        "rocrates": [
            {
                "@id": c.ark,
                "name": c.name,
                "description": c.description,
                "counts": c.crate_parts.content_summary,
            }
            for c in crates
        ]
    }


def _crate_and_members(runtime: Any, actor: Any, text: str) -> tuple[Any, list[Any]]:
    crate = _as_crate(records.resolve(runtime, actor, text))
    return crate, records.members(runtime, actor, crate)


def _as_crate(record: Record) -> Record:
    if record.kind != "ROCrate":
        raise InvalidInput(f"{record.ark} is a {record.kind}, not an RO-Crate")
    return record


@ark_route(router, "/rocrate/summary", ["GET"])
async def summary(
    naan: str,
    postfix: str,
    runtime: RuntimeDep,
    user: OptionalUser,
    limit: Annotated[int, Query(ge=1, le=1000)] = 10,
    offset: Offset = 0,
) -> dict[str, Any]:
    actor = actor_of(runtime, user)
    crate, members = await run_in_threadpool(
        _crate_and_members, runtime, actor, ark_text(naan, postfix)
    )
    return crate_summary(crate, members, limit, offset)


@ark_route(router, "/rocrate/download", ["GET"])
async def download_crate(
    request: Request, naan: str, postfix: str, runtime: RuntimeDep, user: OptionalUser
) -> Response:
    """The crate's zip, built from its stored files; `Range` resumes a download."""
    return await _crate_zip(request, naan, postfix, runtime, user)


@ark_route(router, "/rocrate/download", ["HEAD"])
async def download_crate_head(
    request: Request, naan: str, postfix: str, runtime: RuntimeDep, user: OptionalUser
) -> Response:
    """The headers of the crate's zip (length, ETag, ranges); no file is read."""
    return await _crate_zip(request, naan, postfix, runtime, user)


async def _crate_zip(
    request: Request, naan: str, postfix: str, runtime: RuntimeDep, user: OptionalUser
) -> Response:
    actor = actor_of(runtime, user)
    crate = await run_in_threadpool(records.resolve_files, runtime, actor, ark_text(naan, postfix))
    if not (crate.archive_layout or crate.archive_blob_key):
        raise NotFound(f"{crate.ark} has no archive")
    return await run_in_threadpool(
        lambda: file_response(
            runtime,
            actor,
            crate,
            None,
            prefer_archive=True,
            request_headers=dict(request.headers),
            head=request.method == "HEAD",
        )
    )


@ark_route(router, "/rocrate", ["GET"])
async def get_crate(
    request: Request, naan: str, postfix: str, runtime: RuntimeDep, user: OptionalUser
) -> Response:
    """The crate as RO-Crate JSON-LD, or Croissant / RDF when `Accept` asks for them.

    A record that is no crate is a 400; asked for Croissant, a dataset with a Croissant view
    of its own (a SciCat dataset) is a 400 that names where it is: the resolver, at its ARK.
    This route stays the crate's: its JSON-LD and RDF here are the whole crate's graph.
    """
    actor = actor_of(runtime, user)
    record = await run_in_threadpool(records.resolve, runtime, actor, ark_text(naan, postfix))
    chosen = choose(request.headers.get("accept"), CRATE_OFFERS)
    if chosen == CROISSANT_MEDIA_TYPE and has_dataset_croissant(record):
        return _croissant_at_resolver(record, runtime.settings.base_url)
    crate = _as_crate(record)
    members = await run_in_threadpool(records.members, runtime, actor, crate)
    return await crate_representation(request, runtime, actor, crate, members, chosen)


def _croissant_at_resolver(record: Record, base_url: str) -> Response:
    where = f"{base_url.rstrip('/')}/api/{record.ark}"
    detail = (
        f"{record.ark} is a {record.kind}, not an RO-Crate: its Croissant is served "
        f"by the resolver, GET {where} with Accept: {CROISSANT_MEDIA_TYPE}"
    )
    return problem_response(
        400,
        "Bad Request",
        detail,
        message=detail,
        resolver=where,
        headers={
            "Vary": "Accept",
            "Link": f'<{where}>; rel="alternate"; type="{CROISSANT_MEDIA_TYPE}"',
        },
    )


async def crate_representation(
    request: Request,
    runtime: Any,
    actor: Any,
    crate: Record,
    members: list[Record],
    chosen: str | None,
) -> Response:
    """One representation of a crate (`chosen` from CRATE_OFFERS; None: 406), also the
    resolver's Croissant of a crate.

    The document is built from the crate and every member the caller may read, so its ETag
    and cache entry are keyed by the crate's version and each such member's revision.
    """
    headers = {"Vary": "Accept"}
    if chosen is None:
        return problem_response(
            406,
            "Not Acceptable",
            "no representation matches Accept",
            available=CRATE_OFFERS,
            headers=headers,
        )
    name = "crate-" + chosen.split("/")[-1]
    version = _crate_version(runtime, crate, members, actor)
    etag = version.etag(name)
    if chosen in ("text/turtle", "application/rdf+xml"):  # blank-node labels vary per run
        etag = conditional.weak(etag)
    if conditional.matches(request, etag):
        return conditional.not_modified(etag, headers)
    found = runtime.representations.get((version, name))
    if found is None:
        document = crate_document(crate, members, runtime.settings.base_url)
        if chosen == CROISSANT_MEDIA_TYPE:
            croissant = await run_in_threadpool(crate_to_croissant, document)
            body = JSONResponse(croissant).body
        elif chosen in ("text/turtle", "application/rdf+xml"):
            body = (await run_in_threadpool(serialize, document, chosen)).encode()
        else:
            body = JSONResponse(document).body
        found = Representation(body, chosen)
        runtime.representations.put((version, name), found)
    return conditional.served(found, etag, headers)


def _crate_version(
    runtime: Any, crate: Any, members: list[Any], actor: Any
) -> records.RecordVersion:
    """The crate's version for this viewer, refined by the revision of every member shown."""
    own = records.version_of(runtime, crate, actor)
    shown = ";".join(f"{m.ark}@{m.revision}" for m in members)
    return records.RecordVersion(own.ark_key, own.revision, f"{own.view}|{shown}", own.base_url)
