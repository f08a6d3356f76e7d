"""A FAIRSCAPE crate → a SciCat dataset: the reverse crosswalk (docs/crosswalks.md, "SciCat
datasets from FAIRSCAPE crates").

A crate uploaded through the FAIRSCAPE face is one record of kind `ROCrate`; its JSON-LD root
is what SciCat clients see, read only, as a dataset. `dataset_from_crate` renders it;
`crate_filter` turns a SciCat `where` (translated for SciCat records by
`services/scicat/where.py`) into the same condition on a crate's JSON-LD, so one SQL
statement finds both kinds of record; `crate_facets` does the same for fullfacet's counts.
Each SciCat field has one rule, used by both the rendering and the query, so what a filter
matches is what the client reads back, except for the fields compared per author (`owner`,
`ownerEmail`, `contactEmail`): rendered from the first author or all authors' e-mails joined,
queried as "one author's value" (docs/crosswalks.md; no path picks the first of a list or
joins one).

The pid of a crate is its ARK (`ark:59852/rocrate-...`): SciCat clients quote it as one path
segment and `GET /datasets/{pid}` finds the record by it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.document_values import parse_timestamp
from fairdepot.core.query import (
    NEGATIONS,
    And,
    Column,
    Comparison,
    FacetRequest,
    Field,
    Filter,
    Not,
    Op,
    Or,
    like_to_regexp,
)
from fairdepot.core.records import Face, PublicationStatus, Record
from fairdepot.core.timestamps import format_time

CRATE_KINDS = ("ROCrate",)
"""FAIRSCAPE record kinds that are SciCat datasets: crate roots only. Their members (datasets,
software, computations of the crate) are parts of the dataset, as a SciCat dataset's files
are, not datasets of their own."""

FAIRSCAPE_CRATES: Filter = And(
    (
        Comparison(Field(column=Column.FACE), Op.EQ, Face.FAIRSCAPE.value),
        Comparison(Field(column=Column.KIND), Op.IN, CRATE_KINDS),
    )
)

READ_ONLY = "This dataset is managed by the FAIRSCAPE face: change it there (a FAIRSCAPE crate)"
"""The 403 message of a SciCat write on a crate."""

ALWAYS: Filter = Comparison(Field(column=Column.ARK), Op.EXISTS, True)
NEVER: Filter = Comparison(Field(column=Column.ARK), Op.EXISTS, False)
"""Conditions every record meets / none meets (every record has an ARK)."""

_EARLIEST = datetime(1, 1, 2, tzinfo=UTC)


def _meta(*path: str) -> Field:
    return Field(document="metadata", path=path)


# -- where each SciCat field is in a crate --------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a SciCat field's value is in a crate record: any of `fields` (a path of the
    JSON-LD root or a column) holds it, or, for a `chain`, the first of them that holds a
    value of the field's type (a timestamp for a time field, else a text)."""

    fields: tuple[Field, ...]
    chain: bool = False
    time: bool = False


SOURCES: dict[str, Source] = {
    "pid": Source((Field(column=Column.ARK),)),
    "sourceFolder": Source((Field(column=Column.ARK),)),
    "ownerGroup": Source((Field(column=Column.OWNER_GROUP),)),
    "createdAt": Source((Field(column=Column.CREATED_AT),)),
    "updatedAt": Source((Field(column=Column.UPDATED_AT),)),
    "datasetName": Source((_meta("name"), Field(column=Column.ARK)), chain=True),
    "description": Source((_meta("description"),)),
    "keywords": Source((_meta("keywords"),)),
    "license": Source((_meta("license"), _meta("license", "@id"))),
    "owner": Source((_meta("author"), _meta("author", "name"))),
    "principalInvestigators": Source((_meta("author"), _meta("author", "name"))),
    # per author (the module's docstring): rendered as the first's / all joined by ";"
    "contactEmail": Source((_meta("author", "email"),)),
    "ownerEmail": Source((_meta("author", "email"),)),
    "inputDatasets": Source((_meta("usedDataset"), _meta("usedDataset", "@id"))),
    "usedSoftware": Source((_meta("usedSoftware"), _meta("usedSoftware", "@id"))),
    "creationTime": Source(
        (_meta("dateCreated"), _meta("datePublished"), Field(column=Column.CREATED_AT)),
        chain=True,
        time=True,
    ),
}
"""SciCat dataset fields a crate has, by the rule `dataset_from_crate` renders them with.
`type` is computed (raw or derived, `DERIVED`); `isPublished` is the record's publication
state for both faces. Every other field (`size`, `scientificMetadata`, `accessGroups`...) has
no place in a crate that a query could read: a condition on it matches no crate (its negation
every crate)."""

