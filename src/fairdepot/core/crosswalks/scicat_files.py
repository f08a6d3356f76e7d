"""SciCat origdatablocks and attachments ↔ records (docs/api-scicat.md).

A SciCat dataset's files and attachments are objects of their own in SciCat, each with its own
access fields (`ownerGroup`, `accessGroups`, `isPublished`), so each is a record of its own
here: a *child* record of the dataset's record (`parent_ark`), with its own ARK, its body kept
losslessly as the native document and its access read by the core policy like any record's.
The dataset record is then the one thing a reader of the catalogue finds: its JSON-LD lists
the files (`hasPart`, built in `scicat_parts`) and its
`size`/`numberOfFiles` are the sums over its blocks (summed in SQL by the storage), as the
real backend recomputes them.

Everything here is pure: checking bodies (SciCat's messages, with where), building records.
"""

from __future__ import annotations

import base64
import binascii
import copy
import re
from collections.abc import Sequence
from typing import Any

from fairdepot.core.crosswalks.scicat import access_of  # a child's own fields, as a dataset's
from fairdepot.core.crosswalks.scicat_fields import MAX_COUNT, ApiVersion
from fairdepot.core.document_values import parse_timestamp
from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.records import Face, PublicationStatus, Record
from fairdepot.core.timestamps import format_time

ORIGDATABLOCK = "scicat-origdatablock"
ATTACHMENT = "scicat-attachment"
"""Record kinds of the dataset's children (a dataset's kind is its `type`: raw or derived)."""

DATASET_KINDS = ("raw", "derived")

_ACCESS_FIELDS = {"ownerGroup", "accessGroups", "instrumentGroup", "isPublished"}
_BLOCK_FIELDS = {"datasetId", "dataFileList", "size", "chkAlg", *_ACCESS_FIELDS}
_FILE_FIELDS = {"path", "size", "time", "chk", "uid", "gid", "perm", "type", "metadata"}
"""A file entry's fields (scicat-sdk-py's DataFile adds `type` and `metadata`)."""
_ATTACHMENT_FIELDS = {
    "aid",
    "caption",
    "thumbnail",
    "relationships",
    "datasetId",
    *_ACCESS_FIELDS,
}
_RELATIONSHIP_FIELDS = {"targetId", "targetType", "relationType"}
TARGET_TYPES = ("dataset", "sample", "proposal", "instrument")
MAX_FILES_PER_BLOCK = 100_000
MAX_THUMBNAIL_BYTES = 16 * 1024 * 1024

_DATA_URL = re.compile(
    r"^data:(?P<type>[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+)?"
    r"(?P<params>(?:;[a-z0-9!#$&^_.+-]+=[^;,]*)*)(?P<b64>;base64)?,(?P<data>.*)$",
    re.IGNORECASE | re.DOTALL,
)


def _invalid(problems: list[Problem], what: str) -> InvalidInput:
    return InvalidInput(f"the {what} is not valid", problems=problems)


def _text(value: object, name: str, problems: list[Problem], *, required: bool = False) -> None:
    if value is None:
        if required:
            problems.append(Problem(f"{name} must be a string", name))
    elif not isinstance(value, str):
        problems.append(Problem(f"{name} must be a string", name))


def _count(value: object, name: str, problems: list[Problem]) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(Problem(f"{name} must be an integer number", name))
    elif value < 0:
        problems.append(Problem(f"{name} must not be less than 0", name))
    elif value > MAX_COUNT:  # a 64-bit column holds no more
        problems.append(Problem(f"{name} must not be greater than {MAX_COUNT}", name))


def _access_fields(body: dict[str, Any], problems: list[Problem]) -> None:
    _text(body.get("ownerGroup"), "ownerGroup", problems)
    _text(body.get("instrumentGroup"), "instrumentGroup", problems)
    groups = body.get("accessGroups")
    if groups is not None and not (
        isinstance(groups, list) and all(isinstance(g, str) for g in groups)
    ):
        problems.append(Problem("each value in accessGroups must be a string", "accessGroups"))
    if "isPublished" in body and not isinstance(body["isPublished"], bool):
        problems.append(Problem("isPublished must be a boolean value", "isPublished"))


