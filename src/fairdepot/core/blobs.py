"""What the catalogue knows of stored bytes, whichever store holds them (local folder, S3).

The stores themselves are storage adapters (`storage/blobs/`); these are the values and the
narrow write contract that services and faces hold while bytes stream in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class BlobInfo:
    """What a finished write tells us about the bytes."""

    key: str
    size: int
    sha256: str
    md5: str


class StreamingWrite(Protocol):
    """A write in progress: `write()` chunks, then exactly one of `commit()` or `abort()`."""

    @property
    def size(self) -> int: ...

    def write(self, chunk: bytes) -> None: ...

    def commit(self) -> BlobInfo: ...

    def abort(self) -> None: ...


class WritableBlobs(Protocol):
    """A store a face may stream an upload into (keys are chosen by services, never users)."""

    def open_write(self, key: str) -> StreamingWrite: ...
