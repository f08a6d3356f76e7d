"""SciCat dataset bodies checked and normalised, as the backend's v3 and v4 DTOs check them.

The result is always the dataset in the v4 ("unified") shape the real backend stores: v3's
singular aliases (`proposalId`, `principalInvestigator`...) become the v4 lists, timestamps are
UTC with millisecond precision (what a Mongo Date keeps), a trailing `/` of `sourceFolder` is
stripped and every `{"value", "unit"}` of the scientific metadata gets `valueSI`/`unitSI`.
Problems name the field (`scientificMetadata`, `techniques[1].name`), every one of them at once.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from enum import Enum, StrEnum
from typing import Any

from fairdepot.core.crosswalks.scicat_lifecycle import (
    INVALID,
    checked_lifecycle,
    with_lifecycle_defaults,
)
from fairdepot.core.document_values import parse_timestamp
from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.metadata.units import to_si
from fairdepot.core.timestamps import isoformat_ms_z


class ApiVersion(StrEnum):
    V3 = "v3"
    V4 = "v4"


class Kind(Enum):
    TEXT = "a string"
    NONEMPTY_TEXT = "a non-empty string"
    PID = "a string of 1 to 255 characters, without control characters, not starting ark:"
    TEXTS = "a list of strings"
    INTEGER = "a non-negative integer"
    NUMBER = "a number"
    BOOLEAN = "a boolean"
    TIME = "an ISO 8601 date-time"
    OBJECT = "an object"
    LIFECYCLE = "a lifecycle object"
    CONTACT_EMAILS = "one or more e-mail addresses separated by ';'"
    EMAIL = "an e-mail address"
    EMAILS = "a list of e-mail addresses"
    URL = "a URL"
    TECHNIQUES = "a list of {pid, name} objects"
    RELATIONSHIPS = "a list of relationship objects"


FIELDS: dict[str, Kind] = {
    "pid": Kind.PID,
    "type": Kind.NONEMPTY_TEXT,
    "ownerGroup": Kind.NONEMPTY_TEXT,
    "accessGroups": Kind.TEXTS,
    "instrumentGroup": Kind.TEXT,
    "owner": Kind.NONEMPTY_TEXT,
    "ownerEmail": Kind.EMAIL,
    "orcidOfOwner": Kind.TEXT,
    "contactEmail": Kind.CONTACT_EMAILS,
    "sourceFolder": Kind.NONEMPTY_TEXT,
    "sourceFolderHost": Kind.URL,
    "size": Kind.INTEGER,
    "packedSize": Kind.INTEGER,
    "numberOfFiles": Kind.INTEGER,
    "numberOfFilesArchived": Kind.INTEGER,
    "creationTime": Kind.TIME,
    "validationStatus": Kind.TEXT,
    "keywords": Kind.TEXTS,
    "description": Kind.TEXT,
    "datasetName": Kind.TEXT,
    "classification": Kind.TEXT,
    "license": Kind.TEXT,
    "isPublished": Kind.BOOLEAN,
    "techniques": Kind.TECHNIQUES,
    "sharedWith": Kind.EMAILS,
    "relationships": Kind.RELATIONSHIPS,
    "datasetlifecycle": Kind.LIFECYCLE,
    "scientificMetadata": Kind.OBJECT,
    "scientificMetadataSchema": Kind.TEXT,
    "scientificMetadataValid": Kind.BOOLEAN,
    "comment": Kind.TEXT,
    "dataQualityMetrics": Kind.NUMBER,
    "principalInvestigators": Kind.TEXTS,
    "startTime": Kind.TIME,
    "endTime": Kind.TIME,
    "creationLocation": Kind.TEXT,
    "dataFormat": Kind.TEXT,
    "proposalIds": Kind.TEXTS,
    "sampleIds": Kind.TEXTS,
    "instrumentIds": Kind.TEXTS,
    "inputDatasets": Kind.TEXTS,
    "usedSoftware": Kind.TEXTS,
    "jobParameters": Kind.OBJECT,
    "jobLogData": Kind.TEXT,
    "runNumber": Kind.TEXT,
}
"""The v4 CreateDatasetDto: every field a client may write, and what it must hold."""

V3_ALIASES: dict[str, str] = {
    "proposalId": "proposalIds",
    "sampleId": "sampleIds",
    "instrumentId": "instrumentIds",
    "principalInvestigator": "principalInvestigators",
    "investigator": "principalInvestigators",
}
"""v3's obsolete singular fields and the v4 list each one becomes (its first element)."""

SERVER_FIELDS = frozenset({"createdBy", "updatedBy", "createdAt", "updatedAt", "version"})
"""Filled in by the server; a client never writes them (v3 accepts and ignores `version`)."""