_COLUMN_NAMES = {
    Column.OWNER_GROUP: "ownerGroup",
    Column.KIND: "type",
    Column.CREATED_AT: "createdAt",
    Column.UPDATED_AT: "updatedAt",
    Column.PUBLICATION_STATUS: "isPublished",
}


def _has_text(target: Field) -> Filter:
    return Comparison(target, Op.LIKE, "%")


DERIVED: Filter = Or((_has_text(_meta("usedDataset")), _has_text(_meta("usedDataset", "@id"))))
"""A crate is a derived dataset when its root names the datasets it was made from
(`usedDataset`); otherwise it is raw."""


def _has_time(target: Field) -> Filter:
    return Comparison(target, Op.GTE, _EARLIEST)


# -- queries ------------------------------------------------------------------------------


def crate_filter(node: Filter) -> Filter:
    """A SciCat `where` tree (on SciCat's native fields and columns) as the same condition on
    crate records, field by field through `SOURCES`."""
    if isinstance(node, And):
        return And(tuple(crate_filter(p) for p in node.parts))
    if isinstance(node, Or):
        return Or(tuple(crate_filter(p) for p in node.parts))
    if isinstance(node, Not):
        return Not(crate_filter(node.part))
    if node.op in NEGATIONS:  # "has no such value": the complement of the positive form
        return Not(crate_filter(Comparison(node.field, NEGATIONS[node.op], node.value)))
    if node.op is Op.EXISTS and node.value is False:
        return Not(crate_filter(Comparison(node.field, Op.EXISTS, True)))
    return _positive(node)


def scicat_field(target: Field) -> tuple[str, tuple[str, ...]] | None:
    """The SciCat field (and the path below it) a translated condition is on."""
    if target.column is not None:
        name = _COLUMN_NAMES.get(target.column)
        return (name, ()) if name else None
    if target.document == "native" and target.path:
        return target.path[0], target.path[1:]
    return None


def _positive(node: Comparison) -> Filter:
    found = scicat_field(node.field)
    if found is None:
        return NEVER
    name, rest = found
    if name == "isPublished":
        return node  # the record's publication state, for both faces
    if name == "type" and not rest:
        return _type_condition(node)
    source = SOURCES.get(name)
    if source is None or rest:
        return NEVER
    if source.chain:
        return _chained(source, node)
    return _any(source.fields, node)


def _any(fields: tuple[Field, ...], node: Comparison) -> Filter:
    parts = tuple(Comparison(f, node.op, node.value) for f in fields)
    return parts[0] if len(parts) == 1 else Or(parts)


def _chained(source: Source, node: Comparison) -> Filter:
    """The condition on the first of the source's fields that holds a value (the last one, a
    column, always does)."""
    if node.op is Op.EXISTS:
        return ALWAYS
    has = _has_time if source.time else _has_text
    branches: list[Filter] = []
    earlier: list[Filter] = []
    for target in source.fields:
        here = Comparison(target, node.op, node.value)
        if target.column is not None:
            branches.append(And((*earlier, here)) if earlier else here)
            break
        branches.append(And((*earlier, has(target), here)))
        earlier.append(Not(has(target)))
    return Or(tuple(branches))


def _type_condition(node: Comparison) -> Filter:
    """`type` of a crate is "raw" or "derived" (`DERIVED`): the condition holds for the labels
    it accepts."""
    if node.op is Op.EXISTS:
        return ALWAYS
    accepted = [
        DERIVED if label == "derived" else Not(DERIVED)
        for label in ("raw", "derived")
        if matches(node.op, node.value, label)
    ]
    if not accepted:
        return NEVER
    return accepted[0] if len(accepted) == 1 else ALWAYS


def matches(op: Op, value: object, text: str) -> bool:
    """Whether a positive comparison holds for the text `text` (as the database would)."""
    if op is Op.EQ:
        return value == text
    if op is Op.IN:
        return isinstance(value, tuple) and text in value
    if op is Op.LIKE and isinstance(value, str):
        return like_to_regexp(value).fullmatch(text) is not None
    if op is Op.ILIKE and isinstance(value, str):
        return like_to_regexp(value.lower()).fullmatch(text.lower()) is not None
    if op is Op.REGEXP and isinstance(value, str):
        flags = re.IGNORECASE if value.startswith("(?i)") else 0
        return re.search(value.removeprefix("(?i)"), text, flags) is not None
    if op is Op.BETWEEN and isinstance(value, tuple) and all(isinstance(v, str) for v in value):
        return str(value[0]) <= text <= str(value[1])
    if isinstance(value, str):
        ranges = {Op.GT: text > value, Op.GTE: text >= value, Op.LT: text < value}
        return ranges.get(op, text <= value)
    return False


def crate_facets(request: FacetRequest) -> list[tuple[FacetRequest, str | None]]:
    """The facet requests that count crates for a SciCat facet, each with the label its
    buckets take (None: the value found). A field crates do not have counts none."""
    name = request.key
    found = scicat_field(request.field)
    if found is None:
        return []
    field_name, rest = found
    if field_name == "isPublished":
        return [(FacetRequest(request.field, FAIRSCAPE_CRATES, request.limit, f"{name}@c"), None)]
    if field_name == "type" and not rest:
        face = Field(column=Column.FACE)
        return [
            (FacetRequest(face, And((FAIRSCAPE_CRATES, DERIVED)), 1, f"{name}@derived"), "derived"),
            (FacetRequest(face, And((FAIRSCAPE_CRATES, Not(DERIVED))), 1, f"{name}@raw"), "raw"),
        ]
    source = SOURCES.get(field_name)
    if source is None or rest:
        return []
    fields = source.fields[:1] if source.chain else source.fields
    return [
        (
            FacetRequest(
                f, FAIRSCAPE_CRATES, request.limit, f"{name}@{i}", granularity=request.granularity
            ),
            None,
        )
        for i, f in enumerate(fields)
    ]


# -- the dataset a SciCat client reads --------------------------------------------------------


def dataset_from_crate(record: Record, version: ApiVersion = ApiVersion.V4) -> dict[str, Any]:
    """The SciCat dataset (v4 shape; v3 adds its singular aliases) a crate record is."""
    root = record.metadata
    authors = _authors(root.get("author"))
    names = [a["name"] for a in authors if a.get("name")]
    emails = [a["email"] for a in authors if a.get("email")]
    inputs = _references(root.get("usedDataset"))
    dataset: dict[str, Any] = {
        "pid": record.ark,
        "type": "derived" if inputs else "raw",
        "datasetName": _first_text(root.get("name")) or record.ark,
        "ownerGroup": record.access.owner_group or "",
        "accessGroups": list(record.access.access_groups),
        "isPublished": record.access.publication is PublicationStatus.PUBLISHED,
        "sourceFolder": record.ark,
        "creationTime": _creation_time(root, record),
        "keywords": _texts(root.get("keywords")),
        "size": _size(record),
        "numberOfFiles": _file_count(record),
        "scientificMetadata": _scientific_metadata(root.get("additionalProperty")),
        "inputDatasets": inputs,
        "usedSoftware": _references(root.get("usedSoftware")),
    }
    if isinstance(root.get("description"), str):
        dataset["description"] = root["description"]
    license_ = _license(root.get("license"))
    if license_:
        dataset["license"] = license_
    if names:
        dataset["owner"] = names[0]
        dataset["principalInvestigators"] = names
    # SciCat clients require contactEmail, createdBy and updatedBy: empty when unknown
    dataset["contactEmail"] = ";".join(emails)
    if emails:
        dataset["ownerEmail"] = emails[0]
    dataset["createdBy"] = dataset["updatedBy"] = record.owner_username or ""
    if record.created_at is not None:
        dataset["createdAt"] = format_time(record.created_at)
    if record.updated_at is not None:
        dataset["updatedAt"] = format_time(record.updated_at)
    dataset["version"] = "3" if version is ApiVersion.V3 else "4"
    if version is ApiVersion.V3 and names:  # v3's singular aliases
        dataset["principalInvestigator"] = names[0]
        if inputs:
            dataset["investigator"] = names[0]
    return dataset


