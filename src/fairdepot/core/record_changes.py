"""What one update of a record changes, said explicitly, part by part.

An update used to take a whole `Record` and replace files, relations and access groups from
whatever it held, so a record loaded without its files and written back lost them (and queued
their blobs for deletion). A `RecordChanges` names the parts that change; every other part is
`UNCHANGED` and storage does not touch it. There is no way to say "whatever this record holds".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from fairdepot.core.crates.archive_layout import ArchiveLayout
from fairdepot.core.crates.parts import CrateParts
from fairdepot.core.records import (
    Access,
    Moderation,
    PublicationStatus,
    Record,
    RecordFile,
    RecordState,
    Relation,
    summarise,
)


class Unchanged(Enum):
    """The marker of a part an update leaves as it is (distinct from setting it to None)."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


@dataclass(frozen=True)
class MetadataChange:
    """New canonical metadata, with the summary fields listings and search read from it."""

    document: dict[str, Any]
    name: str | None
    description: str | None
    keywords: tuple[str, ...]
    types: tuple[str, ...]

    @classmethod
    def of(cls, document: dict[str, Any]) -> MetadataChange:
        """The change to `document`, summarised as core.records.summarise reads it."""
        summary = summarise(document)
        return cls(
            document,
            summary.name,
            summary.description,
            tuple(summary.keywords),
            tuple(summary.types),
        )

    @classmethod
    def from_record(cls, record: Record) -> MetadataChange:
        """The metadata and summary a whole record carries (its name may not be summarise's)."""
        return cls(
            record.metadata,
            record.name,
            record.description,
            tuple(record.keywords),
            tuple(record.types),
        )


@dataclass(frozen=True)
class FileChanges:
    """Files added (a path already listed is replaced) and paths removed.

    `replace_all` drops every file not in `added` (a re-upload of a whole crate). Blobs that no
    file of the record refers to afterwards are queued for deletion, and only those.
    """

    added: tuple[RecordFile, ...] = ()
    removed: frozenset[str] = frozenset()
    replace_all: bool = False

    @classmethod
    def replacing_with(cls, files: list[RecordFile]) -> FileChanges:
        return cls(added=tuple(files), replace_all=True)


@dataclass(frozen=True)
class RecordChanges:
    """The parts of a record one update changes; everything left `UNCHANGED` stays as stored.

    `parent_ark` None takes a record out of its crate; `lifecycle` moves it between active and
    trashed (deleting for good is a purge, which is not an update: the record becomes a
    tombstone). `identifiers_added` must be free (IdentifierTaken otherwise). An `access`
    change sets owner, groups, flags and publication; moderation changes only through
    `moderation` (a re-upload does not approve itself).
    """

    metadata: MetadataChange | Unchanged = UNCHANGED
    native: dict[str, Any] | Unchanged | None = UNCHANGED
    kind: str | Unchanged = UNCHANGED
    crate_parts: CrateParts | Unchanged = UNCHANGED
    files: FileChanges | Unchanged = UNCHANGED
    relations: tuple[Relation, ...] | Unchanged = UNCHANGED
    access: Access | Unchanged = UNCHANGED
    publication: PublicationStatus | Unchanged = UNCHANGED  # the one access attribute alone
    parent_ark: str | Unchanged | None = UNCHANGED
    archive_blob_key: str | Unchanged | None = UNCHANGED
    archive_layout: ArchiveLayout | Unchanged | None = UNCHANGED  # the crate zip's shape
    lifecycle: RecordState | Unchanged = UNCHANGED
    moderation: Moderation | Unchanged = UNCHANGED
    identifiers_added: dict[str, str] = field(default_factory=dict)
    identifiers_removed: frozenset[str] = frozenset()  # schemes

    def __post_init__(self) -> None:
        if self.lifecycle is RecordState.DELETED:
            raise ValueError("deleting a record is a purge, not an update")

    @classmethod
    def of_metadata(cls, document: dict[str, Any], relations: list[Relation]) -> RecordChanges:
        """New metadata and the relations read from it; files, access, membership stay."""
        return cls(metadata=MetadataChange.of(document), relations=tuple(relations))

    @classmethod
    def replacing(cls, record: Record, *, parent_ark: str | None) -> RecordChanges:
        """Every part of a stored record replaced by `record`'s (a crate uploaded again).

        Identifiers and lifecycle are not parts of what a crate says about itself: they stay.
        """
        return cls(
            metadata=MetadataChange.from_record(record),
            native=record.native,
            kind=record.kind,
            crate_parts=record.crate_parts,
            files=FileChanges.replacing_with(record.files),
            relations=tuple(record.relations),
            access=record.access,
            parent_ark=parent_ark,
            archive_blob_key=record.archive_blob_key,
            archive_layout=record.archive_layout,
        )

    @property
    def touches_documents(self) -> bool:
        """Whether the metadata or native document changes (search index, revision history)."""
        return self.metadata is not UNCHANGED or self.native is not UNCHANGED
