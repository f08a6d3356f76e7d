"""Streaming a multipart/form-data upload straight into the blob store.

Starlette's `request.form()` spools every file to a temporary file first; for crates of many
gigabytes that doubles the disk traffic and the wait. Here the body is parsed as it arrives and
the one file field we want goes chunk by chunk into a blob writer, so memory stays flat (one
network chunk) whatever the size. Other fields are small text and are kept, bounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from fairdepot.api.common.json_body import refuse_nul_in_field
from fairdepot.core.blobs import (
    DEFAULT_WRITE,
    BlobInfo,
    StreamingWrite,
    WritableBlobs,
    WriteOptions,
)
from fairdepot.core.errors import InvalidInput, Problem, TooLarge, UnsupportedMediaType
from fairdepot.core.filenames import safe_basename

_MAX_TEXT_FIELD = 16 * 1024 * 1024
# Network chunks are ~64 KiB: gathering 1 MiB before each write (a thread hop, hashing, a
# write call) cuts those per-chunk costs by 16 and holds at most 1 MiB more in memory.
_WRITE_BATCH = 1024 * 1024


@dataclass
class StreamedUpload:
    """What came in: the stored file (if the wanted field was present) and the text fields."""

    file: BlobInfo | None = None
    filename: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    field_names: list[str] = field(default_factory=list)


class _PartCollector:
    def __init__(self, file_field: str, writer_factory: callable) -> None:  # type: ignore[valid-type]
        self.file_field = file_field
        self.writer_factory = writer_factory
        self.result = StreamedUpload()
        self.pending: list[bytes] = []
        self.pending_size = 0
        self.writer: StreamingWrite | None = None
        self._header_field = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._name: str | None = None
        self._text = bytearray()
        self._is_target = False
        self._is_file = False

    # python-multipart callbacks ------------------------------------------------------------
    def on_part_begin(self) -> None:
        self._headers = {}
        self._name = None
        self._text = bytearray()
        self._is_target = False
        self._is_file = False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._header_field.strip().lower()] = self._header_value.strip()
        self._header_field = b""
        self._header_value = b""

    def on_headers_finished(self) -> None:
        _disposition, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        self._name = name
        self._is_file = b"filename" in options
        self.result.field_names.append(name)
        if name == self.file_field and self.writer is None:
            self._is_target = True
            raw_filename = options.get(b"filename")
            # only a safe base name is kept: it is stored, shown and sent back in downloads
            self.result.filename = (
                safe_basename(raw_filename.decode("utf-8", "replace"), "upload")
                if raw_filename
                else None
            )
            self.writer = self.writer_factory()

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._is_target:
            self.pending.append(bytes(data[start:end]))
            self.pending_size += end - start
        else:
            self._text += data[start:end]
            if len(self._text) > _MAX_TEXT_FIELD:
                raise TooLarge(
                    "form field too large",
                    problems=[
                        Problem(f"text fields are limited to {_MAX_TEXT_FIELD} bytes", self._name)
                    ],
                )

    def on_part_end(self) -> None:
        if not self._is_target and self._name is not None:
            text = self._text.decode("utf-8", "replace")
            if not self._is_file:  # a file in another field is bytes, not text: no NUL rule
                refuse_nul_in_field(self._name, text)
            self.result.fields[self._name] = text
        self._is_target = False


async def stream_upload(
    request: Request,
    blobs: WritableBlobs,
    key: str,
    file_field: str,
    max_bytes: int,
    *,
    file_required: bool = True,
    write_options: WriteOptions = DEFAULT_WRITE,
) -> StreamedUpload:
    """Parse the request body; the `file_field` part is written to `key` in the blob store.

    On any error the partial blob is discarded and nothing is left behind.
    """
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise UnsupportedMediaType(
            "expected a multipart/form-data body",
            problems=[
                Problem(
                    f"send the file as multipart/form-data field {file_field!r}", "Content-Type"
                )
            ],
        )
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"the upload is larger than the limit of {max_bytes} bytes")

    collector = _PartCollector(file_field, lambda: blobs.open_write(key, write_options))
    parser = MultipartParser(
        boundary,
        {
            name: getattr(collector, name)
            for name in (
                "on_part_begin",
                "on_header_field",
                "on_header_value",
                "on_header_end",
                "on_headers_finished",
                "on_part_data",
                "on_part_end",
            )
        },
    )
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_bytes:
                raise TooLarge(f"the upload is larger than the limit of {max_bytes} bytes")
            try:
                parser.write(chunk)
            except (ValueError, TypeError) as exc:
                raise InvalidInput(f"malformed multipart body: {exc}") from exc
            if collector.pending_size >= _WRITE_BATCH and collector.writer is not None:
                batch, collector.pending = b"".join(collector.pending), []
                collector.pending_size = 0
                await run_in_threadpool(collector.writer.write, batch)
        parser.finalize()
        if collector.writer is None and not file_required:
            return collector.result
        if collector.writer is None:
            got = ", ".join(repr(n) for n in collector.result.field_names) or "no fields"
            raise InvalidInput(
                f"the multipart field {file_field!r} is missing",
                problems=[
                    Problem(f"expected a file in field {file_field!r}, got {got}", file_field)
                ],
            )
        if collector.pending:
            await run_in_threadpool(collector.writer.write, b"".join(collector.pending))
        if collector.writer.size == 0:
            raise InvalidInput(
                "the uploaded file is empty",
                problems=[Problem("the file has 0 bytes", collector.result.filename or file_field)],
            )
        collector.result.file = await run_in_threadpool(collector.writer.commit)
        return collector.result
    except BaseException:
        if collector.writer is not None:
            await run_in_threadpool(collector.writer.abort)
        raise