def _authors(value: object) -> list[dict[str, str]]:
    """`author` as written by fairscape-cli (a text, possibly "A, B") or schema.org Persons;
    a text is one author (the query compares the text as written)."""
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        if isinstance(item, str) and item.strip():
            found.append({"name": item})
        elif isinstance(item, dict):
            person = {key: item[key] for key in ("name", "email") if isinstance(item.get(key), str)}
            if "name" not in person and isinstance(item.get("@id"), str):
                person["name"] = item["@id"]
            if person:
                found.append(person)
    return found


def _first_text(value: object) -> str | None:
    """The first text of a value (what a chained query reads first)."""
    texts = _texts(value)
    return texts[0] if texts else None


def _texts(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, str)]


def _references(value: object) -> list[str]:
    """Strings and `{"@id"}`s (the ARKs of the inputs or software)."""
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("@id")
        if isinstance(item, str) and item:
            found.append(item)
    return found


def _license(value: object) -> str | None:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            item = item.get("@id")
        if isinstance(item, str) and item:
            return item
    return None


def _creation_time(root: dict[str, Any], record: Record) -> str | None:
    """`dateCreated`, else `datePublished` (the first timestamp in each), else when the record
    was created: the same chain `SOURCES["creationTime"]` queries."""
    for key in ("dateCreated", "datePublished"):
        for item in _texts(root.get(key)):
            instant = parse_timestamp(item)
            if instant is not None:
                return format_time(instant)
    return format_time(record.created_at) if record.created_at is not None else None


def _size(record: Record) -> int:
    """The bytes of the crate's stored files; without them (a metadata-only crate, or a record
    loaded without files), the `contentSize`s its `hasPart` entries give."""
    if record.files:
        return sum(f.size for f in record.files)
    return sum(_bytes(p.get("contentSize")) for p in _parts(record))


def _file_count(record: Record) -> int:
    if record.files:
        return len(record.files)
    return sum(1 for p in _parts(record) if _bytes(p.get("contentSize")) or p.get("contentUrl"))


def _parts(record: Record) -> list[dict[str, Any]]:
    parts = record.metadata.get("hasPart")
    return [p for p in parts if isinstance(p, dict)] if isinstance(parts, list) else []


def _bytes(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str):
        digits = value.strip().removesuffix("B").strip()
        if digits.isdigit():
            return int(digits)
    return 0


def _scientific_metadata(value: object) -> dict[str, Any]:
    """`additionalProperty` PropertyValues as SciCat's scientific metadata: `{name: {value,
    unit}}` with a `unitText`, `{name: value}` without; entries without a name are dropped."""
    found: dict[str, Any] = {}
    for item in value if isinstance(value, list) else [value]:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        node = item.get("value")
        if isinstance(item.get("unitText"), str):
            found[item["name"]] = {"value": node, "unit": item["unitText"]}
        else:
            found[item["name"]] = node
    return found
