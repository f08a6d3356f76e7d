"""Croissant `distribution`: which crate entities are files, and how each becomes a FileObject.

Croissant describes data, so FAIRSCAPE Software, Computations, Schemas and nested crates are
left out (as fairscape-models does), and so is code in plain crates. A plain RO-Crate `Dataset`
other than the root is a directory, not a file, and is left out unless it has its own
`contentUrl`.
"""

from __future__ import annotations

import re
from typing import Any, Final
from urllib.parse import unquote, urlsplit

from fairdepot.core.crates.graph import (
    CrateGraph,
    JsonObject,
    as_list,
    distinct_local_ids,
    local_type_names,
    ref_id,
    text,
)

_NOT_DATA: Final = frozenset(
    {
        "Software",
        "SoftwareSourceCode",
        "SoftwareApplication",
        "ComputationalWorkflow",
        "Computation",
        "Activity",
        "CreateAction",
        "Schema",
        "ROCrate",
        "MLModel",
    }
)
_FILE_TYPES: Final = frozenset({"File", "MediaObject"})

#: fairscape-models' `format` table, with TSV corrected to its registered type (the one
#: mlcroissant reads) and the other formats mlcroissant knows added.
_FORMAT_MEDIA_TYPES: Final = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/json",
    "jsonl": "application/jsonlines",
    "jsonlines": "application/jsonlines",
    "parquet": "application/x-parquet",
    "txt": "text/plain",
    "text": "text/plain",
    "plain": "text/plain",
    "tar": "application/x-tar",
    "zip": "application/zip",
    "gz": "application/gzip",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "dcm": "image/dicom",
    "mp3": "audio/mpeg",
    "mp4": "video/mp4",
    "h5": "application/x-hdf5",
    "hdf5": "application/x-hdf5",
    "nxs": "application/x-hdf5",  # NeXus, as facilities write it today (HDF5; XML is rare)
    "nx5": "application/x-hdf5",
    "pdf": "application/pdf",
    "arff": "https://ml.cms.waikato.ac.nz/weka/arff.html",
}
_FALLBACK_MEDIA_TYPE: Final = "text/plain"
_MIME = re.compile(r"^[a-z0-9][\w.+-]*/[\w.+-]+$")
_MAX_SIZE_DIGITS: Final = 20  # beyond a zettabyte a size is not a size
_SIZE = re.compile(
    r"([0-9]{1,20}(?:\.[0-9]{1,6})?) ?((?:[KMGTPE]i?)?B|bytes?)?", re.ASCII | re.IGNORECASE
)


def file_objects(graph: CrateGraph) -> dict[str, JsonObject]:
    """One `cr:FileObject` per data file, keyed by the entity's crate `@id`, in graph order."""
    entities = [e for e in graph.entities if is_data_file(graph, e)]
    local_ids = distinct_local_ids((str(ref_id(e)) for e in entities), prefix="file-")
    return {str(ref_id(e)): file_object(e, local_ids[str(ref_id(e))]) for e in entities}


def is_data_file(graph: CrateGraph, entity: JsonObject) -> bool:
    """Whether the entity is a file whose bytes belong to the dataset."""
    if graph.is_descriptor_or_root(entity):
        return False
    types = local_type_names(entity)
    if types & _NOT_DATA:
        return False
    if "Dataset" in local_type_names(entity, evi_only=True) or types & _FILE_TYPES:
        return True
    return "Dataset" in types and content_url(entity) is not None


def file_object(entity: JsonObject, local_id: str) -> JsonObject:
    """The FileObject for one data file; checksums are copied, never computed here."""
    name = text(entity.get("name"))
    file_name = _file_name(entity)
    described: JsonObject = {
        "@id": local_id,
        "@type": "cr:FileObject",
        "name": name.replace(" ", "_") if name else file_name,
        "description": text(entity.get("description")),
        "contentUrl": content_url(entity),
        "encodingFormat": encoding_format(entity, file_name),
        "sha256": text(entity.get("sha256")),
        "md5": text(entity.get("md5")),
        "contentSize": _content_size(entity),
    }
    return {key: value for key, value in described.items() if value is not None}


def content_url(entity: JsonObject) -> str | None:
    """`contentUrl`; for a web-based data entity (an http(s) `@id`) the `@id` is the download,
    and once we have given it an ARK, the `url` that keeps its web address."""
    first = as_list(entity.get("contentUrl"))
    found = text(first[:1]) or ref_id(first[0] if first else None)
    if found:
        return found
    for candidate in (ref_id(entity), text(entity.get("url"))):
        if candidate and candidate.startswith(("http://", "https://")):
            return candidate
    return None


def media_type(value: str) -> str | None:
    """A `format`/`encodingFormat` value or file extension as a MIME type; None if unknown.

    Values containing `/` are already MIME types (or format URLs) and are kept, lower-cased,
    as fairscape-models does.
    """
    lowered = value.strip().lower()
    if "/" in lowered:
        return lowered
    lowered = lowered.lstrip(".")
    if lowered.startswith("git"):
        return "git+https"
    return _FORMAT_MEDIA_TYPES.get(lowered)


def encoding_format(entity: JsonObject, file_name: str | None) -> str:
    """The file's MIME type; Croissant requires one, so unknown formats fall back to text/plain.

    Candidates come from `encodingFormat` (RO-Crate) then `format` (FAIRSCAPE). A real MIME type
    wins over a format URL such as a PRONOM id; the file extension is the last resort.
    """
    candidates: list[str] = []
    for key in ("encodingFormat", "format", "fileFormat"):
        for item in as_list(entity.get(key)):
            if (found := text(item) or ref_id(item)) and (mapped := media_type(found)):
                candidates.append(mapped)
    preferred = [c for c in candidates if _MIME.match(c)] + candidates
    if preferred:
        return preferred[0]
    extension = file_name.rsplit(".", 1)[-1] if file_name and "." in file_name else None
    return (media_type(extension) if extension else None) or _FALLBACK_MEDIA_TYPE


def _file_name(entity: JsonObject) -> str | None:
    """The file's own name, from a path-like `@id` or `contentUrl` (not from an ARK)."""
    for candidate in (ref_id(entity), content_url(entity)):
        if not candidate or candidate.startswith("#") or "ark:" in candidate.lower():
            continue
        segment = unquote(urlsplit(candidate).path.rstrip("/").split("/")[-1])
        if segment:
            return segment
    return None


def _content_size(entity: JsonObject) -> str | None:
    """`contentSize` as Croissant text (a bare byte count gets an explicit `B` unit).

    Only a non-negative count, or a number with a unit (`3 MB`, `1.5 GiB`), can be read; any
    other value (`"²"`, a negative or 5,000-digit number, an object) is omitted, not guessed.
    """
    value: Any = entity.get("contentSize")
    if value is None:
        value = entity.get("size")
    first = as_list(value)[:1]
    item = first[0] if first else None
    if isinstance(item, float) and item.is_integer():
        item = int(item)
    if isinstance(item, int) and not isinstance(item, bool):
        return f"{item} B" if 0 <= item < 10**_MAX_SIZE_DIGITS else None
    found = text(item) if isinstance(item, str | dict) else None
    if found is None or not (match := _SIZE.fullmatch(found)):
        return None
    number, unit = match.groups()
    return f"{number} {unit or 'B'}"
