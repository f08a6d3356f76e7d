"""SciCat's metadata keys (`GET /datasets/metadataKeys`, `/samples/metadataKeys`): the keys
of the scientific metadata (or a sample's characteristics) of some records, as its backend
names them, computed from the distinct paths the value index holds for those records.

The backend flattens each document: an object is entered and its keys joined with `.`
(`detector.distance`), except an object with a `unit` (or `u`) that is truthy or a string,
which is a quantity and one key (`temperature`, not `temperature.value`); anything else (a
scalar, an array, null) is a key. Keys come in the order first seen, without duplicates, minus
a fixed blacklist of the facility keys it hides, and a `metadataKey` in the search form keeps
those containing it (case-insensitive).

What the value index cannot tell: an array of objects (its elements' keys share its path, so
`list.a` is listed where the backend lists `list`), an empty object (listed as a key; the
backend lists nothing), and a path that is a quantity in one record but a plain object in
another (one key, the quantity's).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from fairdepot.core.document_values import DocumentPath

DATASET_HIDDEN = tuple(
    re.compile(pattern)
    for pattern in (
        ".*_date",
        "runNumber",
        "Entrych*.",
        "entryCh*.",
        "FMC-PICO*.",
        "BW_measurement*.",
        "Linearity_measurement*.",
        "Pulse_measurement*.",
    )
)
"""The backend's blacklist for dataset keys (searched anywhere in the key, as it does)."""
SAMPLE_HIDDEN = (re.compile(".*_date"),)
"""Its blacklist for sample keys."""
UNIT_KEYS = frozenset({"unit", "u"})


def metadata_keys(
    paths: Sequence[DocumentPath],
    hidden: Iterable[re.Pattern[str]] = (),
    containing: str | None = None,
) -> list[str]:
    """The keys the backend lists for records whose metadata paths (relative to the metadata
    object, in the order first written) are `paths`."""
    names = [p.path for p in paths if p.path]
    parents = {name.rsplit(".", 1)[0] for name in names if "." in name}
    quantities = {
        p.path.rsplit(".", 1)[0]
        for p in paths
        if p.truthy and "." in p.path and p.path.rsplit(".", 1)[1] in UNIT_KEYS
    }
    containers: set[str] = set()
    for parent in parents:
        parts = parent.split(".")
        containers.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    blocked = tuple(hidden)
    wanted = containing.lower() if containing else None
    keys: dict[str, None] = {}
    for name in names:
        key = _key(name, quantities, containers)
        if key is None or key in keys:
            continue
        if any(pattern.search(key) for pattern in blocked):
            continue
        if wanted is not None and wanted not in key.lower():
            continue
        keys[key] = None
    return list(keys)


def _key(name: str, quantities: set[str], containers: set[str]) -> str | None:
    """The key a path belongs to: its outermost quantity, else itself if nothing is below it."""
    parts = name.split(".")
    for i in range(1, len(parts) + 1):
        prefix = ".".join(parts[:i])
        if prefix in quantities:
            return prefix
    return None if name in containers else name
