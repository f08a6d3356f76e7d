"""A stored record as services hold it between a read and a write of one unit of work.

Services find a record, check it, and hand it back to the repository to load, update or
delete; most of them need a few of its stored facts on the way (its ARK, kind, lifecycle
state, revision, documents), not the whole `Record` with files and relations. The
repository's own row type is storage's business (issue 7, "Boundaries"): services and faces
see this read-only view of it instead, and only the repository that gave a handle takes it
back. A handle is live: after `RecordStore.update` it shows the new revision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol


class RecordHandle(Protocol):
    """What a service may read of a stored record without loading it whole."""

    @property
    def pk(self) -> int:
        """The repository's key of the record: compared and handed back, never interpreted."""

    @property
    def parent_pk(self) -> int | None:
        """The `pk` of the crate (or dataset) the record is a member of, if any."""

    @property
    def ark(self) -> str: ...

    @property
    def ark_key(self) -> str:
        """The ARK normalised (`core.ark.normalise`): how records are compared and found."""

    @property
    def kind(self) -> str: ...

    @property
    def face(self) -> str: ...

    @property
    def state(self) -> str:
        """The `RecordState` value: active, trashed or deleted."""

    @property
    def revision(self) -> int: ...

    @property
    def name(self) -> str | None: ...

    @property
    def description(self) -> str | None: ...

    @property
    def keywords(self) -> list[str]: ...

    @property
    def types(self) -> list[str]: ...

    @property
    def metadata_doc(self) -> dict[str, Any]:
        """The record's JSON-LD metadata as stored."""

    @property
    def native_doc(self) -> dict[str, Any] | None:
        """The face-native document as stored (a SciCat dataset's, for example)."""

    @property
    def owner_group(self) -> str | None: ...

    @property
    def organization(self) -> str | None: ...

    @property
    def trashed_at(self) -> datetime | None: ...

    @property
    def deleted_at(self) -> datetime | None: ...

    @property
    def tombstone(self) -> dict[str, Any] | None:
        """What a deleted record keeps (its ARK, kind, name, and why it went)."""
