"""The one view of an RO-Crate's `@graph`: its descriptor, root and entities, by `@id`.

Both dialects we accept are handled here: plain RO-Crate 1.1/1.2 (root `./`, local ids) and
FAIRSCAPE crates (ARK ids minted by fairscape-cli, EVI types, inline context). A crate is read
in one of two ways: `parse_document` / `parse_metadata` check an upload strictly and say where
each problem is; `CrateGraph.read` takes a stored crate (already checked at upload) as it is,
for the crosswalks (Croissant), and only refuses one with no `@graph` or no findable root.

Crosswalks read crates the way fairscape-cli and ro-crate-py write them: compacted against
schema.org (`@vocab`) or the RO-Crate context. The helpers below look at compact keys and type
names rather than running a JSON-LD expansion, because expansion needs the crate's remote
contexts and the core never fetches anything.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from fairdepot.core.crate_archive import METADATA_NAMES
from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.json_input import DEFAULT_LIMITS, JsonLimits, load_json, path_locator

METADATA_FILE = "ro-crate-metadata.json"
# The descriptor entity is named after the metadata file (RO-Crate 1.1 and the legacy 1.0 name).
DESCRIPTOR_IDS = METADATA_NAMES
EVI = "https://w3id.org/EVI#"

JsonObject = dict[str, Any]
_MAX_TEXT_INT_BITS = 1024  # about 308 digits: longer integers are not metadata anyone reads
_EVI_PREFIXES = ("https://w3id.org/EVI#", "http://w3id.org/EVI#", "EVI:", "evi:")
_UNSAFE_ID_CHARS = re.compile(r"[^A-Za-z0-9_~-]")


def fail(message: str, location: str = METADATA_FILE) -> InvalidInput:
    return InvalidInput(message, problems=[Problem(message, location)])


def as_list(value: Any) -> list[Any]:
    """JSON-LD lets any property hold one value or an array; callers want an array."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def type_list(entity: Mapping[str, Any]) -> list[str]:
    """The entity's `@type` values that are strings, in order (one value or an array)."""
    return [v for v in as_list(entity.get("@type")) if isinstance(v, str)]


def short_type(type_iri: str) -> str:
    """`https://w3id.org/EVI#Dataset`, `EVI:Dataset`, `evi:Dataset`, `Dataset` -> `Dataset`."""
    return type_iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def local_type_names(entity: Mapping[str, Any], *, evi_only: bool = False) -> set[str]:
    """The entity's type names without namespace (`short_type` of each).

    With `evi_only`, only types in the EVI namespace count. That is how a FAIRSCAPE dataset
    (`EVI:Dataset`, a file) is told apart from a plain RO-Crate `Dataset` (a directory).
    """
    return {
        short_type(raw)
        for raw in type_list(entity)
        if not evi_only or raw.startswith(_EVI_PREFIXES)
    }


def ref_id(value: Any) -> str | None:
    """The `@id` of a reference (`{"@id": ...}`), or the string itself."""
    if isinstance(value, Mapping):
        found = value.get("@id")
        return found if isinstance(found, str) and found else None
    return value if isinstance(value, str) and value else None


def id_refs(value: Any) -> Iterator[str]:
    """Every `{"@id": ...}` reference inside a property value (objects, lists, nesting)."""
    if isinstance(value, dict):
        ref = value.get("@id")
        if isinstance(ref, str):
            yield ref
        for key, inner in value.items():
            if key != "@id":
                yield from id_refs(inner)
    elif isinstance(value, list):
        for item in value:
            yield from id_refs(item)


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


@dataclass
class CrateGraph:
    """A crate: its context, the descriptor, the root and the other entities, by `@id`."""

    context: Any
    # None only for a stored crate read without one (`read` then takes `./` as the root).
    descriptor: JsonObject | None
    root: JsonObject
    entities: list[JsonObject]  # everything but the descriptor and the root, in graph order
    positions: dict[str, int]  # @id -> index in the original @graph, for error locations
    by_id: dict[str, JsonObject] = field(default_factory=dict, repr=False)

    @classmethod
    def read(cls, crate: Mapping[str, Any]) -> CrateGraph:
        """A stored crate as it is: entities by their first `@id`, the root wherever found.

        The root is the entity the metadata descriptor is `about` (RO-Crate 1.1 §4.1), else
        `./`. Raises InvalidInput only when there is no `@graph` array or no root.
        """
        graph = crate.get("@graph") if isinstance(crate, Mapping) else None
        if not isinstance(graph, list):
            raise InvalidInput(
                "not an RO-Crate: no @graph array",
                problems=[Problem("an RO-Crate needs a @graph array", "/@graph")],
            )
        by_id: dict[str, JsonObject] = {}
        positions: dict[str, int] = {}
        for index, entity in enumerate(graph):
            identifier = ref_id(entity) if isinstance(entity, dict) else None
            if identifier is not None and identifier not in by_id:
                by_id[identifier] = entity
                positions[identifier] = index
        descriptor, root = _find_descriptor_and_root(by_id)
        entities = [e for e in by_id.values() if e is not descriptor and e is not root]
        return cls(crate.get("@context"), descriptor, root, entities, positions, by_id)

    @property
    def is_fairscape(self) -> bool:
        types = type_list(self.root)
        return any(short_type(t) == "ROCrate" for t in types)

    def where(self, entity_id: str) -> str:
        index = self.positions.get(entity_id)
        return (
            f'{METADATA_FILE}: @graph[{index}] "{entity_id}"'
            if index is not None
            else METADATA_FILE
        )

    def get(self, identifier: str | None) -> JsonObject | None:
        """The entity with this `@id`, if the crate describes it."""
        return self.by_id.get(identifier) if identifier else None

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


def _find_descriptor_and_root(
    by_id: Mapping[str, JsonObject],
) -> tuple[JsonObject | None, JsonObject]:
    for descriptor_id in DESCRIPTOR_IDS:
        descriptor = by_id.get(descriptor_id)
        root_id = ref_id(descriptor.get("about")) if descriptor else None
        if root_id and root_id in by_id:
            return descriptor, by_id[root_id]
    if "./" in by_id:
        return None, by_id["./"]
    raise InvalidInput(
        "not an RO-Crate: the root data entity cannot be found",
        problems=[
            Problem(
                "the ro-crate-metadata.json descriptor must be 'about' an entity in @graph",
                "/@graph",
            )
        ],
    )


# ro-crate-metadata.json: @graph[2] "./" author[0].name
graph_location = path_locator(METADATA_FILE)


def parse_metadata(raw: bytes, limits: JsonLimits = DEFAULT_LIMITS) -> CrateGraph:
    """Parse and structurally check the metadata file; errors say what and where."""
    return parse_document(load_json(raw, limits, source=METADATA_FILE, locate=graph_location))


def parse_document(document: Any) -> CrateGraph:
    """Structurally check an already-decoded crate document."""
    if not isinstance(document, dict):
        raise fail("the document must be a JSON object with @context and @graph")
    graph = document.get("@graph")
    if not isinstance(graph, list) or not graph:
        raise fail("@graph is missing or empty: an RO-Crate lists its entities in @graph")
    if "@context" not in document:
        raise fail("@context is missing")

    positions: dict[str, int] = {}
    problems: list[Problem] = []
    for index, entity in enumerate(graph):
        where = f"{METADATA_FILE}: @graph[{index}]"
        if not isinstance(entity, dict):
            problems.append(Problem("each @graph element must be a JSON object", where))
            continue
        entity_id = entity.get("@id")
        if not isinstance(entity_id, str) or not entity_id.strip():
            problems.append(Problem("missing @id", where))
            continue
        if not type_list(entity):
            problems.append(Problem("missing @type", f'{where} "{entity_id}"'))
        if entity_id in positions:
            problems.append(Problem("duplicate @id", f'{where} "{entity_id}"'))
        positions[entity_id] = index
    if problems:
        raise InvalidInput("the crate's @graph is malformed", problems=problems)

    by_id = {e["@id"]: e for e in graph}
    descriptor = next((by_id[d] for d in DESCRIPTOR_IDS if d in by_id), None)
    if descriptor is None:
        descriptor = next(
            (
                e
                for e in graph
                if e["@id"].endswith(("/" + DESCRIPTOR_IDS[0], "/" + DESCRIPTOR_IDS[1]))
            ),
            None,
        )
    if descriptor is None:
        raise fail('no metadata descriptor: @graph needs {"@id": "ro-crate-metadata.json"}')
    about = descriptor.get("about")
    root_id = about.get("@id") if isinstance(about, dict) else None
    if not isinstance(root_id, str):
        raise fail(
            'the descriptor has no "about": {"@id": <root>} naming the root dataset',
            f'{METADATA_FILE}: @graph[{positions[descriptor["@id"]]}] "{descriptor["@id"]}"',
        )
    root = by_id.get(root_id)
    if root is None:
        raise fail(
            f'the descriptor is about "{root_id}", which is not in @graph (no root dataset)',
            f'{METADATA_FILE}: @graph[{positions[descriptor["@id"]]}] "{descriptor["@id"]}"',
        )
    entities = [e for e in graph if e is not descriptor and e is not root]
    return CrateGraph(document["@context"], descriptor, root, entities, positions, by_id)
