"""Parsing `ro-crate-metadata.json` into a crate graph and finding its descriptor and root.

Both dialects we accept are handled here: plain RO-Crate 1.1/1.2 (root `./`, local ids) and
FAIRSCAPE crates (ARK ids minted by fairscape-cli, EVI types, inline context).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fairdepot.core.crate_archive import METADATA_NAMES
from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.json_input import DEFAULT_LIMITS, JsonLimits, load_json, path_locator

METADATA_FILE = "ro-crate-metadata.json"
# The descriptor entity is named after the metadata file (RO-Crate 1.1 and the legacy 1.0 name).
DESCRIPTOR_IDS = METADATA_NAMES
EVI = "https://w3id.org/EVI#"

JsonObject = dict[str, Any]


def fail(message: str, location: str = METADATA_FILE) -> InvalidInput:
    return InvalidInput(message, problems=[Problem(message, location)])


def type_list(entity: JsonObject) -> list[str]:
    value = entity.get("@type", [])
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def short_type(type_iri: str) -> str:
    """`https://w3id.org/EVI#Dataset`, `EVI:Dataset`, `evi:Dataset`, `Dataset` -> `Dataset`."""
    return type_iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1].rsplit(":", 1)[-1]


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


@dataclass
class CrateGraph:
    """The parsed crate: its context, the descriptor, the root and the other entities."""

    context: Any
    descriptor: JsonObject
    root: JsonObject
    entities: list[JsonObject]  # everything but the descriptor and the root, in graph order
    positions: dict[str, int]  # @id -> index in the original @graph, for error locations

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
    return CrateGraph(document["@context"], descriptor, root, entities, positions)