TIME_FIELDS = frozenset(name for name, kind in FIELDS.items() if kind is Kind.TIME)

V4_REQUIRED = ("ownerGroup", "contactEmail", "sourceFolder", "creationTime", "type", "owner")
"""The v4 DTO's required fields, plus `owner`: the DTO lets it out, but the real backend's
store requires it and answers 500; we answer 400 instead. `datasetName` is filled in (below)."""

V3_REQUIRED: dict[str, tuple[str, ...]] = {
    "raw": (
        "owner",
        "ownerGroup",
        "contactEmail",
        "sourceFolder",
        "creationTime",
        "principalInvestigator",
        "creationLocation",
    ),
    "derived": (
        "owner",
        "ownerGroup",
        "contactEmail",
        "sourceFolder",
        "creationTime",
        "investigator",
        "inputDatasets",
        "usedSoftware",
    ),
}
"""v3's obsolete raw and derived DTOs; other types are checked as v4 bodies."""

DEFAULT_TYPES = ("raw", "derived")

DEFAULTS: dict[str, Any] = {
    "size": 0,
    "packedSize": 0,
    "numberOfFiles": 0,
    "numberOfFilesArchived": 0,
    "accessGroups": [],
    "isPublished": False,
    "keywords": [],
    "techniques": [],
    "relationships": [],
    "sharedWith": [],
    "scientificMetadata": {},
}
"""What the backend stores for a field a new dataset leaves out."""

_EMAIL = re.compile(r"[^@\s;]+@[^@\s;]+\.[^@\s;.]+")
_URL = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*://)?[^\s/?#]+\.[^\s/?#]+([/?#]\S*)?|[a-z]+://\S+")
_TEXT_LIMIT = 1_000_000
MAX_PID_LENGTH = 255
"""A client's own pid: a DOI or handle is far shorter; it is one path segment in every URL."""
MAX_COUNT = 2**63 - 1
"""The largest size or count kept: a 64-bit column (PostgreSQL bigint) holds no more."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def validate_dataset(
    body: object,
    version: ApiVersion = ApiVersion.V4,
    *,
    types: Iterable[str] = DEFAULT_TYPES,
) -> dict[str, Any]:
    """A create body as the stored v4 dataset (defaults filled in), or InvalidInput."""
    fields = _object(body)
    problems: list[Problem] = []
    kind = fields.get("type")
    allowed_types = tuple(types)
    if isinstance(kind, str) and kind not in allowed_types:
        problems.append(_named(f"must be one of {', '.join(allowed_types)}", "type"))
    if version is ApiVersion.V3 and isinstance(kind, str) and kind in V3_REQUIRED:
        required: tuple[str, ...] = V3_REQUIRED[str(kind)]
    else:
        required = V4_REQUIRED
    problems += [_named("is required", name) for name in required if fields.get(name) is None]
    dataset = _normalise(fields, version, problems)
    if problems:
        raise InvalidInput("the dataset is not valid", problems=problems)
    for name, default in DEFAULTS.items():
        dataset.setdefault(name, copy.deepcopy(default))
    if not dataset.get("datasetName"):
        dataset["datasetName"] = default_dataset_name(dataset["sourceFolder"])
    return dataset


def validate_patch(body: object, version: ApiVersion = ApiVersion.V4) -> dict[str, Any]:
    """A PATCH body as v4 changes (`null` kept: merge-patch removes the field). `pid` and
    `type` may be sent (pyscicat sends its whole model) and are checked against the stored
    dataset by `apply_patch`."""
    fields = _object(body)
    problems: list[Problem] = []
    removed = [name for name, value in fields.items() if value is None]
    changes = _normalise({k: v for k, v in fields.items() if v is not None}, version, problems)
    for name in removed:
        target = V3_ALIASES.get(name, name) if version is ApiVersion.V3 else name
        if target in V4_REQUIRED or target == "pid":
            problems.append(_named("is required and cannot be removed", name))
        elif target in FIELDS:
            changes[target] = None
        else:
            problems.append(_unknown(name))
    if problems:
        raise InvalidInput("the changes are not valid", problems=problems)
    return changes


def apply_patch(
    current: Mapping[str, Any], changes: Mapping[str, Any], *, merge: bool = True
) -> dict[str, Any]:
    """The dataset after `changes` (from `validate_patch`): RFC 7396 merge-patch of objects
    (v4) or top-level replacement (v3). A `{"value", "unit"}` quantity of the scientific
    metadata must keep both; SI values are computed again for what changed."""
    problems: list[Problem] = []
    for name in ("pid", "type"):
        if name in changes and changes[name] != current.get(name):
            problems.append(_named("cannot be changed", name))
    updated = copy.deepcopy(dict(current))
    for name, value in changes.items():
        if name in ("pid", "type"):
            continue
        if value is None:
            updated.pop(name, None)
        elif merge and isinstance(value, dict) and isinstance(updated.get(name), dict):
            updated[name] = _merge_patch(updated[name], value)
        else:
            updated[name] = copy.deepcopy(value)
    before = current.get("scientificMetadata")
    after = updated.get("scientificMetadata")
    if isinstance(before, dict) and isinstance(after, dict):
        for key, old in before.items():
            new = after.get(key)
            if _is_quantity(old) and isinstance(new, dict) and not _is_quantity(new):
                problems.append(
                    Problem("a quantity needs both value and unit", f"scientificMetadata.{key}")
                )
    if problems:
        raise InvalidInput("the changes are not valid", problems=problems)
    if isinstance(after, dict):
        updated["scientificMetadata"] = with_si_values(after, refresh=True)
    return updated


def default_dataset_name(source_folder: str) -> str:
    """v3's name for a nameless dataset: the last two parts of its folder (`/a/b/c` → `b/c`)."""
    parts = [p for p in source_folder.split("/") if p]
    return "/".join(parts[-2:]) or source_folder


