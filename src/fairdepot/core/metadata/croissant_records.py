"""Croissant `recordSet`: one RecordSet per (Schema, data file) pair a crate declares.

FAIRSCAPE datasets point at an `EVI:Schema` (a JSON-Schema-like object: `properties` with
`type`/`description`/`index`, and `required`). Each property becomes a `cr:Field` read from the
dataset's FileObject column of the same name, as fairscape-models does. Where fairscape-models
emits something mlcroissant rejects (`rdf:List` for arrays) or keys that name no field, we
differ; see docs/crosswalks.md.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote

from fairdepot.core.crates.graph import (
    CrateGraph,
    JsonObject,
    as_list,
    distinct_local_ids,
    local_type_names,
    ref_id,
    text,
)

#: Keys under which FAIRSCAPE data entities reference their schema.
_SCHEMA_KEYS: Final = (
    "dataSchema",
    "evi:Schema",
    "EVI:Schema",
    "https://w3id.org/EVI#Schema",
    "schema",
    "evi:schema",
)
_DATA_TYPES: Final = {
    "string": "sc:Text",
    "integer": "sc:Integer",
    "number": "sc:Float",
    "boolean": "sc:Boolean",
    "object": "sc:Thing",
    "null": "sc:Text",
}
#: The `wd:` prefix the split field's data type uses (not in the standard context).
SPLIT_PREFIXES: Final = {"wd": "https://www.wikidata.org/wiki/"}
_SPLIT_URL = "https://mlcommons.org/definitions/"
_SPLITS: Final[JsonObject] = {
    "@id": "splits",
    "@type": "cr:RecordSet",
    "name": "splits",
    "dataType": "cr:Split",
    "description": "Maps split names to semantic values.",
    "key": {"@id": "splits/name"},
    "field": [
        {
            "@type": "cr:Field",
            "@id": "splits/name",
            "name": "splits/name",
            "description": "One of: train, val, test.",
            "dataType": "sc:Text",
        },
        {
            "@type": "cr:Field",
            "@id": "splits/url",
            "name": "splits/url",
            "description": "Corresponding mlcommons.org definition URL",
            "dataType": ["sc:URL", "wd:Q3985153"],
        },
    ],
    "data": [
        {"splits/name": name, "splits/url": f"{_SPLIT_URL}{definition}"}
        for name, definition in (
            ("train", "training_split"),
            ("val", "validation_split"),
            ("test", "test_split"),
        )
    ],
}


def record_sets(graph: CrateGraph, file_ids: Mapping[str, str]) -> list[JsonObject]:
    """RecordSets for every schema referenced by a file in `file_ids` (crate id -> FileObject id).

    A schema shared by several files yields one RecordSet per file, because a Croissant field
    reads from exactly one source; fairscape-models kept only the last file.
    """
    pairs: list[tuple[JsonObject, str]] = []
    for entity_id, file_id in file_ids.items():
        entity = graph.get(entity_id) or {}
        for key in _SCHEMA_KEYS:
            for reference in as_list(entity.get(key)):
                schema = graph.resolve(reference)
                if schema is not None and _is_schema(schema):
                    pairs.append((schema, file_id))
    schema_ids = [ref_id(schema) or file_id for schema, file_id in pairs]
    base_ids = distinct_local_ids(schema_ids, prefix="recordset-")
    uses = Counter(schema_ids)
    sets: list[JsonObject] = []
    for (schema, file_id), schema_id in zip(pairs, schema_ids, strict=True):
        set_id = base_ids[schema_id]
        if uses[schema_id] > 1:
            set_id = f"{set_id}-{file_id.removeprefix('#file-')}"
        record_set = _record_set(schema, set_id, file_id)
        if record_set is not None:
            sets.append(record_set)
    if any(_has_split(rs["field"]) for rs in sets):
        sets.append(copy.deepcopy(_SPLITS))
    return sets


def _is_schema(entity: JsonObject) -> bool:
    return "Schema" in local_type_names(entity) or isinstance(entity.get("properties"), Mapping)


def _record_set(schema: JsonObject, set_id: str, file_id: str) -> JsonObject | None:
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return None
    fields = _fields(properties, set_id, file_id, parent="")
    if not fields:
        return None
    field_ids = {field["@id"] for field in fields}
    required = [name for name in as_list(schema.get("required")) if isinstance(name, str)]
    keys = [f"{set_id}/{_slug(name)}" for name in required]  # JSON Schema: names are text
    name = text(schema.get("name"))
    record_set: JsonObject = {
        "@id": set_id,
        "@type": "cr:RecordSet",
        "name": name.replace(" ", "_") if name else set_id.lstrip("#"),
        "description": text(schema.get("description")),
        "key": [{"@id": key} for key in keys if key in field_ids] or None,
        "field": fields,
    }
    return {key: value for key, value in record_set.items() if value is not None}


def _fields(
    properties: Mapping[str, Any], set_id: str, file_id: str, parent: str
) -> list[JsonObject]:
    """`cr:Field`s for schema properties; object properties nest as `subField`s."""
    fields: list[JsonObject] = []
    for prop_name, details in properties.items():
        if not isinstance(details, Mapping):
            continue
        path = f"{parent}/{prop_name}" if parent else str(prop_name)
        field: JsonObject = {
            "@id": f"{set_id}/{_slug(path)}",
            "@type": "cr:Field",
            "name": str(prop_name).replace(" ", "_"),
            "description": text(details.get("description")),
            "dataType": _data_type(details),
            "source": {
                "fileObject": {"@id": file_id},
                "extract": {"column": path.replace("/", ".")},
            },
        }
        if _json_type(details) == "array" or details.get("separator"):
            field["repeated"] = True
        if isinstance(details.get("separator"), str):
            field["separator"] = details["separator"]
        if str(prop_name).lower() == "split":
            field["dataType"] = ["sc:Text", "wd:Q3985153"]
            field["references"] = {"field": {"@id": "splits/name"}}
        nested = details.get("properties")
        if _json_type(details) == "object" and isinstance(nested, Mapping) and nested:
            field["subField"] = _fields(nested, set_id, file_id, parent=path)
        fields.append({key: value for key, value in field.items() if value is not None})
    return fields


def _json_type(details: Mapping[str, Any]) -> str:
    """The JSON Schema `type`, ignoring `null` in a union such as `["string", "null"]`."""
    types = [t for t in as_list(details.get("type")) if isinstance(t, str)]
    concrete = [t.lower() for t in types if t.lower() != "null"]
    return concrete[0] if concrete else "string"


def _data_type(details: Mapping[str, Any]) -> str:
    """Croissant data type; an array is its items' type with `repeated` (not `rdf:List`)."""
    json_type = _json_type(details)
    if json_type == "array":
        items = details.get("items")
        json_type = _json_type(items) if isinstance(items, Mapping) else "string"
        if json_type == "array":
            json_type = "string"
    return _DATA_TYPES.get(json_type, "sc:Text")


def _slug(path: str) -> str:
    """A field's id segment: fairscape-models' `_` for spaces and hyphens, then URI-escaped."""
    return quote(path.replace(" ", "_").replace("-", "_"), safe="/_.~")


def _has_split(fields: list[JsonObject]) -> bool:
    return any(
        f.get("references") == {"field": {"@id": "splits/name"}}
        or _has_split(f.get("subField", []))
        for f in fields
    )
