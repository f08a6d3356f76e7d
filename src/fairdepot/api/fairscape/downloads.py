"""Streaming a record's bytes: one file, a chosen file, or a crate's original zip."""

from __future__ import annotations

import mimetypes

from fastapi.responses import StreamingResponse

from fairdepot.api.content_disposition import content_disposition
from fairdepot.core.errors import InvalidInput, NotFound
from fairdepot.core.records import Record, RecordFile
from fairdepot.services.runtime import Runtime


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
        return _stream(
            runtime,
            record.archive_blob_key,
            name,
            "application/zip",
            runtime.blobs.size(record.archive_blob_key),
            None,
            inline,
        )
    chosen = _choose(record, path)
    if chosen.blob_key is None:
        raise NotFound(f"the bytes of {chosen.path!r} are not held by this repository")
    media = chosen.media_type or mimetypes.guess_type(chosen.path)[0] or "application/octet-stream"
    return _stream(
        runtime,
        chosen.blob_key,
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


def _stream(
    runtime: Runtime,
    key: str,
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
    return StreamingResponse(runtime.blobs.iter_read(key), media_type=media_type, headers=headers)
