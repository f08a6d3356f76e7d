"""What a catalogued record is, independent of the face that created it.

A record is one catalogued thing (an RO-Crate, a dataset, a software, a computation, a SciCat
dataset, a gCat item...). Every record has an ARK; its canonical metadata is JSON-LD from which
every other view (Turtle, Croissant, SciCat, CKAN) is derived, and the face-native document is
kept losslessly beside it so that clients read back exactly what they wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from fairdepot.core.crates.archive_layout import ArchiveLayout
from fairdepot.core.crates.parts import CrateParts
from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.metadata.contexts import inline_contexts


class Face(StrEnum):
    """The API a record was created through; it decides the record's native document shape."""

    FAIRSCAPE = "fairscape"
    SCICAT = "scicat"
    GCAT = "gcat"


class PublicationStatus(StrEnum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    EMBARGOED = "EMBARGOED"
    ARCHIVED = "ARCHIVED"


class RecordState(StrEnum):
    """Where a record is in its life: listed, in the trash (restorable), or a tombstone.

    A trashed record still holds its ARK and other identifiers; a deleted one (purged) keeps
    only its ARK, answered 410 for ever, and its other identifiers are free again.
    """

    ACTIVE = "active"
    TRASHED = "trashed"
    DELETED = "deleted"


class Visibility(StrEnum):
    """Whether a record is in plain view, as the policy needs to know it.

    The record lifecycle (trash, moderation) maps its states onto this; everything else about
    those states is the lifecycle's business, not the policy's.
    """

    NORMAL = "normal"
    TRASHED = "trashed"
    """Seen (in the trash view and through its identifiers) only by those who may delete it."""
    AWAITING_MODERATION = "awaiting_moderation"
    """Pending or rejected in a moderated organization: its author and Moderators only."""


class ModerationState(StrEnum):
    """Moderation of a record in a moderated organization; NONE where nobody moderates."""

    NONE = "none"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def awaits_approval(self) -> bool:
        """Pending and rejected records are seen by their author and the moderators only."""
        return self in AWAITING_APPROVAL


AWAITING_APPROVAL = frozenset({ModerationState.PENDING, ModerationState.REJECTED})


@dataclass(frozen=True)
class Moderation:
    """A record's moderation state and the last decision: its message, who took it, when."""

    state: ModerationState = ModerationState.NONE
    message: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None


class IdentifierScheme(StrEnum):
    """Identifiers other than the ARK that also find a record (one record per scheme and value)."""

    SCICAT_PID = "pid"  # SciCat `PREFIX/uuid`
    GCAT_NAME = "name"  # gCat item name (slug)
    GCAT_ID = "id"  # gCat item id (uuid)
    CRATE_ID = "crate_id"  # the crate's own `@id`, as the client wrote it
    SCICAT_PROPOSAL_ID = "proposalId"  # a SciCat proposal's id (chosen by the facility)
    SCICAT_SAMPLE_ID = "sampleId"  # a SciCat sample's id (uuid4 unless the client gives one)
    SCICAT_INSTRUMENT_PID = "instrument-pid"  # a SciCat instrument's pid (uuid4)
    SCICAT_DOI = "doi"  # a SciCat PublishedData's doi (made by the server)


@dataclass
class Access:
    """Who may see and change a record; read by core.policy, never interpreted elsewhere."""

    owner_id: str | None
    owner_group: str | None = None
    access_groups: list[str] = field(default_factory=list)
    metadata_public: bool = False
    group_write: bool = False
    publication: PublicationStatus = PublicationStatus.DRAFT
    organization: str | None = None
    moderation: Moderation = field(default_factory=Moderation)
    trashed: bool = False

    @property
    def visibility(self) -> Visibility:
        """What the policy needs of the lifecycle and moderation states: trashed first, then
        awaiting approval (pending or rejected), else in plain view."""
        if self.trashed:
            return Visibility.TRASHED
        if self.moderation.state.awaits_approval:
            return Visibility.AWAITING_MODERATION
        return Visibility.NORMAL


@dataclass
class RecordFile:
    """One file of a record: where its bytes are and how to check them."""

    path: str
    size: int
    sha256: str | None = None
    md5: str | None = None
    media_type: str | None = None
    blob_key: str | None = None
    external_url: str | None = None
    client_checksum: str | None = None
    client_checksum_alg: str | None = None


@dataclass(frozen=True)
class Relation:
    """A typed link from a record to another identifier (an ARK key or any IRI)."""

    predicate: str
    target: str


@dataclass
class Record:
    ark: str
    kind: str
    face: Face
    metadata: dict[str, Any]
    access: Access
    types: list[str] = field(default_factory=list)
    name: str | None = None
    description: str | None = None
    keywords: list[str] = field(default_factory=list)
    native: dict[str, Any] | None = None
    identifiers: dict[str, str] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    files: list[RecordFile] = field(default_factory=list)
    crate_parts: CrateParts = field(default_factory=CrateParts)  # what it keeps of its crate
    parent_ark: str | None = None
    archive_blob_key: str | None = None  # a crate's uploaded zip, kept (crates before 0009)
    archive_layout: ArchiveLayout | None = None  # a crate's zip, rebuilt from its files
    revision: int = 1
    state: RecordState = RecordState.ACTIVE
    created_at: datetime | None = None
    updated_at: datetime | None = None
    owner_username: str | None = None
    owner_email: str | None = None


@dataclass(frozen=True)
class Summary:
    """The few fields every listing, search index and face needs, read from JSON-LD metadata."""

    name: str | None
    description: str | None
    keywords: list[str]
    types: list[str]


def summarise(metadata: dict[str, Any]) -> Summary:
    """Read name, description, keywords and @type, tolerating the shapes crates use.

    Keywords may be a list or one comma-separated string (RO-Crate allows both).
    """
    name, description = metadata.get("name"), metadata.get("description")
    keywords = metadata.get("keywords")
    if isinstance(keywords, str):
        keywords = [k.strip() for k in keywords.split(",") if k.strip()]
    types = metadata.get("@type", [])
    return Summary(
        name=name if isinstance(name, str) and name.strip() else None,
        description=description if isinstance(description, str) else None,
        keywords=[k for k in keywords if isinstance(k, str)] if isinstance(keywords, list) else [],
        types=[types]
        if isinstance(types, str)
        else [t for t in types if isinstance(t, str)]
        if isinstance(types, list)
        else [],
    )


def check_metadata(metadata: dict[str, Any]) -> None:
    """Refuse metadata whose common properties have the wrong shape, or whose context we lack.

    Only what every face relies on is checked: @type, name, description, keywords, and that
    any @context is one we bundle (we never fetch one, so RDF could not be produced later).
    """
    problems = []
    types = metadata.get("@type")
    if "@type" in metadata and not (
        (isinstance(types, str) and types)
        or (isinstance(types, list) and types and all(isinstance(t, str) for t in types))
    ):
        problems.append(Problem("must be a type name or a list of them", "@type"))
    for key in ("name", "description"):
        if key in metadata and not isinstance(metadata[key], str):
            problems.append(Problem("must be text", key))
    keywords = metadata.get("keywords")
    if (
        keywords is not None
        and not isinstance(keywords, str)
        and not (isinstance(keywords, list) and all(isinstance(k, str) for k in keywords))
    ):
        problems.append(Problem("must be text or a list of texts", "keywords"))
    if problems:
        raise InvalidInput("the metadata is malformed", problems=problems)
    if "@context" in metadata:
        inline_contexts({"@context": metadata["@context"]})
