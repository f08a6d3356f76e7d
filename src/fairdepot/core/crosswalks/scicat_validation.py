"""A new SciCat dataset's body checked as the backend's v3 and v4 create DTOs check it.

What only a create decides is here: the allowed types, which fields are required (per version,
and on v3 per type: its obsolete raw and derived DTOs), and the defaults the backend stores
for what a new dataset leaves out. Each field's own check and the v4 normal form are
`scicat_fields`'; a PUT's whole body is checked here too, as the backend's replace is.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from fairdepot.core.crosswalks.scicat_fields import (
    V3_REQUIRED,
    V4_REQUIRED,
    ApiVersion,
    checked_fields,
    dataset_body,
    named_problem,
)
from fairdepot.core.errors import InvalidInput, Problem

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


def validate_dataset(
    body: object,
    version: ApiVersion = ApiVersion.V4,
    *,
    types: Iterable[str] = DEFAULT_TYPES,
) -> dict[str, Any]:
    """A create body as the stored v4 dataset (defaults filled in, a nameless one named after
    its folder), or InvalidInput naming every problem."""
    fields = dataset_body(body)
    problems: list[Problem] = []
    kind = fields.get("type")
    allowed_types = tuple(types)
    if isinstance(kind, str) and kind not in allowed_types:
        problems.append(named_problem(f"must be one of {', '.join(allowed_types)}", "type"))
    if version is ApiVersion.V3 and isinstance(kind, str) and kind in V3_REQUIRED:
        required: tuple[str, ...] = V3_REQUIRED[str(kind)]
    else:
        required = V4_REQUIRED
    problems += [
        named_problem("is required", name) for name in required if fields.get(name) is None
    ]
    dataset = checked_fields(fields, version, problems)
    if problems:
        raise InvalidInput("the dataset is not valid", problems=problems)
    for name, default in DEFAULTS.items():
        dataset.setdefault(name, copy.deepcopy(default))
    if not dataset.get("datasetName"):
        dataset["datasetName"] = default_dataset_name(dataset["sourceFolder"])
    return dataset


def default_dataset_name(source_folder: str) -> str:
    """v3's name for a nameless dataset: the last two parts of its folder (`/a/b/c` → `b/c`)."""
    parts = [p for p in source_folder.split("/") if p]
    return "/".join(parts[-2:]) or source_folder
