"""A read-only view of an RO-Crate JSON-LD document: its root, and its entities by `@id`.

Crosswalks read crates the way fairscape-cli and ro-crate-py write them: compacted against
schema.org (`@vocab`) or the RO-Crate context. They look at compact keys and type names rather
than running a JSON-LD expansion, because expansion needs the crate's remote contexts and the
core never fetches anything.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from fairdepot.core.crates.graph import DESCRIPTOR_IDS
from fairdepot.core.errors import InvalidInput, Problem

JsonObject = dict[str, Any]
_MAX_TEXT_INT_BITS = 1024  # about 308 digits: longer integers are not metadata anyone reads

_EVI_PREFIXES = ("https://w3id.org/EVI#", "http://w3id.org/EVI#", "EVI:", "evi:")
_UNSAFE_ID_CHARS = re.compile(r"[^A-Za-z0-9_~-]")


def as_list(value: Any) -> list[Any]:
    """JSON-LD lets any property hold one value or an array; callers want an array."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def ref_id(value: Any) -> str | None:
    """The `@id` of a reference (`{"@id": ...}`), or the string itself."""
    if isinstance(value, Mapping):
        found = value.get("@id")
        return found if isinstance(found, str) and found else None
    return value if isinstance(value, str) and value else None


def text(value: Any) -> str | None:
    """The first plain-text value: strings, numbers, `{"@value": ...}`; never an object."""
    for item in as_list(value):
        if isinstance(item, Mapping):
            item = item.get("@value")
        if isinstance(item, bool):
            continue
        if isinstance(item, int) and abs(item).bit_length() > _MAX_TEXT_INT_BITS:
            continue  # str() refuses integers over 4,300 digits; such a value says nothing
        if isinstance(item, int | float):
            return str(item)
        if isinstance(item, str) and item.strip():
            return item.strip()
    return None


def local_type_names(entity: Mapping[str, Any], *, evi_only: bool = False) -> set[str]:
    """Type names without namespace: `EVI:Dataset`, `https://w3id.org/EVI#Dataset` -> `Dataset`.

    With `evi_only`, only types in the EVI namespace count. That is how a FAIRSCAPE dataset
    (`EVI:Dataset`, a file) is told apart from a plain RO-Crate `Dataset` (a directory).
    """
    names: set[str] = set()
    for raw in as_list(entity.get("@type")):
        if not isinstance(raw, str):
            continue
        if evi_only and not raw.startswith(_EVI_PREFIXES):
            continue
        names.add(re.split(r"[#:/]", raw)[-1])
    return names


def last_segment(identifier: str) -> str:
    """The last path segment of an `@id` (`ark:59852/dataset-x` -> `dataset-x`)."""
    return identifier.rstrip("/").split("/")[-1]


def distinct_local_ids(identifiers: Iterable[str], prefix: str) -> dict[str, str]:
    """Short fragment ids (`#<prefix><last segment>`) that stay unique within one document.

    Ids whose last segments collide (`a/data.csv` and `b/data.csv`, or one ARK postfix under
    two NAANs) all get a hash of their full `@id` appended. Every member of a colliding group
    is suffixed, so an id does not depend on which entity happens to come first in the graph.
    """
    segments = {i: _UNSAFE_ID_CHARS.sub("-", last_segment(i)) for i in dict.fromkeys(identifiers)}
    counts = Counter(segments.values())
    result: dict[str, str] = {}
    for identifier, segment in segments.items():
        if counts[segment] > 1 or not segment:
            digest = hashlib.sha256(identifier.encode("utf-8")).hexdigest()[:8]
            segment = f"{segment}-{digest}" if segment else digest
        result[identifier] = f"#{prefix}{segment}"
    return result


class CrateGraph:
    """The `@graph` of one crate, indexed by `@id`, with its root data entity located."""

    def __init__(self, crate: Mapping[str, Any]) -> None:
        graph = crate.get("@graph") if isinstance(crate, Mapping) else None
        if not isinstance(graph, list):
            raise InvalidInput(
                "not an RO-Crate: no @graph array",
                problems=[Problem("an RO-Crate needs a @graph array", "/@graph")],
            )
        self.entities: list[JsonObject] = []
        self._by_id: dict[str, JsonObject] = {}
        for entity in graph:
            identifier = ref_id(entity) if isinstance(entity, dict) else None
            if identifier is not None and identifier not in self._by_id:
                self._by_id[identifier] = entity
                self.entities.append(entity)
        self.root: JsonObject = self._find_root()

    def _find_root(self) -> JsonObject:
        """The entity the metadata descriptor is `about` (RO-Crate 1.1 §4.1), else `./`."""
        for descriptor_id in DESCRIPTOR_IDS:
            descriptor = self._by_id.get(descriptor_id)
            root_id = ref_id(descriptor.get("about")) if descriptor else None
            if root_id and root_id in self._by_id:
                return self._by_id[root_id]
        if "./" in self._by_id:
            return self._by_id["./"]
        raise InvalidInput(
            "not an RO-Crate: the root data entity cannot be found",
            problems=[
                Problem(
                    "the ro-crate-metadata.json descriptor must be 'about' an entity in @graph",
                    "/@graph",
                )
            ],
        )

    def get(self, identifier: str | None) -> JsonObject | None:
        """The entity with this `@id`, if the crate describes it."""
        return self._by_id.get(identifier) if identifier else None

    def resolve(self, value: Any) -> JsonObject | None:
        """An inline object as is; a bare `{"@id": ...}` reference as the entity it names."""
        if not isinstance(value, Mapping):
            return None
        if set(value) - {"@id"}:
            return dict(value)
        return self.get(ref_id(value))

    def is_descriptor_or_root(self, entity: Mapping[str, Any]) -> bool:
        """Whether the entity describes the crate itself rather than something in it."""
        identifier = ref_id(entity)
        return identifier in DESCRIPTOR_IDS or identifier == ref_id(self.root)