def with_si_values(metadata: dict[str, Any], *, refresh: bool = False) -> dict[str, Any]:
    """Scientific metadata with `valueSI`/`unitSI` beside every numeric `{"value", "unit"}`
    pint can convert, at any depth of objects (as the backend appends them). `refresh`
    replaces SI values already there (after an update changed value or unit)."""
    out: dict[str, Any] = {}
    for key, node in metadata.items():
        if isinstance(node, dict):
            node = with_si_values(node, refresh=refresh)
            value, unit = node.get("value"), node.get("unit")
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            if (
                isinstance(value, int | float)
                and numeric
                and isinstance(unit, str)
                and (refresh or "valueSI" not in node)
            ):
                converted = to_si(float(value), unit)
                if converted is not None:
                    node["valueSI"], node["unitSI"] = converted
        out[key] = node
    return out


def format_time(value: datetime) -> str:
    """A UTC instant as the backend emits it (JavaScript's toISOString)."""
    return isoformat_ms_z(value)


def lifecycle_with_defaults(
    lifecycle: Mapping[str, Any] | None, created: datetime
) -> dict[str, Any]:
    """A dataset's lifecycle with the backend's defaults for every unset key (its dates:
    `created`), as a new dataset gets it and as one stored without it is shown."""
    return with_lifecycle_defaults(lifecycle, created, format_time)


def check_lifecycle_change(body: object) -> dict[str, Any]:
    """The body of `PATCH /datasets/{pid}/datasetlifecycle` (the lifecycle DTO itself, so a
    problem is named `archivable`, not `datasetlifecycle.archivable`), or InvalidInput."""
    problems: list[Problem] = []
    lifecycle = checked_lifecycle(body, "", problems, format_time)
    if isinstance(lifecycle, dict) and not lifecycle:
        problems.append(Problem("must name at least one lifecycle field", "body"))
    if problems or not isinstance(lifecycle, dict):
        raise InvalidInput("the lifecycle change is not valid", problems=problems)
    return lifecycle


