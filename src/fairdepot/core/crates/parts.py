"""What a record keeps about the crate it came from, beyond its own metadata.

A crate's root record keeps the parts of the crate that are no record of their own (the
metadata descriptor, the contextual entities with global IRIs), the counts of its members, and
how it arrived (the upload's file name and job, or a file-less registration). A member whose
ARK was minted keeps the `@id` it had in the crate. All of it is stored as one JSON object in
the `records.extra` column under the camelCase keys written since 0001, so no migration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class CrateParts:
    source_filename: str | None = None  # the uploaded zip's name: downloads are named after it
    job_id: str | None = None  # the ingest job that wrote the crate
    metadata_only: bool = False  # registered without files (POST /rocrate/metadata)
    original_id: str | None = None  # the entity's `@id` in the uploaded crate, if minted over
    descriptor: JsonObject | None = None  # the crate's metadata descriptor, ARKs rewritten
    contextual: tuple[JsonObject, ...] = field(default_factory=tuple)  # ORCIDs, licences...
    content_summary: JsonObject | None = None  # members counted per kind

    def to_json(self) -> JsonObject:
        """The stored object: only the parts that are set, under their stored keys."""
        stored: JsonObject = {}
        if self.original_id is not None:
            stored["originalId"] = self.original_id
        if self.source_filename is not None:
            stored["sourceFilename"] = self.source_filename
        if self.job_id is not None:
            stored["jobId"] = self.job_id
        if self.metadata_only:
            stored["metadataOnly"] = True
        if self.descriptor is not None:
            stored["descriptor"] = self.descriptor
        if self.contextual:
            stored["contextual"] = list(self.contextual)
        if self.content_summary is not None:
            stored["contentSummary"] = self.content_summary
        return stored

    @classmethod
    def from_json(cls, stored: Any) -> CrateParts:
        """Read the stored object back; a part of the wrong type reads as absent."""
        if not isinstance(stored, Mapping):
            return cls()

        def text(key: str) -> str | None:
            value = stored.get(key)
            return value if isinstance(value, str) else None

        def obj(key: str) -> JsonObject | None:
            value = stored.get(key)
            return value if isinstance(value, dict) else None

        contextual = stored.get("contextual")
        return cls(
            source_filename=text("sourceFilename"),
            job_id=text("jobId"),
            metadata_only=stored.get("metadataOnly") is True,
            original_id=text("originalId"),
            descriptor=obj("descriptor"),
            contextual=tuple(e for e in contextual if isinstance(e, dict))
            if isinstance(contextual, list)
            else (),
            content_summary=obj("contentSummary"),
        )
