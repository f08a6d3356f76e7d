"""Blobs as files under one folder: the embedded default."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from fairdepot.core.errors import DependencyUnavailable
from fairdepot.storage.blobs.interface import (
    BLOB_STORE,
    DEFAULT_WRITE,
    BlobEntry,
    BlobInfo,
    BlobStore,
    BlobWriter,
    WriteOptions,
)

TMP = ".tmp"
_LIBC = (
    ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True) if sys.platform == "linux" else None
)  # half-written blobs live here, apart from the keys, until they are complete


def _safe_relative(key: str) -> PurePosixPath:
    path = PurePosixPath(key)
    if not key or path.is_absolute() or ".." in path.parts or "\\" in key or path.name in ("", "."):
        raise ValueError(f"blob key {key!r} must be a relative path without '..'")
    if path.parts[0] == TMP:
        raise ValueError(f"blob key {key!r} may not start with {TMP}/ (reserved)")
    return path


class _LocalWriter(BlobWriter):
    def __init__(self, key: str, target: Path, tmp_dir: Path, options: WriteOptions) -> None:
        super().__init__(key, options)
        self._target = target
        fd, tmp = tempfile.mkstemp(prefix="partial-", dir=tmp_dir)
        self._tmp = Path(tmp)
        self._file = os.fdopen(fd, "wb")

    def _write(self, chunk: bytes) -> None:
        self._file.write(chunk)

    def commit(self) -> BlobInfo:
        self._file.flush()
        if self.options.durable:
            os.fsync(self._file.fileno())
        self._file.close()
        for attempt in range(3):
            # a concurrent delete may prune the (empty) folder between mkdir and replace
            self._target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.replace(self._tmp, self._target)  # atomic: never half-written to readers
                break
            except FileNotFoundError:
                if attempt == 2:
                    raise
        return self.info()

    def abort(self) -> None:
        if not self._file.closed:
            self._file.close()
        self._tmp.unlink(missing_ok=True)


class LocalBlobStore(BlobStore):
    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp_dir = root / TMP
        self.tmp_dir.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*_safe_relative(key).parts)

    def open_write(self, key: str, options: WriteOptions = DEFAULT_WRITE) -> BlobWriter:
        return _LocalWriter(key, self._path(key), self.tmp_dir, options)

    def sync(self) -> None:
        """One syncfs(2) of the store's file system: file data, and the renames that put
        each file under its key (which a per-file fsync alone would not make durable).
        Where syncfs is not available, sync(2) does the same for every file system."""
        fd = os.open(self.root, os.O_RDONLY)
        try:
            if _LIBC is None or _LIBC.syncfs(fd) != 0:
                os.sync()
        finally:
            os.close(fd)

    def open_read(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def sizes(self, keys: list[str]) -> dict[str, int]:
        """One stat per key: cheaper than walking the folder tree."""
        found = {}
        for key in keys:
            try:
                found[key] = self._path(key).stat().st_size
            except FileNotFoundError:
                continue
        return found

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        # prune empty parent folders so deleted records leave no litter behind
        for parent in path.parents:
            if parent == self.root or not parent.is_relative_to(self.root):
                break
            try:
                parent.rmdir()
            except OSError:
                break

    def check_available(self, timeout: float) -> None:
        """The folder is there and writable (a lost mount or a read-only disk is not ready)."""
        if not (self.tmp_dir.is_dir() and os.access(self.tmp_dir, os.W_OK)):
            raise DependencyUnavailable(BLOB_STORE, f"{self.root} is missing or not writable")

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        for path in self._files(prefix):
            yield path.relative_to(self.root).as_posix()

    def list_blobs(self, prefix: str = "") -> Iterator[BlobEntry]:
        for path in self._files(prefix):
            try:
                stat = path.stat()
            except FileNotFoundError:  # deleted while we listed
                continue
            modified = datetime.fromtimestamp(stat.st_mtime, UTC)
            yield BlobEntry(path.relative_to(self.root).as_posix(), stat.st_size, modified)

    def _files(self, prefix: str) -> Iterator[Path]:
        for dirpath, dirs, files in os.walk(self.root):
            if Path(dirpath) == self.root and TMP in dirs:
                dirs.remove(TMP)
            for name in files:
                path = Path(dirpath, name)
                if path.relative_to(self.root).as_posix().startswith(prefix):
                    yield path
