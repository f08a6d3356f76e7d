"""The blob-store contract shared by the local-folder and S3 adapters.

Everything streams: writers take chunks and compute sha256 and md5 on the way, readers give
seekable file objects (zip intake needs to seek to the central directory) or chunk iterators
(downloads). Nothing here holds a whole file in memory.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from fairdepot.core.blobs import DEFAULT_WRITE, BlobInfo, WriteOptions

__all__ = [
    "BLOB_STORE",
    "CHUNK_SIZE",
    "DEFAULT_WRITE",
    "BlobEntry",
    "BlobInfo",
    "BlobStore",
    "BlobWriter",
    "WriteOptions",
]

CHUNK_SIZE = 1024 * 1024
# md5 and sha256 of one chunk run on two cores (hashlib releases the GIL): md5 alone is slower
# than sha256 on CPUs with SHA extensions, so hashing costs the slower of the two, not the sum.
# Below this size the hand-over costs more than it saves.
_PARALLEL_HASH_BYTES = 256 * 1024
_MD5_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="blob-md5")
BLOB_STORE = "blob store"  # what DependencyUnavailable names when a store fails


@dataclass(frozen=True)
class BlobEntry:
    """One blob as a listing shows it; `modified` (UTC) tells in-flight uploads from orphans."""

    key: str
    size: int
    modified: datetime | None


class BlobWriter(ABC):
    """A push-style writer: `write()` chunks, then exactly one of `commit()` or `abort()`."""

    def __init__(self, key: str, options: WriteOptions = DEFAULT_WRITE) -> None:
        self.key = key
        self.size = 0
        self.options = options
        self._sha256 = hashlib.sha256()
        # a fixity checksum, not a security hash
        self._md5 = hashlib.md5() if options.md5 else None  # noqa: S324

    def write(self, chunk: bytes) -> None:
        if not chunk:
            return
        if self._md5 is not None and len(chunk) >= _PARALLEL_HASH_BYTES:
            md5 = _MD5_THREAD.submit(self._md5.update, chunk)
            self._sha256.update(chunk)
            md5.result()
        else:
            self._sha256.update(chunk)
            if self._md5 is not None:
                self._md5.update(chunk)
        self.size += len(chunk)
        self._write(chunk)

    def info(self) -> BlobInfo:
        md5 = self._md5.hexdigest() if self._md5 is not None else None
        return BlobInfo(self.key, self.size, self._sha256.hexdigest(), md5)

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
    def open_write(self, key: str, options: WriteOptions = DEFAULT_WRITE) -> BlobWriter: ...

    def sync(self) -> None:  # noqa: B027 - stores whose commits are durable have nothing to do
        """Make every write committed with `durable=False` durable (see WriteOptions)."""

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

    def sizes(self, keys: list[str]) -> dict[str, int]:
        """The size of each of `keys` that exists, with one listing per folder of keys
        (a crate of thousands of files costs a few requests, not one per file)."""
        wanted = set(keys)
        folders = {key.rsplit("/", 1)[0] + "/" if "/" in key else "" for key in wanted}
        found: dict[str, int] = {}
        for folder in sorted(folders):
            for entry in self.list_blobs(folder):
                if entry.key in wanted:
                    found[entry.key] = entry.size
        return found

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
