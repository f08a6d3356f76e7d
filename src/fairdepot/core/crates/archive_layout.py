"""The shape of a crate's zip as uploaded, so the download can be rebuilt from stored files.

Only the files' bytes are stored (once); the zip a client downloads is generated from them.
What the bytes cannot tell is the zip's own layout: the order of its members, its folder
entries, the folder the crate sits in and the name of its metadata file. That is kept here,
as data a record carries, and nothing else about the original archive is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from fairdepot.core.errors import InvalidInput, Problem


class EntryKind(StrEnum):
    FILE = "file"  # one of the record's files, found by its path in the record
    FOLDER = "folder"  # a directory entry of the zip
    METADATA = "metadata"  # ro-crate-metadata.json: the catalogue's current metadata is served


@dataclass(frozen=True)
class ArchiveEntry:
    """One member of the zip: its name in the zip, and for a file its path in the record."""

    kind: EntryKind
    name: str
    path: str | None = None


@dataclass(frozen=True)
class ArchiveLayout:
    """Every member of a crate's zip, in the order of the uploaded zip's central directory."""

    entries: tuple[ArchiveEntry, ...]

    @property
    def file_paths(self) -> list[str]:
        return [e.path for e in self.entries if e.kind is EntryKind.FILE and e.path is not None]

    def to_json(self) -> list[dict[str, str]]:
        return [
            {"kind": e.kind.value, "name": e.name, **({"path": e.path} if e.path else {})}
            for e in self.entries
        ]

    @classmethod
    def from_json(cls, data: Any) -> ArchiveLayout:
        """Read a stored layout back; a malformed one is a bug, said plainly, not guessed at."""
        if not isinstance(data, list):
            raise InvalidInput("archive layout must be a list", problems=[Problem("not a list")])
        entries = []
        for i, item in enumerate(data):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                raise InvalidInput("malformed archive layout", problems=[Problem("bad", f"[{i}]")])
            path = item.get("path")
            kind = EntryKind(str(item.get("kind")))
            entries.append(
                ArchiveEntry(kind, item["name"], path if isinstance(path, str) else None)
            )
        return cls(tuple(entries))
