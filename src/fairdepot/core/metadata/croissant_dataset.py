"""A record that is one schema.org Dataset -> Croissant 1.0: the same document crates get.

A SciCat dataset (and any record whose JSON-LD is a single schema.org `Dataset` node, not a
crate) keeps its files inline, as `hasPart` (or `distribution`) MediaObjects with `contentUrl`,
checksums and size (core/crosswalks/scicat_parts.py). Its dataset-level fields are read by the
crate crosswalk itself (`croissant_document` over a graph holding only the root), so crates
and datasets map `name`, `license`, `author`... identically; only the FileObjects differ.

mlcroissant refuses a whole document for one FileObject without `contentUrl`, or without
`sha256`/`md5`, so a part lacking either is left out rather than described with a guess;
docs/crosswalks.md ("SciCat dataset -> Croissant") lists every field and what is left out.
The functions are pure; links to this server stay host-free (core.links) for the face to render.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from typing import Any, Final

from fairdepot.core import links
from fairdepot.core.crates.graph import (
    CrateGraph,
    JsonObject,
    as_list,
    distinct_local_ids,
    local_type_names,
    ref_id,
    text,
)
from fairdepot.core.metadata.croissant import croissant_document
from fairdepot.core.metadata.croissant_distribution import file_object
from fairdepot.core.records import RecordFile

#: schema.org types of a part that is one file (MediaObject and its file-like subtypes).
_FILE_TYPES: Final = frozenset(
    {"File", "MediaObject", "DataDownload", "AudioObject", "ImageObject", "TextObject"}
    | {"VideoObject"}
)
_PART_KEYS: Final = ("hasPart", "distribution")
_NOT_ROOT: Final = frozenset({"@context", *_PART_KEYS})


def is_dataset(metadata: Mapping[str, Any]) -> bool:
    """Whether a record's JSON-LD is a schema.org Dataset (a SciCat raw or derived dataset),
    not FAIRSCAPE's `EVI:Dataset` (one data file of a crate) nor a crate's root."""
    names = local_type_names(metadata)
    evi = local_type_names(metadata, evi_only=True)
    return "Dataset" in names - evi and "ROCrate" not in names


def dataset_to_croissant(
    dataset: Mapping[str, Any],
    files: Sequence[RecordFile] = (),
    *,
    local_folder: str | None = None,
) -> JsonObject:
    """The Croissant document of a schema.org Dataset whose files are its inline parts.

    `files`: the record's files every reader of it may download (services/file_access.py
    `for_listing`). A part linking to bytes held here (a host-free `contentUrl`) is described
    only if it is one of them, with their stored size and checksums: a file of a block some
    readers may not read stays out, as from the resolver's `distribution`. `local_folder`:
    where the keeper of the other files has them (a SciCat dataset's `sourceFolder`); a part
    without `contentUrl` is described under it, else left out. No `recordSet`: the parts
    describe files, not the records in them.
    """
    root = {key: value for key, value in dataset.items() if key not in _NOT_ROOT}
    root_id = ref_id(root) or "./"
    root["@id"] = root_id
    graph = CrateGraph(None, None, root, [], {}, {root_id: root})
    return croissant_document(graph, _file_objects(dataset, files, local_folder), None)


def _file_objects(
    dataset: Mapping[str, Any], files: Sequence[RecordFile], local_folder: str | None
) -> list[JsonObject]:
    downloadable = {f.path: f for f in files}
    entities: dict[str, JsonObject] = {}
    for key in _PART_KEYS:
        for part in as_list(dataset.get(key)):
            entity = _file_entity(part, downloadable, local_folder)
            if entity is not None:
                entities.setdefault(entity["@id"], entity)  # one file listed twice is one file
    local_ids = distinct_local_ids(entities, prefix="file-")
    return [file_object(entity, local_ids[path]) for path, entity in entities.items()]


def _file_entity(
    part: Any, downloadable: Mapping[str, RecordFile], local_folder: str | None
) -> JsonObject | None:
    """The part as a crate file entity (`@id` its path) that `file_object` describes, or
    None when it is no file, may not be given to every reader, or mlcroissant would refuse it
    (no location, no sha256 and no md5)."""
    if not isinstance(part, Mapping) or not local_type_names(part) & _FILE_TYPES:
        return None
    path = text(part.get("name")) or text(part.get("contentUrl"))
    if path is None:
        return None
    url = text(part.get("contentUrl"))
    entity: JsonObject = {
        "@id": path,
        "@type": "File",
        "name": path,
        "description": part.get("description"),
        "encodingFormat": part.get("encodingFormat"),
        "contentSize": part.get("contentSize"),
        "sha256": part.get("sha256"),
        "md5": part.get("md5"),
    }
    if url is not None and links.is_host_free(url):
        held = downloadable.get(path)
        if held is None:
            return None
        entity.update(sha256=held.sha256, md5=held.md5, contentSize=held.size)
    elif url is None:
        if local_folder is None:
            return None
        url = posixpath.join(local_folder, path)
    entity["contentUrl"] = url
    if text(entity["sha256"]) is None and text(entity["md5"]) is None:
        return None
    return {key: value for key, value in entity.items() if value is not None}
