"""A SciCat dataset's fields: what each one must hold, per API version, and one body's fields
checked and normalised against that table.

One table serves every use: a create (`scicat_validation`) and a PATCH or PUT
(`scicat_patch`) check their bodies with it, and the crosswalk (`scicat.py`) and `fullquery`
read it to know which fields hold times, texts or lists. The normal form is the v4
("unified") dataset the real backend stores: v3's singular aliases (`proposalId`,
`principalInvestigator`...) become the v4 lists, timestamps are UTC with millisecond precision
(what a Mongo Date keeps), a trailing `/` of `sourceFolder` is stripped and every
`{"value", "unit"}` of the scientific metadata gets `valueSI`/`unitSI`. Problems are worded as
the backend's class-validator words them and name the field (`techniques[1].name`), so a
client sees every one of them at once.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping
from enum import Enum, StrEnum
from typing import Any

from fairdepot.core.crosswalks.scicat_lifecycle import INVALID, checked_lifecycle
from fairdepot.core.document_values import parse_timestamp
from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.metadata.units import to_si
from fairdepot.core.timestamps import format_time


class ApiVersion(StrEnum):
    """The route's API version: it decides the DTO a body is checked as and the shape read."""

    V3 = "v3"
    V4 = "v4"


class Kind(Enum):
    """What a field must hold; the value is the message's wording."""

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

TIME_FIELDS = frozenset(name for name, kind in FIELDS.items() if kind is Kind.TIME)

V4_REQUIRED = ("ownerGroup", "contactEmail", "sourceFolder", "creationTime", "type", "owner")
"""The v4 DTO's required fields, plus `owner`: the DTO lets it out, but the real backend's
store requires it and answers 500; we answer 400 instead. A PATCH may not remove them."""

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

MAX_PID_LENGTH = 255
"""A client's own pid: a DOI or handle is far shorter; it is one path segment in every URL."""
MAX_COUNT = 2**63 - 1
"""The largest size or count kept: a 64-bit column (PostgreSQL bigint) holds no more."""

_EMAIL = re.compile(r"[^@\s;]+@[^@\s;]+\.[^@\s;.]+")
_URL = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*://)?[^\s/?#]+\.[^\s/?#]+([/?#]\S*)?|[a-z]+://\S+")
_TEXT_LIMIT = 1_000_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_INVALID = object()
"""What a field's check gives when it failed (its problem is in the caller's list)."""


def dataset_body(body: object) -> dict[str, Any]:
    """The body as a JSON object, or InvalidInput: every dataset body is one."""
    if not isinstance(body, dict):
        raise InvalidInput(
            "a dataset is a JSON object", problems=[named_problem("must be an object", "body")]
        )
    return body


def checked_fields(
    fields: Mapping[str, Any], version: ApiVersion, problems: list[Problem]
) -> dict[str, Any]:
    """The fields given, each checked by its kind and normalised (v3's aliases as v4 lists),
    with a problem in `problems` for each bad or unknown one (and that field left out). No
    field is required here: what must be there depends on a create or a change."""
    dataset: dict[str, Any] = {}
    for name, value in fields.items():
        if version is ApiVersion.V3 and name in V3_ALIASES:
            target = V3_ALIASES[name]
            if not isinstance(value, str):
                problems.append(named_problem("must be a string", name))
            elif target in fields or (target in dataset and dataset[target] != [value]):
                problems.append(Problem(f"give either {name} or {target}, not both", name))
            else:
                dataset[target] = [value]
            continue
        if version is ApiVersion.V3 and name == "version":
            continue  # accepted and ignored, as the backend does
        kind = FIELDS.get(name)
        if kind is None:
            problems.append(unknown_property(name))
            continue
        checked = _checked(kind, value, name, problems)
        if checked is not _INVALID:
            dataset[name] = checked
    if isinstance(dataset.get("sourceFolder"), str) and dataset["sourceFolder"] != "/":
        dataset["sourceFolder"] = dataset["sourceFolder"].rstrip("/") or "/"
    if isinstance(dataset.get("scientificMetadata"), dict):
        dataset["scientificMetadata"] = with_si_values(dataset["scientificMetadata"])
    return dataset


def with_si_values(metadata: dict[str, Any], *, refresh: bool = False) -> dict[str, Any]:
    """Scientific metadata with `valueSI`/`unitSI` beside every numeric `{"value", "unit"}`
    pint can convert, at any depth of objects (as the backend appends them), so that a
    `where` on `valueSI` compares quantities given in different units. `refresh` replaces SI
    values already there (after an update changed value or unit)."""
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


def named_problem(message: str, where: str) -> Problem:
    """A problem worded as the backend's class-validator words it: `datasetName must be a
    string` (clients show the message list alone, so it names the field)."""
    return Problem(f"{where} {message}", where)


def unknown_property(where: str) -> Problem:
    """The backend's words for a field its DTO does not have (forbidNonWhitelisted)."""
    return Problem(f"property {where} should not exist", where)


def _checked(kind: Kind, value: Any, name: str, problems: list[Problem]) -> Any:
    def bad(message: str = f"must be {kind.value}", where: str = name) -> object:
        problems.append(named_problem(message, where))
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
        lifecycle = checked_lifecycle(value, name, problems)
        return _INVALID if lifecycle is INVALID else lifecycle
    if kind is Kind.TECHNIQUES:
        return _objects(value, name, ("pid", "name"), problems, kind)
    return _objects(value, name, (), problems, kind)


def _objects(
    value: Any, name: str, keys: tuple[str, ...], problems: list[Problem], kind: Kind
) -> Any:
    """A list of flat objects of strings (techniques: only `pid` and `name`)."""
    if not isinstance(value, list):
        problems.append(named_problem(f"must be {kind.value}", name))
        return _INVALID
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            problems.append(named_problem("must be an object", f"{name}[{i}]"))
            return _INVALID
        for key, text in item.items():
            if keys and key not in keys:
                problems.append(unknown_property(f"{name}[{i}].{key}"))
                return _INVALID
            if not isinstance(text, str):
                problems.append(named_problem("must be a string", f"{name}[{i}].{key}"))
                return _INVALID
    return copy.deepcopy(value)
