"""The FAIRSCAPE face's response shapes, built from records and jobs."""

from __future__ import annotations

from typing import Any

from fairdepot.core import links
from fairdepot.core.crosswalks.scicat_parts import facility_folder
from fairdepot.core.jobs import Job
from fairdepot.core.metadata.contexts import CANONICAL_CONTEXT
from fairdepot.core.metadata.croissant_dataset import dataset_to_croissant, is_dataset
from fairdepot.core.policy import Action, Actor, allows
from fairdepot.core.records import Record
from fairdepot.core.timestamps import isoformat_z
from fairdepot.services.crates.records import summary_group

iso = isoformat_z


def metadata_document(record: Record, base_url: str) -> dict[str, Any]:
    """The record's JSON-LD, always with an @context and its ARK as @id, its links to this
    server rendered with `base_url` (stored metadata holds none: core.links)."""
    document = dict(record.metadata)
    document["@id"] = record.ark
    document.setdefault("@context", CANONICAL_CONTEXT)
    rendered: dict[str, Any] = links.render(document, base_url)
    return rendered


def has_dataset_croissant(record: Record) -> bool:
    """Whether the record has a Croissant view of its own: its JSON-LD is one schema.org
    Dataset (a SciCat dataset). A crate has one too, built from its members (rocrate.py)."""
    return record.kind != "ROCrate" and is_dataset(record.metadata)


def dataset_croissant(record: Record, base_url: str) -> dict[str, Any]:
    """The Croissant of a record that `has_dataset_croissant`, links rendered with
    `base_url`: its files those `record` holds (the resolver's, every reader's, listing), a
    SciCat dataset's other files under its sourceFolder."""
    document = {**record.metadata, "@id": record.ark}
    built = dataset_to_croissant(document, record.files, local_folder=facility_folder(record))
    rendered: dict[str, Any] = links.render(built, base_url)
    return rendered


def resolver_wrapper(record: Record, actor: Actor, base_url: str) -> dict[str, Any]:
    """`{"@id", "@type", "metadata", ...}` as the FAIRSCAPE resolver answers."""
    body: dict[str, Any] = {
        "@id": record.ark,
        "@type": record.types if len(record.types) != 1 else record.types[0],
        "metadata": metadata_document(record, base_url),
        "publicationStatus": record.access.publication.value,
        "dateCreated": iso(record.created_at),
        "dateModified": iso(record.updated_at),
        "isPartOf": [{"@id": record.parent_ark}] if record.parent_ark else None,
        "revision": record.revision,
        "distribution": distribution(record, base_url),
    }
    if record.kind == "ROCrate":
        body["contentSummary"] = record.crate_parts.content_summary
    if allows(actor, Action.READ_FILES, record.access):
        # The owner's e-mail is not published to everyone who may read the metadata.
        body["permissions"] = {"owner": record.owner_email, "group": record.access.owner_group}
    return body


def distribution(record: Record, base_url: str) -> dict[str, Any] | None:
    if record.archive_layout or record.archive_blob_key:
        return {"distributionType": "archive", "files": len(record.files)}
    if len(record.files) == 1:
        f = record.files[0]
        return {
            "distributionType": "file",
            "location": {"path": f.path},
            "size": f.size,
            "sha256": f.sha256,
            "md5": f.md5,
            "encodingFormat": f.media_type,
        }
    if record.files:
        return {
            "distributionType": "files",
            "files": [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in record.files],
        }
    url = record.metadata.get("contentUrl")
    if isinstance(url, str):
        url = links.render_link(url, base_url)
    if isinstance(url, str) and url.startswith(("http://", "https://", "ftp://")):
        return {"distributionType": "url", "location": {"uri": url}}
    return None


def job_document(job: Job, owner_email: str | None) -> dict[str, Any]:
    """A superset of the reference job document and the documented one (see docs)."""
    result = job.result or {}
    error = job.error or {}
    message = _error_text(error) if job.state == "FAILED" else None
    crate = result.get("rocrateIdentifier")
    return {
        "guid": job.id,
        "transactionFolder": job.id,
        "status": job.state,
        "stage": job.stage,
        "completed": job.state in ("COMPLETE", "FAILED"),
        "success": job.state == "COMPLETE",
        "error": message,
        "errors": error.get("problems") if isinstance(error, dict) else None,
        "rocrateIdentifier": crate,
        "rocrateGUID": crate,
        "rocrate_id": crate,
        "identifiersMinted": result.get("identifiersMinted"),
        "identifiers": result.get("identifiers"),
        "permissions": {"owner": owner_email, "group": (job.payload or {}).get("ownerGroup")},
        "uploadPath": (job.payload or {}).get("filename"),
        "time_created": iso(job.created_at),
        "timeStarted": iso(job.started_at or job.created_at),
        "timeFinished": iso(job.finished_at),
        "attempts": job.attempts,
        "retries": job.retries,
    }


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        problems = error.get("problems") or []
        lines = [
            f"{p['location']}: {p['message']}" if p.get("location") else p["message"]
            for p in problems
        ]
        return "; ".join(lines) or str(error.get("message") or "failed")
    return str(error)


def crate_document(crate: Record, members: list[Record], base_url: str) -> dict[str, Any]:
    """The whole crate as RO-Crate JSON-LD, with every member's current metadata, links
    rendered with `base_url`."""
    context = crate.metadata.get("@context", CANONICAL_CONTEXT)
    descriptor = dict(
        crate.crate_parts.descriptor
        or {
            "@id": "ro-crate-metadata.json",
            "@type": "CreativeWork",
            "conformsTo": {"@id": "https://w3id.org/ro/crate/1.2"},
        }
    )
    descriptor["about"] = {"@id": crate.ark}
    graph = [descriptor, _strip(metadata_document(crate, base_url))]
    graph += [_strip(metadata_document(m, base_url)) for m in members]
    graph += links.render(list(crate.crate_parts.contextual), base_url)
    return {"@context": context, "@graph": graph}


def _strip(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "@context"}


def crate_summary(crate: Record, members: list[Record], limit: int, offset: int) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = {
        g: []
        for g in (
            "datasets",
            "software",
            "computations",
            "schemas",
            "samples",
            "mlModels",
            "rocrates",
            "other",
        )
    }
    counts = dict.fromkeys(groups, 0)
    for member in members:
        group = summary_group(member.kind)
        counts[group] += 1
        groups[group].append(
            {
                "@id": member.ark,
                "name": member.name,
                "@type": member.types[-1] if member.types else member.kind,
            }
        )
    page = {g: items[offset : offset + limit] for g, items in groups.items()}
    return {
        **page,
        "counts": {**counts, "total": len(members)},
        "generatedAt": iso(crate.updated_at),
        "summaryAvailable": True,
        "pagination": {"offset": offset, "limit": limit},
    }