def _object(body: object, what: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise InvalidInput(
            f"an {what} is a JSON object", problems=[Problem("must be an object", "body")]
        )
    return body


def _unknown(
    body: dict[str, Any], allowed: set[str], problems: list[Problem], at: str = ""
) -> None:
    for key in body:
        if key not in allowed:
            problems.append(Problem(f"property {str(key)[:80]} should not exist", f"{at}{key}"))


def _utc_time(value: object) -> str | None:
    """A file's `time` as the backend gives its Date back (UTC, milliseconds, `Z`; a time
    without a zone is UTC), or None when it is not an ISO 8601 date or timestamp. Stored in
    this form, so every reader sees one spelling and the value index compares it as a time."""
    instant = parse_timestamp(value) if isinstance(value, str) else None
    return None if instant is None else format_time(instant)


def validate_origdatablock(body: object, version: ApiVersion) -> dict[str, Any]:
    """A checked origdatablock body (a copy): v4 names its dataset in `datasetId`, v3 in the
    URL. `chkAlg` may arrive as a number (pyscicat types it `int`): kept as its text, since
    the backend's field is a string and readers compare it as one."""
    data = _object(body, "origdatablock")
    problems: list[Problem] = []
    allowed = _BLOCK_FIELDS if version is ApiVersion.V4 else _BLOCK_FIELDS | {"datasetId"}
    _unknown(data, allowed, problems)
    block = copy.deepcopy(data)
    if version is ApiVersion.V4:
        _text(block.get("datasetId"), "datasetId", problems, required=True)
    _count(block.get("size"), "size", problems)
    chk = block.get("chkAlg")
    if isinstance(chk, int) and not isinstance(chk, bool):
        block["chkAlg"] = str(chk)
    else:
        _text(chk, "chkAlg", problems)
    _access_fields(block, problems)
    files = block.get("dataFileList")
    if not isinstance(files, list):
        problems.append(Problem("dataFileList must be an array", "dataFileList"))
    elif len(files) > MAX_FILES_PER_BLOCK:
        problems.append(
            Problem(f"dataFileList holds at most {MAX_FILES_PER_BLOCK} files", "dataFileList")
        )
    else:
        seen: set[str] = set()
        for i, entry in enumerate(files):
            at = f"dataFileList[{i}]"
            if not isinstance(entry, dict):
                problems.append(Problem(f"{at} must be an object", at))
                continue
            _unknown(entry, _FILE_FIELDS, problems, f"{at}.")
            path = entry.get("path")
            if not isinstance(path, str) or not path:
                problems.append(Problem(f"{at}.path must be a non-empty string", f"{at}.path"))
            elif path in seen:
                problems.append(Problem(f"{at}.path {path[:200]!r} is listed twice", f"{at}.path"))
            else:
                seen.add(path)
            _count(entry.get("size"), f"{at}.size", problems)
            time = _utc_time(entry.get("time"))
            if time is None:
                problems.append(
                    Problem(f"{at}.time must be a valid ISO 8601 date string", f"{at}.time")
                )
            else:
                entry["time"] = time
            for key in ("chk", "uid", "gid", "perm", "type"):
                _text(entry.get(key), f"{at}.{key}", problems)
            if entry.get("metadata") is not None and not isinstance(entry["metadata"], dict):
                problems.append(Problem(f"{at}.metadata must be an object", f"{at}.metadata"))
    if problems:
        raise _invalid(problems, "origdatablock")
    return block


def check_data_url(value: str, location: str = "thumbnail") -> None:
    """Refuse a thumbnail that is not a data URL whose payload decodes (`data:<type>;base64,
    <payload>`; the plain form's percent-encoded text is accepted too): a broken one would be
    stored and then break every client that renders it."""
    match = _DATA_URL.match(value)
    if match is None:
        raise _invalid(
            [Problem("thumbnail must be a data URL (data:<type>;base64,...)", location)],
            "attachment",
        )
    if len(value) > MAX_THUMBNAIL_BYTES:
        raise _invalid(
            [Problem(f"thumbnail is larger than {MAX_THUMBNAIL_BYTES} bytes", location)],
            "attachment",
        )
    if match.group("b64"):
        payload = re.sub(r"\s", "", match.group("data"))
        try:
            base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise _invalid(
                [Problem("thumbnail's base64 payload does not decode", location)], "attachment"
            ) from None


def validate_attachment(body: object, version: ApiVersion) -> dict[str, Any]:
    """A checked attachment body (a copy). v4 names its targets in `relationships`; v3 in the
    URL (`datasetId` in the body may be a placeholder: the route replaces it)."""
    data = _object(body, "attachment")
    problems: list[Problem] = []
    _unknown(data, _ATTACHMENT_FIELDS, problems)
    attachment = copy.deepcopy(data)
    _text(attachment.get("ownerGroup"), "ownerGroup", problems, required=version is ApiVersion.V4)
    _text(attachment.get("caption"), "caption", problems)
    _text(attachment.get("aid"), "aid", problems)
    _text(attachment.get("datasetId"), "datasetId", problems)
    _access_fields(attachment, problems)
    if attachment.get("caption") is None:
        # the schema's default; the backend keeps a null sent, which the SDK's output model
        # (caption: a string, required) then refuses for every reader of a page holding it
        attachment["caption"] = ""
    thumbnail = attachment.get("thumbnail")
    _text(thumbnail, "thumbnail", problems)
    relationships = attachment.get("relationships")
    if relationships is not None:
        if not isinstance(relationships, list):
            problems.append(Problem("relationships must be an array", "relationships"))
        else:
            for i, rel in enumerate(relationships):
                at = f"relationships[{i}]"
                if not isinstance(rel, dict):
                    problems.append(Problem(f"{at} must be an object", at))
                    continue
                _unknown(rel, _RELATIONSHIP_FIELDS, problems, f"{at}.")
                _text(rel.get("targetId"), f"{at}.targetId", problems, required=True)
                if rel.get("targetType") not in TARGET_TYPES:
                    problems.append(
                        Problem(
                            f"{at}.targetType must be one of: {', '.join(TARGET_TYPES)}",
                            f"{at}.targetType",
                        )
                    )
                _text(rel.get("relationType"), f"{at}.relationType", problems)
    if problems:
        raise _invalid(problems, "attachment")
    if isinstance(thumbnail, str):
        check_data_url(thumbnail)
    return attachment


def child_record(
    body: dict[str, Any], *, kind: str, ark: str, parent_ark: str, owner_id: str | None, name: str
) -> Record:
    """A block or attachment as a child record of its dataset's record."""
    return Record(
        ark=ark,
        kind=kind,
        face=Face.SCICAT,
        metadata={
            "@id": ark,
            "@type": "DataDownload" if kind == ORIGDATABLOCK else "MediaObject",
            "name": name,
            "isPartOf": {"@id": parent_ark},
        },
        access=access_of(body, owner_id),
        types=["DataDownload" if kind == ORIGDATABLOCK else "MediaObject"],
        name=name,
        native=copy.deepcopy(body),
        parent_ark=parent_ark,
    )


def file_entries(block: dict[str, Any]) -> list[dict[str, Any]]:
    """A stored block's `dataFileList` entries (objects only): every reader of a block's
    files goes through here, so the totals, the held files and their access agree."""
    files = block.get("dataFileList")
    return [e for e in files if isinstance(e, dict)] if isinstance(files, list) else []


def listed_paths(blocks: Sequence[dict[str, Any]]) -> set[str]:
    """The paths the blocks' `dataFileList`s name."""
    return {str(entry.get("path")) for block in blocks for entry in file_entries(block)}


def scicat_view(record: Record, id_field: str) -> dict[str, Any]:
    """The object a SciCat client reads: its native body plus the server's fields."""
    view = copy.deepcopy(record.native or {})
    view["isPublished"] = record.access.publication is PublicationStatus.PUBLISHED
    view.setdefault("accessGroups", list(record.access.access_groups))
    if record.created_at is not None:
        view["createdAt"] = format_time(record.created_at)
    if record.updated_at is not None:
        view["updatedAt"] = format_time(record.updated_at)
    view.setdefault("version", "4")
    view.setdefault(id_field, view.get("_id"))
    return view


def dataset_dict(dataset: Record, native: dict[str, Any]) -> dict[str, Any]:
    """What `jsonld_of` reads of a dataset record whose native document is `native`."""
    from fairdepot.core.records import IdentifierScheme

    full = dict(native)
    full.setdefault("pid", dataset.identifiers.get(IdentifierScheme.SCICAT_PID.value))
    return full
