"""A change of a stored SciCat dataset (PATCH): its body checked, then merged into the dataset.

Two steps because the service reads the stored dataset inside the change's own transaction:
`validate_patch` needs only the body (a bad one is refused before anything is read), and
`apply_patch` decides against the stored dataset what only it can tell: that `pid` and `type`
stay, and that a quantity of the scientific metadata keeps both its value and its unit (the
backend's "Please provide both when updating"). v4 merges objects as RFC 7396 merge-patch; v3
replaces each top-level field whole, as the backend's v3 update does. A PUT's body is a whole
dataset and is checked as a create (`scicat_validation.validate_dataset`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from fairdepot.core.crosswalks.scicat_fields import (
    FIELDS,
    V3_ALIASES,
    V4_REQUIRED,
    ApiVersion,
    checked_fields,
    dataset_body,
    named_problem,
    unknown_property,
    with_si_values,
)
from fairdepot.core.errors import InvalidInput, Problem

_FIXED = ("pid", "type")
"""Fields a change may send (pyscicat sends its whole model) but only with their stored value."""


def validate_patch(body: object, version: ApiVersion = ApiVersion.V4) -> dict[str, Any]:
    """A PATCH body as v4 changes (`null` kept: merge-patch removes the field). `pid` and
    `type` may be sent and are checked against the stored dataset by `apply_patch`; a
    required field may not be removed."""
    fields = dataset_body(body)
    problems: list[Problem] = []
    removed = [name for name, value in fields.items() if value is None]
    changes = checked_fields({k: v for k, v in fields.items() if v is not None}, version, problems)
    for name in removed:
        target = V3_ALIASES.get(name, name) if version is ApiVersion.V3 else name
        if target in V4_REQUIRED or target == "pid":
            problems.append(named_problem("is required and cannot be removed", name))
        elif target in FIELDS:
            changes[target] = None
        else:
            problems.append(unknown_property(name))
    if problems:
        raise InvalidInput("the changes are not valid", problems=problems)
    return changes


def apply_patch(
    current: Mapping[str, Any], changes: Mapping[str, Any], *, merge: bool = True
) -> dict[str, Any]:
    """The dataset after `changes` (from `validate_patch`): RFC 7396 merge-patch of objects
    (`merge`, v4) or top-level replacement (v3). A `{"value", "unit"}` quantity of the
    scientific metadata must keep both; SI values are computed again for what changed."""
    problems: list[Problem] = []
    for name in _FIXED:
        if name in changes and changes[name] != current.get(name):
            problems.append(named_problem("cannot be changed", name))
    updated = copy.deepcopy(dict(current))
    for name, value in changes.items():
        if name in _FIXED:
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


def _is_quantity(node: object) -> bool:
    return isinstance(node, dict) and "value" in node and "unit" in node


def _merge_patch(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """RFC 7396 on one object: `null` removes a key, objects merge, anything else replaces."""
    merged = copy.deepcopy(target)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge_patch(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged
