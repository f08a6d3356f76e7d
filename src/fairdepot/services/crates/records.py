"""From a crate plan plus stored files to the records that will be written (no I/O here)."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, replace
from typing import Any

from fairdepot.core.crates.archive_layout import ArchiveLayout
from fairdepot.core.crates.parts import CrateParts
from fairdepot.core.crates.plan import CratePlan, EntityPlan
from fairdepot.core.errors import PermissionDenied
from fairdepot.core.links import download_link
from fairdepot.core.metadata.contexts import CANONICAL_CONTEXT
from fairdepot.core.policy import Action, Actor, CreateRequest, allows
from fairdepot.core.records import (
    Access,
    Face,
    PublicationStatus,
    Record,
    RecordFile,
    summarise,
)
from fairdepot.core.relations import extract_relations


@dataclass(frozen=True)
class StoredFile:
    path: str
    blob_key: str
    size: int
    sha256: str
    md5: str


def fairscape_access(
    owner_id: str,
    owner_group: str | None,
    publication: PublicationStatus = PublicationStatus.DRAFT,
) -> Access:
    """What the FAIRSCAPE face gives a new record: metadata public at once (as on the
    reference server), files for the owner and the owner's group until published."""
    return Access(
        owner_id=owner_id, owner_group=owner_group, metadata_public=True, publication=publication
    )


def first_group(groups: list[str] | None) -> str | None:
    """The reference server's owner group: the user's first group."""
    return groups[0] if groups else None


def fairscape_owner_group(actor: Actor, groups: list[str] | None) -> str | None:
    """The owner group of what a FAIRSCAPE client creates (the user's first group), once the
    policy has let the actor create for it. Kept client ARKs are not pre-set identifiers in the
    policy's sense: who holds each is checked against the existing records instead."""
    group = first_group(groups)
    if not allows(actor, Action.CREATE, CreateRequest(owner_group=group)):
        raise PermissionDenied("you may not create records for this owner group")
    return group


def media_type_for(path: str) -> str:
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def crate_context(plan: CratePlan) -> Any:
    """FAIRSCAPE crates get the canonical context (it defines prov:, evi:); others keep theirs."""
    if _is_fairscape_context(plan.context):
        return CANONICAL_CONTEXT
    return plan.context


def _is_fairscape_context(context: Any) -> bool:
    return (
        isinstance(context, dict)
        and context.get("@vocab") in ("https://schema.org/", "http://schema.org/")
        and "EVI" in context
    )


def describe_file(metadata: dict[str, Any], stored: StoredFile, url: str, fairscape: bool) -> None:
    """Put what we measured on the way in into the entity's metadata (checksums, size, type).

    `url` is a host-free link (core.links): faces render it with their public URL."""
    media_type = metadata.get("encodingFormat") or media_type_for(stored.path)
    if fairscape:
        declared = metadata.get("format")
        if not isinstance(declared, str) or "/" not in declared:
            metadata["format"] = media_type_for(stored.path)
        media_type = metadata.get("encodingFormat") or metadata["format"]
    metadata["encodingFormat"] = media_type
    metadata["contentUrl"] = url
    metadata["contentSize"] = str(stored.size)
    metadata["sha256"] = stored.sha256
    metadata["md5"] = stored.md5


def build_crate_records(
    plan: CratePlan,
    stored: dict[str, StoredFile],
    *,
    owner_id: str,
    owner_group: str | None,
    fairscape: bool,
    archive_layout: ArchiveLayout | None,
    arrival: CrateParts,
) -> tuple[Record, list[Record]]:
    """The crate's root record and its members' records; `arrival` says how the crate came."""
    context = crate_context(plan)

    def record(entity: EntityPlan, files: list[StoredFile], is_root: bool) -> Record:
        metadata = dict(entity.metadata)
        if entity.file_path is not None and entity.file_path in stored:
            describe_file(
                metadata,
                stored[entity.file_path],
                download_link(entity.kind, entity.ark),
                fairscape,
            )
        metadata["@context"] = context
        summary = summarise(metadata)
        return Record(
            ark=entity.ark,
            kind=entity.kind,
            face=Face.FAIRSCAPE,
            metadata=metadata,
            access=fairscape_access(owner_id, owner_group),
            types=entity.types,
            name=summary.name or entity.file_path,
            description=summary.description,
            keywords=summary.keywords,
            relations=extract_relations(metadata),
            files=[record_file(f) for f in files],
            archive_layout=archive_layout if is_root else None,
            crate_parts=CrateParts(original_id=entity.original_id if entity.minted else None),
        )

    members = []
    for entity in plan.members:
        files = []
        if entity.file_path is not None and entity.file_path in stored:
            files = [stored[entity.file_path]]
        elif entity.folder_path is not None:
            files = [f for p, f in stored.items() if p.startswith(entity.folder_path)]
        members.append(record(entity, files, False))
    root = record(plan.root, list(stored.values()), True)
    root.crate_parts = replace(
        arrival,
        original_id=root.crate_parts.original_id,
        descriptor=plan.descriptor,
        contextual=tuple(plan.contextual),
        content_summary=content_summary(members),
    )
    return root, members


_SUMMARY_GROUPS = {
    "Dataset": "datasets",
    "Software": "software",
    "Computation": "computations",
    "Schema": "schemas",
    "Sample": "samples",
    "MLModel": "mlModels",
    "ROCrate": "rocrates",
}


def summary_group(kind: str) -> str:
    """The FAIRSCAPE summary bucket a record kind is counted in."""
    return _SUMMARY_GROUPS.get(kind, "other")


def content_summary(members: list[Record]) -> dict[str, int]:
    counts = dict.fromkeys([*_SUMMARY_GROUPS.values(), "other"], 0)
    for member in members:
        counts[summary_group(member.kind)] += 1
    counts["total"] = len(members)
    return counts


def record_file(stored: StoredFile) -> RecordFile:
    """The catalogue's description of a file we stored."""
    return RecordFile(
        path=stored.path,
        size=stored.size,
        sha256=stored.sha256,
        md5=stored.md5,
        media_type=media_type_for(stored.path),
        blob_key=stored.blob_key,
    )