def to_milliseconds(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(microsecond=value.microsecond // 1000 * 1000)


# -- checking -----------------------------------------------------------------------------------


def _object(body: object) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise InvalidInput(
            "a dataset is a JSON object", problems=[_named("must be an object", "body")]
        )
    return body


def _normalise(
    fields: Mapping[str, Any], version: ApiVersion, problems: list[Problem]
) -> dict[str, Any]:
    dataset: dict[str, Any] = {}
    for name, value in fields.items():
        if version is ApiVersion.V3 and name in V3_ALIASES:
            target = V3_ALIASES[name]
            if not isinstance(value, str):
                problems.append(_named("must be a string", name))
            elif target in fields or (target in dataset and dataset[target] != [value]):
                problems.append(Problem(f"give either {name} or {target}, not both", name))
            else:
                dataset[target] = [value]
            continue
        if version is ApiVersion.V3 and name == "version":
            continue  # accepted and ignored, as the backend does
        kind = FIELDS.get(name)
        if kind is None:
            problems.append(_unknown(name))
            continue
        checked = _check(kind, value, name, problems)
        if checked is not _INVALID:
            dataset[name] = checked
    if isinstance(dataset.get("sourceFolder"), str) and dataset["sourceFolder"] != "/":
        dataset["sourceFolder"] = dataset["sourceFolder"].rstrip("/") or "/"
    if isinstance(dataset.get("scientificMetadata"), dict):
        dataset["scientificMetadata"] = with_si_values(dataset["scientificMetadata"])
    return dataset


_INVALID = object()


def is_client_pid(pid: str) -> bool:
    """Whether a client may name a new dataset `pid`: one line of at most MAX_PID_LENGTH
    characters, and no ARK (`ark:...` is how the catalogue names its crates and records: a
    dataset with another record's ARK as pid would be a second name for a different thing)."""
    return (
        0 < len(pid) <= MAX_PID_LENGTH
        and _CONTROL.search(pid) is None
        and not pid.lower().startswith("ark:")
    )


def is_count(value: int | float) -> bool:
    """A size or count: a whole number (5.0 too, as class-validator's IsNumber lets it) from
    0 to MAX_COUNT; `1e30` is whole but no 64-bit column holds it."""
    return float(value).is_integer() and 0 <= value <= MAX_COUNT


def _named(message: str, where: str) -> Problem:
    """A problem worded as the backend's class-validator words it: `datasetName must be a
    string` (clients show the message list alone, so it names the field)."""
    return Problem(f"{where} {message}", where)


def _unknown(where: str) -> Problem:
    return Problem(f"property {where} should not exist", where)


def _check(kind: Kind, value: Any, name: str, problems: list[Problem]) -> Any:
    def bad(message: str = f"must be {kind.value}", where: str = name) -> object:
        problems.append(_named(message, where))
        return _INVALID

    if kind in (
        Kind.TEXT,
        Kind.NONEMPTY_TEXT,
        Kind.PID,
        Kind.EMAIL,
        Kind.URL,
        Kind.CONTACT_EMAILS,
    ):
        if not isinstance(value, str) or (kind is not Kind.TEXT and not value.strip()):
            return bad()
        if len(value) > _TEXT_LIMIT:
            return bad(f"is longer than {_TEXT_LIMIT} characters")
        if kind is Kind.EMAIL and not _EMAIL.fullmatch(value.strip()):
            return bad()
        if kind is Kind.CONTACT_EMAILS and not all(
            _EMAIL.fullmatch(part.strip()) for part in value.split(";")
        ):
            return bad()
        if kind is Kind.URL and not _URL.fullmatch(value):
            return bad()
        if kind is Kind.PID and not is_client_pid(value):
            return bad()
        return value
    if kind in (Kind.TEXTS, Kind.EMAILS):
        if not isinstance(value, list):
            return bad()
        for i, item in enumerate(value):
            if not isinstance(item, str) or (kind is Kind.EMAILS and not _EMAIL.fullmatch(item)):
                return bad(
                    f"must be {Kind.EMAIL.value if kind is Kind.EMAILS else 'a string'}",
                    f"{name}[{i}]",
                )
        return list(value)
    if kind in (Kind.INTEGER, Kind.NUMBER):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return bad()
        if isinstance(value, float) and not math.isfinite(value):
            return bad()
        if kind is Kind.INTEGER and not is_count(value):
            return bad()
        return int(value) if kind is Kind.INTEGER else value
    if kind is Kind.BOOLEAN:
        return value if isinstance(value, bool) else bad()
    if kind is Kind.TIME:
        instant = parse_timestamp(value) if isinstance(value, str) else None
        return bad() if instant is None else format_time(instant)
    if kind is Kind.OBJECT:
        return copy.deepcopy(value) if isinstance(value, dict) else bad()
    if kind is Kind.LIFECYCLE:
        lifecycle = checked_lifecycle(value, name, problems, format_time)
        return _INVALID if lifecycle is INVALID else lifecycle
    if kind is Kind.TECHNIQUES:
        return _objects(value, name, ("pid", "name"), problems, kind)
    return _objects(value, name, (), problems, kind)


def _objects(
    value: Any, name: str, keys: tuple[str, ...], problems: list[Problem], kind: Kind
) -> Any:
    """A list of flat objects of strings (techniques: only `pid` and `name`)."""
    if not isinstance(value, list):
        problems.append(_named(f"must be {kind.value}", name))
        return _INVALID
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            problems.append(_named("must be an object", f"{name}[{i}]"))
            return _INVALID
        for key, text in item.items():
            if keys and key not in keys:
                problems.append(_unknown(f"{name}[{i}].{key}"))
                return _INVALID
            if not isinstance(text, str):
                problems.append(_named("must be a string", f"{name}[{i}].{key}"))
                return _INVALID
    return copy.deepcopy(value)


def _is_quantity(node: object) -> bool:
    return isinstance(node, dict) and "value" in node and "unit" in node


def _merge_patch(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(target)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge_patch(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged
