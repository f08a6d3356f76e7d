"""A crate's zip, built on the fly from its stored files: the files are the one copy we keep.

The zip has the members of the uploaded one, in its order (`Record.archive_layout`), every
member STORED (the bytes are streamed as they are, nothing is compressed twice) and dated
1980-01-01, so the same crate always gives the same bytes and its length is known before a
byte is sent (`Content-Length`, `HEAD`, `Range` for resumed downloads). Its
`ro-crate-metadata.json` is the catalogue's metadata of the crate, not the uploaded text.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from zipstream import ng as zipstream_ng

from fairdepot.core.crates.archive_layout import ArchiveLayout, EntryKind
from fairdepot.core.errors import Problem, StoredBytesMissing
from fairdepot.core.records import Record, RecordFile
from fairdepot.services.runtime import Runtime

log = logging.getLogger(__name__)
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no clock in the bytes


class _FixedTimeInfo(zipstream_ng.ZipStreamInfo):  # type: ignore[misc]
    """zipstream-ng dates generated members with the current time; ours carry ZIP_EPOCH."""

    def __init__(self, filename: str, date_time: tuple[int, ...] | None = None) -> None:
        super().__init__(filename, date_time or ZIP_EPOCH)


# zipstream-ng names its info class as a module global when it generates a member and has no
# option for the time; tests/api/fairscape/test_crate_zip.py checks every member's date.
zipstream_ng.ZipStreamInfo = _FixedTimeInfo


@dataclass
class CrateZip:
    """One download of a crate's zip: its size and identity are known before it is streamed."""

    size: int
    etag: str
    _stream: Any

    def chunks(self, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """Bytes [start, stop) of the zip. Bytes before `start` are generated and dropped:
        each STORED member's CRC-32 is computed while it streams, so a resumed download
        re-reads (not re-sends) what comes before its range."""
        stop = self.size if stop is None else stop
        position = 0
        generated = iter(self._stream)
        try:
            for chunk in generated:
                end = position + len(chunk)
                if end > start:
                    yield chunk[max(0, start - position) : stop - position]
                position = end
                if position >= stop:
                    break
        finally:
            close = getattr(generated, "close", None)
            if close is not None:
                close()


def crate_zip(runtime: Runtime, record: Record, metadata: bytes) -> CrateZip:
    """The zip of `record` (which has an archive layout), checked before anything is sent:
    every file's blob must be in the store with its recorded size (one listing per folder)."""
    layout = record.archive_layout
    assert layout is not None
    files = _files_in(record, layout)
    _check_present(runtime, record, list(files.values()))
    stream = zipstream_ng.ZipStream(compress_type=zipstream_ng.ZIP_STORED, sized=True)
    identity = hashlib.sha256(metadata)
    for entry in layout.entries:
        identity.update(f"\0{entry.kind}\0{entry.name}".encode("utf-8", "surrogatepass"))
        if entry.kind is EntryKind.FOLDER:
            stream.mkdir(entry.name)
        elif entry.kind is EntryKind.METADATA:
            stream.add(metadata, entry.name)
        else:
            stored = files[entry.name]
            identity.update((stored.sha256 or "").encode())
            chunks = runtime.blobs.iter_read(stored.blob_key or "")  # opened when reached
            stream.add(chunks, entry.name, size=stored.size)
    return CrateZip(len(stream), f'"zip-{identity.hexdigest()[:40]}"', stream)


def _files_in(record: Record, layout: ArchiveLayout) -> dict[str, RecordFile]:
    by_path = {f.path: f for f in record.files}
    files = {}
    for entry in layout.entries:
        if entry.kind is not EntryKind.FILE:
            continue
        found = by_path.get(entry.path or "")
        if found is None or found.blob_key is None:
            raise _missing(record, entry.path or entry.name)
        files[entry.name] = found
    return files


def _check_present(runtime: Runtime, record: Record, files: list[RecordFile]) -> None:
    keys = [f.blob_key for f in files if f.blob_key]
    sizes = runtime.blobs.sizes(keys)
    for f in files:
        if sizes.get(f.blob_key or "") != f.size:
            log.error(
                "%s the crate's zip archive: blob %s is missing from the blob store "
                "(or not of its recorded size)",
                record.ark,
                f.blob_key,
            )
            raise _missing(record, f.path)


def _missing(record: Record, path: str) -> StoredBytesMissing:
    what = f"file {path!r} of the crate's zip archive"
    return StoredBytesMissing(
        f"the bytes of {what} of {record.ark} are missing from this repository's store; "
        "the operators have been told",
        problems=[Problem("stored bytes missing", f"{record.ark} {what}")],
    )
