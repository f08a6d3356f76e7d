"""A SciCat dataset's files as its JSON-LD's `hasPart` (docs/crosswalks.md, "SciCat
origdatablocks"): what a harvester of the dataset's ARK reads to find and fetch its files.

Each file listed by a block becomes a schema.org MediaObject: its path as `name`, its size,
time and checksum. A checksum's algorithm is the client's free text (`chkAlg`), so it never
becomes a predicate of its own (`EVI:blake2b 256` is no IRI and broke every RDF
serialisation): the algorithms crates carry map to the keys crates use (`sha256`, `md5`, as
the FAIRSCAPE and Croissant crosswalks read them), any other is a PropertyValue naming it.
A file whose bytes fairdepot holds gets a `contentUrl`, stored host-free (core.links) and
rendered with the public URL when served; a file only on the facility's file system has none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from fairdepot.core import links
from fairdepot.core.crosswalks.scicat_files import DATASET_KINDS, file_entries
from fairdepot.core.records import Face, Record, RecordFile

HAS_PART_FILES = 1000
"""The most files a dataset's JSON-LD lists in `hasPart` (docs/crosswalks.md): past it, one
entry points to the complete listing, so a dataset of 100k files resolves in bounded size and
a block write rewrites a bounded document."""

CHECKSUM_KEYS = {"sha256": "sha256", "sha2256": "sha256", "md5": "md5"}
"""`chkAlg` spellings (lower-cased, without `-`, `_` or spaces) → the key crates carry."""

_SPELLING = re.compile(r"[\s_-]+")


def checksum_entry(algorithm: object, checksum: str) -> tuple[str, Any]:
    """The key and value a file's checksum takes in its `hasPart` entry: `sha256`/`md5` for
    those algorithms, `EVI:checksum` (text) when no algorithm is named, else `EVI:checksum`
    as a PropertyValue whose `propertyID` is the algorithm as the client wrote it."""
    if not isinstance(algorithm, str) or not algorithm.strip():
        return "EVI:checksum", checksum
    known = CHECKSUM_KEYS.get(_SPELLING.sub("", algorithm.lower()))
    if known is not None:
        return known, checksum
    return "EVI:checksum", {"@type": "PropertyValue", "propertyID": algorithm, "value": checksum}


def facility_folder(record: Record) -> str | None:
    """Where the facility keeps a SciCat dataset's files that fairdepot does not hold: its
    `sourceFolder`, which the paths of its blocks' files are relative to (None for any other
    record). The Croissant view names those files by it (core/metadata/croissant_dataset.py)."""
    if record.face is not Face.SCICAT or record.kind not in DATASET_KINDS:
        return None
    folder = (record.native or {}).get("sourceFolder")
    return folder if isinstance(folder, str) and folder else None


def download_link(ark: str, path: str) -> str:
    """The host-free link of a held file: the FAIRSCAPE download route of the dataset's ARK
    with the file's path (the route every face's download of a held file goes through)."""
    return links.host_free(f"/api/download/{ark}?path={quote(path, safe='/')}")


def files_part(
    blocks: Sequence[dict[str, Any]],
    *,
    total: int | None = None,
    pid: str | None = None,
    ark: str | None = None,
    held: Mapping[str, RecordFile] | None = None,
) -> list[dict[str, Any]]:
    """The dataset's files as schema.org `hasPart` entries (name, size, checksum, time): the
    first `HAS_PART_FILES` of the blocks' files in order. `held`: the dataset's files whose
    bytes are here, by path; each of those gets a `contentUrl` under `ark` and the sha256/md5
    the server measured. `total`: how many files the readable blocks hold (default: those of
    `blocks`); when more than are listed, a last entry, a Collection, says how many more
    there are and where they are listed (the dataset's blocks on the SciCat face, `pid`)."""
    parts: list[dict[str, Any]] = []
    stored = held or {}
    for block in blocks:
        algorithm = block.get("chkAlg")
        for entry in file_entries(block):
            if len(parts) == HAS_PART_FILES:
                break
            parts.append(_file_part(entry, algorithm, stored.get(str(entry["path"])), ark))
    files = sum(len(file_entries(b)) for b in blocks) if total is None else total
    if files > len(parts):
        parts.append(more_files(files - len(parts), pid))
    return parts


def _file_part(
    entry: dict[str, Any], algorithm: object, held: RecordFile | None, ark: str | None
) -> dict[str, Any]:
    part: dict[str, Any] = {
        "@type": "MediaObject",
        "name": entry["path"],
        "contentSize": f"{entry['size']} B",
    }
    if entry.get("time"):
        part["dateModified"] = entry["time"]
    if entry.get("chk"):
        key, value = checksum_entry(algorithm, str(entry["chk"]))
        part[key] = value
    if held is not None and held.blob_key is not None and ark:
        part["contentUrl"] = download_link(ark, held.path)
        # measured on the way in: the client's chk stays beside them when its algorithm differs
        for key, measured in (("sha256", held.sha256), ("md5", held.md5)):
            if measured:
                part[key] = measured
    return part


def more_files(count: int, pid: str | None) -> dict[str, Any]:
    """The `hasPart` entry standing for the files past `HAS_PART_FILES`; its `url`, the
    dataset's blocks, is host-free and rendered absolute when served."""
    entry: dict[str, Any] = {
        "@type": "Collection",
        "name": f"{count} more files",
        "EVI:numberOfFiles": count,
    }
    if pid:
        entry["url"] = links.host_free(f"/api/v3/datasets/{quote(pid, safe='')}/origdatablocks")
    return entry
