"""A SciCat dataset's `datasetlifecycle`: checked as the backend's UpdateDatasetLifecycleDto
checks it, and completed with its LifecycleClass defaults.

The lifecycle is what archive systems read and write; clients (scicat-sdk-py's
`LifecycleClass`) parse it strictly, so a stored `"archivable": "yes"` or an unknown key would
break every reader. Hence the check on every write (create, PUT, PATCH, the lifecycle route),
and the defaults on create and on every read of a dataset that has none (older records are
completed when rendered, not migrated). `null` means "not set" here, as the DTO's
`@IsOptional` lets it through and the default takes its place. Dates are kept in the
backend's own form (`core.timestamps.format_time`), so a `where` on one compares like any
other dataset time.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any

from fairdepot.core.document_values import parse_timestamp
from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.timestamps import format_time


class LifecycleKind(Enum):
    """What a lifecycle field must hold, worded as class-validator words it."""

    BOOLEAN = "a boolean value"
    DATE = "a valid ISO 8601 date string"
    TEXT = "a string"
    OBJECT = "an object"


LIFECYCLE_FIELDS: dict[str, LifecycleKind] = {
    "archivable": LifecycleKind.BOOLEAN,
    "retrievable": LifecycleKind.BOOLEAN,
    "publishable": LifecycleKind.BOOLEAN,
    "dateOfDiskPurging": LifecycleKind.DATE,
    "archiveRetentionTime": LifecycleKind.DATE,
    "dateOfPublishing": LifecycleKind.DATE,
    "publishedOn": LifecycleKind.DATE,
    "isOnCentralDisk": LifecycleKind.BOOLEAN,
    "archiveStatusMessage": LifecycleKind.TEXT,
    "retrieveStatusMessage": LifecycleKind.TEXT,
    "archiveReturnMessage": LifecycleKind.OBJECT,
    "retrieveReturnMessage": LifecycleKind.OBJECT,
    "exportedTo": LifecycleKind.TEXT,
    "retrieveIntegrityCheck": LifecycleKind.BOOLEAN,
    "storageLocation": LifecycleKind.TEXT,
}
"""The backend's lifecycle DTO: every key optional, nothing else allowed."""

_FIXED_DEFAULTS: dict[str, Any] = {
    "archivable": True,
    "retrievable": False,
    "publishable": False,
    "isOnCentralDisk": True,
    "archiveStatusMessage": "datasetCreated",
    "retrieveStatusMessage": "",
    "archiveReturnMessage": {},
    "retrieveReturnMessage": {},
    "retrieveIntegrityCheck": False,
}
"""LifecycleClass's defaults that do not depend on time (`exportedTo` and `storageLocation`
have none: they stay out until set)."""

_DATED = ("dateOfDiskPurging", "archiveRetentionTime", "dateOfPublishing", "publishedOn")
"""The dates LifecycleClass fills: all the dataset's creation instant here, as the backend's
with POLICY_RETENTION_SHIFT and POLICY_PUBLICATION_SHIFT at their default 0."""


class _Invalid:
    """A lifecycle that failed its check (its problems are in the caller's list)."""


INVALID = _Invalid()


def checked_lifecycle(
    value: object, where: str, problems: list[Problem]
) -> dict[str, Any] | _Invalid:
    """The lifecycle with its dates in the backend's form, or INVALID with one problem per bad
    key added to `problems` (the caller reports them with the rest of its body's). `where`
    is the body path of the object (`datasetlifecycle`; empty for the lifecycle route, whose
    body it is): a problem's location and message start with it
    (`datasetlifecycle.archivable must be a boolean value`), as the backend's nested
    validation words them."""
    if not isinstance(value, dict):
        where = where or "body"
        problems.append(Problem(f"{where} must be {LifecycleKind.OBJECT.value}", where))
        return INVALID
    out: dict[str, Any] = {}
    found = len(problems)
    for key, item in value.items():
        path = f"{where}.{key}" if where else key
        kind = LIFECYCLE_FIELDS.get(key)
        if kind is None:
            problems.append(Problem(f"property {path} should not exist", path))
        elif item is None:
            out[key] = None
        elif (checked := _checked(kind, item)) is INVALID:
            problems.append(Problem(f"{path} must be {kind.value}", path))
        else:
            out[key] = checked
    return INVALID if len(problems) > found else out


def check_lifecycle_change(body: object) -> dict[str, Any]:
    """The body of `PATCH /datasets/{pid}/datasetlifecycle` (the lifecycle DTO itself, so a
    problem is named `archivable`, not `datasetlifecycle.archivable`), or InvalidInput; an
    empty body is refused too, as the backend's "must not be empty"."""
    problems: list[Problem] = []
    lifecycle = checked_lifecycle(body, "", problems)
    if isinstance(lifecycle, dict) and not lifecycle:
        problems.append(Problem("must name at least one lifecycle field", "body"))
    if problems or not isinstance(lifecycle, dict):
        raise InvalidInput("the lifecycle change is not valid", problems=problems)
    return lifecycle


def lifecycle_with_defaults(
    lifecycle: Mapping[str, Any] | None, created: datetime
) -> dict[str, Any]:
    """The lifecycle with every unset key (missing or null) given the backend's default, as a
    new dataset gets it and as one stored without it is shown; the dates default to `created`
    (the dataset's creation), so a read is the same every time."""
    out = {k: copy.deepcopy(v) for k, v in (lifecycle or {}).items() if v is not None}
    for key, default in _FIXED_DEFAULTS.items():
        out.setdefault(key, copy.deepcopy(default))
    for key in _DATED:
        out.setdefault(key, format_time(created))
    return out


def _checked(kind: LifecycleKind, value: Any) -> Any:
    if kind is LifecycleKind.BOOLEAN:
        return value if isinstance(value, bool) else INVALID
    if kind is LifecycleKind.TEXT:
        return value if isinstance(value, str) else INVALID
    if kind is LifecycleKind.OBJECT:
        return copy.deepcopy(value) if isinstance(value, dict) else INVALID
    instant = parse_timestamp(value) if isinstance(value, str) else None
    return INVALID if instant is None else format_time(instant)
