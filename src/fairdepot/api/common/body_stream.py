"""Streaming a raw request body (`PUT` of one file) straight into the blob store.

The file API's uploads are the body itself, not a form: nothing to parse, so the bytes go in
batches of 1 MiB into a blob writer (sha256 and md5 computed on the way) and memory stays flat
whatever the size. On any error the partial blob is discarded.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from fairdepot.core.blobs import DEFAULT_WRITE, BlobInfo, WritableBlobs, WriteOptions
from fairdepot.core.errors import TooLarge

_WRITE_BATCH = 1024 * 1024


async def stream_body(
    request: Request,
    blobs: WritableBlobs,
    key: str,
    max_bytes: int,
    write_options: WriteOptions = DEFAULT_WRITE,
) -> BlobInfo:
    """Write the whole body to `key`; TooLarge (413) past `max_bytes`, declared or sent."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"the upload is larger than the limit of {max_bytes} bytes")
    writer = await run_in_threadpool(blobs.open_write, key, write_options)
    pending: list[bytes] = []
    pending_size = received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_bytes:
                raise TooLarge(f"the upload is larger than the limit of {max_bytes} bytes")
            pending.append(chunk)
            pending_size += len(chunk)
            if pending_size >= _WRITE_BATCH:
                batch, pending, pending_size = b"".join(pending), [], 0
                await run_in_threadpool(writer.write, batch)
        if pending:
            await run_in_threadpool(writer.write, b"".join(pending))
        return await run_in_threadpool(writer.commit)
    except BaseException:
        await run_in_threadpool(writer.abort)
        raise
