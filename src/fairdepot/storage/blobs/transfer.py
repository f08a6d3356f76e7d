"""Copying every blob between two stores (backup, restore, moving local <-> S3), streaming."""

from __future__ import annotations

from fairdepot.storage.blobs.interface import BlobStore


def copy_all(source: BlobStore, target: BlobStore, prefix: str = "") -> int:
    """Copy every blob under `prefix`; a copy whose size differs from its source fails loudly."""
    count = 0
    for key in sorted(source.list_keys(prefix)):
        info = target.write(key, source.iter_read(key))
        if info.size != source.size(key):
            raise OSError(f"the copy of {key} has {info.size} bytes, its source {source.size(key)}")
        count += 1
    return count
