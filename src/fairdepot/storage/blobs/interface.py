"""The blob-store contract shared by the local-folder and S3 adapters.

Everything streams: writers take chunks and compute sha256 and md5 on the way, readers give
seekable file objects (zip intake needs to seek to the central directory) or chunk iterators
(downloads). Nothing here holds a whole file in memory.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from fairdepot.core.blobs import BlobInfo

__all__ = ["BLOB_STORE", "CHUNK_SIZE", "BlobEntry", "BlobInfo", "BlobStore", "BlobWriter"]

CHUNK_SIZE = 1024 * 1024
BLOB_STORE = "blob store"  # what DependencyUnavailable names when a store fails


@dataclass(frozen=True)
class BlobEntry:
    """One blob as a listing shows it; `modified` (UTC) tells in-flight uploads from orphans."""

    key: str
    size: int
    modified: datetime | None


class BlobWriter(ABC):
    """A push-style writer: `write()` chunks, then exactly one of `commit()` or `abort()`."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.size = 0
        self._sha256 = hashlib.sha256()
        self._md5 = hashlib.md5()  # noqa: S324 - a fixity checksum, not a security hash

    def write(self, chunk: bytes) -> None:
        if not chunk:
            return
        self._sha256.update(chunk)
        self._md5.update(chunk)
        self.size += len(chunk)
        self._write(chunk)

    def info(self) -> BlobInfo:
        return BlobInfo(self.key, self.size, self._sha256.hexdigest(), self._md5.hexdigest())

    @abstractmethod
    def _write(self, chunk: bytes) -> None: ...

    @abstractmethod
    def commit(self) -> BlobInfo:
        """Make the blob visible under its key (atomically where the backend allows)."""

    @abstractmethod
    def abort(self) -> None:
        """Drop what was written; the key is left as it was before."""

    def __enter__(self) -> BlobWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            self.abort()


class BlobStore(ABC):
    """Keys are `/`-separated relative paths chosen by the services (never by users)."""

    @abstractmethod
    def open_write(self, key: str) -> BlobWriter: ...

    def write(self, key: str, chunks: Iterable[bytes]) -> BlobInfo:
        """Stream `chunks` into `key` and return size and checksums."""
        writer = self.open_write(key)
        try:
            for chunk in chunks:
                writer.write(chunk)
            return writer.commit()
        except BaseException:
            writer.abort()
            raise

    @abstractmethod
    def open_read(self, key: str) -> BinaryIO:
        """A seekable binary file object; the caller closes it. FileNotFoundError if absent."""

    def iter_read(self, key: str, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        with self.open_read(key) as stream:
            while chunk := stream.read(chunk_size):
                yield chunk

    @abstractmethod
    def size(self, key: str) -> int:
        """Size in bytes; FileNotFoundError if absent."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the blob; removing an absent key is not an error."""

    @abstractmethod
    def list_keys(self, prefix: str = "") -> Iterator[str]:
        """Every key that starts with `prefix`, in no particular order."""

    def list_blobs(self, prefix: str = "") -> Iterator[BlobEntry]:
        """Every blob under `prefix` with its size (adapters override this with one listing)."""
        for key in self.list_keys(prefix):
            yield BlobEntry(key, self.size(key), None)

    def delete_prefix(self, prefix: str) -> int:
        """Remove every blob under `prefix`; returns how many were removed."""
        keys = list(self.list_keys(prefix))
        for key in keys:
            self.delete(key)
        return len(keys)

    @abstractmethod
    def check_available(self, timeout: float) -> None:
        """Readiness: return if the store answers within about `timeout` seconds.

        DependencyUnavailable otherwise (and on every other call while a store is unavailable:
        adapters translate their drivers' transport errors into it).
        """

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections; the default has nothing to release."""
