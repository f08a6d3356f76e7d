"""Streaming a record's bytes: one file, a chosen file, or a crate's zip.

A crate's zip is built from its stored files (services/crates/zip.py); crates stored before
that kept their uploaded zip, which is streamed as it is.

The blob is opened and its first chunk read before any header is sent: once a 200 and its
Content-Length are out, a failure can only cut the body short, which clients may take for a
network fault. Opening first lets an unavailable store answer 503 and missing bytes a clear
500 that names the record and the file.
"""

from __future__ import annotations

import itertools
import json
import logging
import mimetypes
from collections.abc import Iterator

from fastapi import Response
from fastapi.responses import StreamingResponse

from fairdepot.api.common import byte_ranges
from fairdepot.api.common.content_disposition import content_disposition
from fairdepot.api.fairscape.views import crate_document
from fairdepot.core.errors import InvalidInput, NotFound, Problem, StoredBytesMissing
from fairdepot.core.policy import Actor
from fairdepot.core.records import Record, RecordFile
from fairdepot.services import records
from fairdepot.services.crates.zip import crate_zip
from fairdepot.services.runtime import Runtime

log = logging.getLogger(__name__)


def file_response(
    runtime: Runtime,
    actor: Actor,
    record: Record,
    path: str | None,
    *,
    inline: bool = False,
    prefer_archive: bool = False,
    request_headers: dict[str, str] | None = None,
    head: bool = False,
) -> Response:
    wants_archive = prefer_archive or (path is None and len(record.files) != 1)
    if wants_archive and record.archive_layout:
        return crate_zip_response(runtime, actor, record, request_headers or {}, inline, head)
    if wants_archive and record.archive_blob_key:
        name = record.crate_parts.source_filename or f"{record.ark.rsplit('/', 1)[-1]}.zip"
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


def crate_zip_response(
    runtime: Runtime,
    actor: Actor,
    record: Record,
    request_headers: dict[str, str],
    inline: bool,
    head: bool,
) -> Response:
    """The crate's zip, whole or the one range asked for; nothing is read for HEAD."""
    metadata = crate_document(
        record, records.members(runtime, actor, record), runtime.settings.base_url
    )
    text = json.dumps(metadata, indent=2, ensure_ascii=False).encode()
    archive = crate_zip(runtime, record, text)
    name = record.crate_parts.source_filename or f"{record.ark.rsplit('/', 1)[-1]}.zip"
    headers = {
        "Content-Disposition": content_disposition(name, inline=inline),
        "Accept-Ranges": "bytes",
        "ETag": archive.etag,
    }
    try:
        span = byte_ranges.requested(
            request_headers.get("range"),
            request_headers.get("if-range"),
            archive.etag,
            archive.size,
        )
    except byte_ranges.Unsatisfiable:
        headers["Content-Range"] = f"bytes */{archive.size}"
        return Response(status_code=416, headers=headers)
    start, stop = span or (0, archive.size)
    headers["Content-Length"] = str(stop - start)
    status = 200
    if span is not None:
        status = 206
        headers["Content-Range"] = f"bytes {start}-{stop - 1}/{archive.size}"
    if head:
        return Response(status_code=status, headers=headers, media_type="application/zip")
    return StreamingResponse(
        archive.chunks(start, stop),
        status_code=status,
        media_type="application/zip",
        headers=headers,
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
