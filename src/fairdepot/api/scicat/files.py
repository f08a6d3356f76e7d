"""fairdepot's own file API beside the SciCat routes: what `FairdepotFileTransfer` calls.

`/api/v4/fairdepot/staged-files` stages uploads (raw body, streamed into the blob store) for a
dataset not created yet; `/api/v4/fairdepot/datasets/{pid}/files` streams a held file back.
HTTP <-> services/scicat/staging.py and services/scicat/held_files.py only; errors in
SciCat's shape (these routes live under the SciCat prefixes).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.body_stream import stream_body
from fairdepot.api.common.content_disposition import content_disposition
from fairdepot.api.common.deps import RuntimeDep
from fairdepot.api.common.raw_path import raw_segment
from fairdepot.api.scicat.deps import CallerDep
from fairdepot.api.scicat.errors import ScicatRoute, scicat_responses
from fairdepot.core import staging as rules
from fairdepot.core.errors import Problem, StoredBytesMissing
from fairdepot.services.scicat import held_files, staging

log = logging.getLogger(__name__)

router = APIRouter(route_class=ScicatRoute, tags=["fairdepot files"])

FolderParameter = Annotated[str, Query(alias="sourceFolder")]
PathParameter = Annotated[str, Query(alias="path")]
OptionalFolder = Annotated[str | None, Query(alias="sourceFolder")]

STAGED = "/api/v4/fairdepot/staged-files"


@router.put(STAGED, status_code=201, responses=scicat_responses(403, 413))
async def stage(
    request: Request,
    runtime: RuntimeDep,
    caller: CallerDep,
    source_folder: FolderParameter,
    path: PathParameter,
) -> dict[str, Any]:
    """Stream the body in as the caller's file `path` of the future dataset `sourceFolder`
    (replacing one staged there before); answers its size, sha256 and md5."""
    staging.may_stage(caller.actor)
    folder = rules.source_folder(source_folder)
    name = rules.file_path(path)
    key = staging.staging_key()
    info = await stream_body(request, runtime.blobs, key, runtime.settings.max_upload_bytes)
    try:
        return await run_in_threadpool(
            staging.record_upload, runtime, caller.actor, folder, name, info
        )
    except BaseException:
        await run_in_threadpool(runtime.discard_blob, key)
        raise


@router.get(STAGED, responses=scicat_responses(403))
async def list_staged(
    runtime: RuntimeDep, caller: CallerDep, source_folder: OptionalFolder = None
) -> list[dict[str, Any]]:
    """The caller's staged files not linked to a dataset yet (in one folder, if given)."""
    folder = rules.source_folder(source_folder) if source_folder is not None else None
    return await run_in_threadpool(staging.listing, runtime, caller.actor, folder)


@router.delete(STAGED, responses=scicat_responses(403, 404))
async def unstage(
    runtime: RuntimeDep, caller: CallerDep, source_folder: FolderParameter, path: PathParameter
) -> dict[str, Any]:
    """Remove one of the caller's staged files (scitacean's revert); bytes go after commit."""
    folder, name = rules.source_folder(source_folder), rules.file_path(path)
    return await run_in_threadpool(staging.remove, runtime, caller.actor, folder, name)


@router.get("/api/v4/fairdepot/datasets/{pid}/files", responses=scicat_responses(403, 404))
async def download(
    request: Request, runtime: RuntimeDep, caller: CallerDep, pid: str, path: PathParameter
) -> StreamingResponse:
    """The bytes of a held file of the dataset, streamed, with the server's checksums."""
    target = raw_segment(request, "pid")
    held = await run_in_threadpool(held_files.held_file, runtime, caller.actor, target, path)
    assert held.blob_key is not None
    chunks = await run_in_threadpool(_opened, runtime, target, held.path, held.blob_key)
    headers = {
        "Content-Disposition": content_disposition(held.path.rsplit("/", 1)[-1]),
        "Content-Length": str(held.size),
    }
    if held.sha256:
        headers["X-Checksum-Sha256"] = held.sha256
    if held.md5:
        headers["X-Checksum-Md5"] = held.md5
    return StreamingResponse(chunks, media_type="application/octet-stream", headers=headers)


def _opened(runtime: Any, pid: str, path: str, key: str) -> Iterator[bytes]:
    """The blob's chunks with the first already read, so a missing blob fails before headers."""
    chunks = runtime.blobs.iter_read(key)
    try:
        first = next(chunks, None)
    except FileNotFoundError:
        log.error("dataset %s file %s: blob %s is missing from the blob store", pid, path, key)
        raise StoredBytesMissing(
            f"the bytes of {path!r} of {pid} are missing from this repository's store",
            problems=[Problem("stored bytes missing", path)],
        ) from None
    chunks_iter: Iterator[bytes] = chunks
    return chunks_iter if first is None else itertools.chain([first], chunks_iter)
