"""Streaming a record's bytes: one file, a chosen file, or a crate's original zip.

The blob is opened and its first chunk read before any header is sent: once a 200 and its
Content-Length are out, a failure can only cut the body short, which clients may take for a
network fault. Opening first lets an unavailable store answer 503 and missing bytes a clear
500 that names the record and the file.
"""

from __future__ import annotations

import itertools
import logging
import mimetypes
from collections.abc import Iterator

from fastapi.responses import StreamingResponse

from fairdepot.api.content_disposition import content_disposition
from fairdepot.core.errors import InvalidInput, NotFound, Problem, StoredBytesMissing
from fairdepot.core.records import Record, RecordFile
from fairdepot.services.runtime import Runtime

log = logging.getLogger(__name__)


def file_response(
    runtime: Runtime,
    record: Record,
    path: str | None,
    *,
    inline: bool = False,
    prefer_archive: bool = False,
) -> StreamingResponse:
    if (prefer_archive or (path is None and len(record.files) != 1)) and record.archive_blob_key:
        name = record.extra.get("sourceFilename") or f"{record.ark.rsplit('/', 1)[-1]}.zip"
        key = record.archive_blob_key
        chunks = _opened(runtime, record, "the crate's zip archive", key)
        return _stream(chunks, name, "application/zip", runtime.blobs.size(key), None, inline)
    chosen = _choose(record, path)
    if chosen.blob_key is None:
        raise NotFound(f"the bytes of {chosen.path!r} are not held by this repository")
    media = chosen.media_type or mimetypes.guess_type(chosen.path)[0] or "application/octet-stream"
    return _stream(
        _opened(runtime, record, f"file {chosen.path!r}", chosen.blob_key),
        chosen.path.rsplit("/", 1)[-1],
        media,
        chosen.size,
        chosen.sha256,
        inline,
    )


def _choose(record: Record, path: str | None) -> RecordFile:
    if path is not None:
        for f in record.files:
            if f.path == path:
                return f
        raise NotFound(f"{record.ark} has no file {path!r}")
    if len(record.files) == 1:
        return record.files[0]
    if not record.files:
        raise NotFound(f"{record.ark} has no file content")
    listing = ", ".join(f.path for f in record.files[:20])
    raise InvalidInput(
        f"{record.ark} has {len(record.files)} files; choose one with ?path= ({listing})"
    )


def _opened(runtime: Runtime, record: Record, what: str, key: str) -> Iterator[bytes]:
    """The blob's chunks, with the first already read (so that a failure comes before headers)."""
    chunks = runtime.blobs.iter_read(key)
    try:
        first = next(chunks, None)
    except FileNotFoundError:
        log.error("%s %s: blob %s is missing from the blob store", record.ark, what, key)
        raise StoredBytesMissing(
            f"the bytes of {what} of {record.ark} are missing from this repository's store; "
            "the operators have been told",
            problems=[Problem("stored bytes missing", f"{record.ark} {what}")],
        ) from None
    return chunks if first is None else itertools.chain([first], chunks)


def _stream(
    chunks: Iterator[bytes],
    filename: str,
    media_type: str,
    size: int,
    sha256: str | None,
    inline: bool,
) -> StreamingResponse:
    headers = {
        "Content-Disposition": content_disposition(filename, inline=inline),
        "Content-Length": str(size),
    }
    if sha256:
        headers["ETag"] = f'"{sha256}"'
        headers["Digest"] = f"sha-256={sha256}"
    return StreamingResponse(chunks, media_type=media_type, headers=headers)
