"""Hostile and broken zips for the bad-input tests."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

DESCRIPTOR = {
    "@id": "ro-crate-metadata.json",
    "@type": "CreativeWork",
    "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"},
    "about": {"@id": "./"},
}
ROOT = {
    "@id": "./",
    "@type": "Dataset",
    "name": "Minimal",
    "description": "A minimal crate",
    "datePublished": "2025-01-01",
    "hasPart": [],
}


def crate_metadata(*entities: dict[str, Any], root: dict[str, Any] | None = None) -> dict[str, Any]:
    root = dict(root or ROOT)
    root["hasPart"] = [{"@id": e["@id"]} for e in entities if "File" in str(e.get("@type"))]
    return {
        "@context": "https://w3id.org/ro/crate/1.1/context",
        "@graph": [DESCRIPTOR, root, *entities],
    }


def write_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def crate_zip(
    path: Path, metadata: dict[str, Any] | str, files: dict[str, bytes] | None = None
) -> Path:
    text = metadata if isinstance(metadata, str) else json.dumps(metadata)
    return write_zip(path, {"ro-crate-metadata.json": text, **(files or {})})


def symlink_zip(path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ro-crate-metadata.json", json.dumps(crate_metadata()))
        link = zipfile.ZipInfo("evil-link")
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    path.write_bytes(buffer.getvalue())
    return path


def bomb_zip(path: Path, size: int = 64 * 1024 * 1024) -> Path:
    """A small zip that inflates to `size` bytes of zeros."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("ro-crate-metadata.json", json.dumps(crate_metadata()))
        with archive.open("zeros.bin", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return path
