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
    md5: str | None  # None when the writer was asked not to compute it


@dataclass(frozen=True)
class WriteOptions:
    """What a write must do beyond storing the bytes.

    `md5`: compute it too (md5 runs at less than half sha256's speed; an upload that is only
    unpacked later needs none). `durable`: the bytes are on stable storage when `commit()`
    returns; with False the caller makes a batch durable at once with `BlobStore.sync()`
    before it records them anywhere (one sync for a crate, not one per file).
    """

    md5: bool = True
    durable: bool = True


DEFAULT_WRITE = WriteOptions()


class StreamingWrite(Protocol):
    """A write in progress: `write()` chunks, then exactly one of `commit()` or `abort()`."""

    @property
    def size(self) -> int: ...

    def write(self, chunk: bytes) -> None: ...

    def commit(self) -> BlobInfo: ...

    def abort(self) -> None: ...


class WritableBlobs(Protocol):
    """A store a face may stream an upload into (keys are chosen by services, never users)."""

    def open_write(self, key: str, options: WriteOptions = DEFAULT_WRITE) -> StreamingWrite: ...
