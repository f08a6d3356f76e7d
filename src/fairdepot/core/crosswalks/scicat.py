"""A SciCat dataset ↔ a record (docs/crosswalks.md, "SciCat").

The record's native document is the dataset as SciCat stores it (the v4 shape, from
`scicat_validation`), so a client reads back what it wrote; the JSON-LD metadata is a
schema.org Dataset derived from it; access comes from `ownerGroup`, `accessGroups` and
`isPublished`; the dataset's `pid` is an identifier of scheme "pid" (`IdentifierScheme.
SCICAT_PID`). What the server fills in (`createdAt`, `createdBy`, `version`...) is not in the
native document: `dataset_of` adds it from the record, so it cannot disagree with the record.

`query_field` says where each dataset field is kept, for SciCat's filters
(services/scicat/filters.py): an indexed record column where one holds the same value, else a
path into the native document.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from fairdepot.core import ark as arks
from fairdepot.core.crosswalks.scicat_fields import (
    FIELDS,
    TIME_FIELDS,
    V3_ALIASES,
    ApiVersion,
    Kind,
)
from fairdepot.core.crosswalks.scicat_lifecycle import lifecycle_with_defaults
from fairdepot.core.metadata.contexts import FAIRSCAPE_CONTEXT
from fairdepot.core.query import Column, Field, InvalidQuery
from fairdepot.core.record_changes import MetadataChange, RecordChanges
from fairdepot.core.records import (
    Access,
    Face,
    IdentifierScheme,
    PublicationStatus,
    Record,
    Relation,
)
from fairdepot.core.relations import extract_relations
from fairdepot.core.timestamps import format_time

INPUT_DATASET = "usedDataset"
USED_SOFTWARE = "usedSoftware"
"""The JSON-LD properties (EVI's, as FAIRSCAPE's evidence graphs follow them) and relation
predicates of a dataset's inputs and software; relation targets are ARK keys (or URLs)."""

SCICAT_CONTEXT: dict[str, Any] = {
    **FAIRSCAPE_CONTEXT,
    INPUT_DATASET: "EVI:usedDataset",
    USED_SOFTWARE: "EVI:usedSoftware",
}
"""FAIRSCAPE's context, with the two provenance terms FAIRSCAPE writes unprefixed bound to
EVI, so the RDF says EVI's words and the evidence graph (services/provenance.py) reads them."""

InputArks = Mapping[str, str]
"""pid → ARK of the `inputDatasets` that are records here (a SciCat dataset's pid, or a
crate's ARK given as pid); the service looks them up, the crosswalk stays a pure function."""

_NO_INPUTS: InputArks = {}
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")


def record_of(
    dataset: dict[str, Any],
    *,
    ark: str,
    owner_id: str | None,
    created_by: str | None = None,
    inputs: InputArks = _NO_INPUTS,
) -> Record:
    """A new record for a checked dataset (`validate_dataset`) that holds its `pid`;
    `created_by` is the creating account's name (SciCat's `createdBy` and `updatedBy`);
    `inputs` the ARKs of its input datasets found here."""
    pid = dataset.get("pid")
    if not isinstance(pid, str) or not pid:
        raise ValueError("a dataset needs its pid before it becomes a record")
    native = copy.deepcopy(dataset)
    if created_by is not None:
        native.setdefault("createdBy", created_by)
        native.setdefault("updatedBy", created_by)
    metadata = jsonld_of(dataset, ark, inputs=inputs)
    return Record(
        ark=ark,
        kind=str(dataset["type"]),
        face=Face.SCICAT,
        metadata=metadata,
        access=access_of(dataset, owner_id),
        types=["Dataset"],
        name=dataset.get("datasetName"),
        description=dataset.get("description"),
        keywords=list(dataset.get("keywords") or []),
        native=native,
        identifiers={IdentifierScheme.SCICAT_PID.value: pid},
        relations=relations_of(metadata),
    )


_FROM_RECORD = frozenset({"createdAt", "updatedAt", "version"})
"""Fields `dataset_of` takes from the record, never kept in the native document."""


def changes_of(
    record: Record,
    dataset: dict[str, Any],
    *,
    updated_by: str | None = None,
    parts: Sequence[dict[str, Any]] = (),
    inputs: InputArks = _NO_INPUTS,
) -> RecordChanges:
    """What an update (`apply_patch`'s result, or a PUT's checked body) changes in `record`:
    its native document, JSON-LD, relations, and the access SciCat's fields decide (owner
    group, access groups, publication); the owner, organization and moderation stay. `dataset`
    may be what `dataset_of` gave (the fields it takes from the record are dropped). `parts`:
    the files of its origdatablocks (`files_part`), kept as `hasPart` across the change;
    `inputs`: the ARKs of its input datasets found here (as `record_of`)."""
    native = {k: copy.deepcopy(v) for k, v in dataset.items() if k not in _FROM_RECORD}
    if updated_by is not None:
        native["updatedBy"] = updated_by
    metadata = jsonld_of(dataset, record.ark, parts, inputs=inputs)
    access = access_of(dataset, record.access.owner_id)
    return RecordChanges(
        metadata=MetadataChange(
            metadata,
            dataset.get("datasetName"),
            dataset.get("description"),
            tuple(dataset.get("keywords") or ()),
            ("Dataset",),
        ),
        native=native,
        relations=tuple(relations_of(metadata)),
        access=replace(
            record.access,
            owner_group=access.owner_group,
            access_groups=access.access_groups,
            publication=access.publication,
        ),
    )


def access_of(dataset: dict[str, Any], owner_id: str | None) -> Access:
    """SciCat's permission model as record access: the owner group reads and writes, access
    groups read, a published dataset is read by anyone."""
    return Access(
        owner_id=owner_id,
        owner_group=dataset.get("ownerGroup"),
        access_groups=list(dataset.get("accessGroups") or []),
        group_write=True,
        publication=(
            PublicationStatus.PUBLISHED if dataset.get("isPublished") else PublicationStatus.DRAFT
        ),
    )


def relations_of(metadata: dict[str, Any]) -> list[Relation]:
    """The dataset's links to its inputs and software, from its JSON-LD: only the `{"@id"}`s
    (ARK keys of inputs here, software URLs and ARKs), as FAIRSCAPE's relations are; a pid
    from elsewhere or a software name is no record's key and stays in the native document."""
    return [
        relation
        for relation in extract_relations(metadata)
        if relation.predicate in (INPUT_DATASET, USED_SOFTWARE)
    ]


def dataset_of(record: Record, version: ApiVersion = ApiVersion.V4) -> dict[str, Any]:
    """The dataset a SciCat client reads: the native document, the server's fields from the
    record, and on v3 the obsolete singular aliases."""
    dataset = copy.deepcopy(record.native or {})
    dataset["pid"] = record.identifiers.get(IdentifierScheme.SCICAT_PID.value, dataset.get("pid"))
    dataset["isPublished"] = record.access.publication is PublicationStatus.PUBLISHED
    if record.created_at is not None:
        dataset["createdAt"] = format_time(record.created_at)
        lifecycle = dataset.get("datasetlifecycle")  # older records: shown with the defaults
        dataset["datasetlifecycle"] = lifecycle_with_defaults(
            lifecycle if isinstance(lifecycle, dict) else None, record.created_at
        )
    if record.updated_at is not None:
        dataset["updatedAt"] = format_time(record.updated_at)
    dataset["version"] = "3" if version is ApiVersion.V3 else "4"
    return v3_view(dataset) if version is ApiVersion.V3 else dataset


def v3_view(dataset: dict[str, Any]) -> dict[str, Any]:
    """The stored dataset plus v3's singular aliases (the first element of each list;
    `investigator` only on derived datasets, as the backend does)."""
    view = dict(dataset)
    for alias, target in V3_ALIASES.items():
        if alias == "investigator" and dataset.get("type") != "derived":
            continue
        values = dataset.get(target)
        if isinstance(values, list) and values:
            view[alias] = values[0]
    return view


def jsonld_of(
    dataset: dict[str, Any],
    ark: str,
    parts: Sequence[dict[str, Any]] = (),
    *,
    inputs: InputArks = _NO_INPUTS,
) -> dict[str, Any]:
    """The schema.org Dataset a SciCat dataset describes (field by field in docs/crosswalks.md).

    `parts` are its origdatablocks' files as `hasPart` entries: they live in other records,
    so whoever rebuilds the document (a create of a block, a PATCH of the dataset) passes them,
    or the files would drop out of the dataset's JSON-LD. `inputs` are the ARKs of the input
    datasets that are records here, linked by `{"@id"}`; it is as of the write: an input
    created later is linked at the dataset's next write, a deleted one stays linked (its
    ARK answers 410), as FAIRSCAPE keeps links to ARKs that are gone."""
    doc: dict[str, Any] = {"@context": dict(SCICAT_CONTEXT), "@id": ark, "@type": "Dataset"}
    if dataset.get("pid"):
        doc["identifier"] = [dataset["pid"]]
    for source, target in (
        ("datasetName", "name"),
        ("description", "description"),
        ("creationTime", "dateCreated"),
        ("license", "license"),
        ("creationLocation", "locationCreated"),
        ("dataFormat", "encodingFormat"),
        ("comment", "comment"),
    ):
        if isinstance(dataset.get(source), str):
            doc[target] = dataset[source]
    if dataset.get("keywords"):
        doc["keywords"] = list(dataset["keywords"])
    if dataset.get("owner"):
        creator: dict[str, Any] = {"@type": "Person", "name": dataset["owner"]}
        if dataset.get("ownerEmail"):
            creator["email"] = dataset["ownerEmail"]
        if dataset.get("orcidOfOwner"):
            creator["identifier"] = dataset["orcidOfOwner"]
            orcid = orcid_iri(dataset["orcidOfOwner"])
            if orcid is not None:
                creator["@id"] = orcid
        doc["creator"] = [creator]
    if dataset.get("principalInvestigators"):
        doc["accountablePerson"] = [
            {"@type": "Person", "name": name} for name in dataset["principalInvestigators"]
        ]
    authors = _authors(doc.get("creator", []), doc.get("accountablePerson", []))
    if authors:
        doc["author"] = authors
    if isinstance(dataset.get("contactEmail"), str):
        doc["contactPoint"] = [
            {"@type": "ContactPoint", "email": email.strip()}
            for email in dataset["contactEmail"].split(";")
            if email.strip()
        ]
    if dataset.get("startTime") or dataset.get("endTime"):
        doc["temporalCoverage"] = f"{dataset.get('startTime', '..')}/{dataset.get('endTime', '..')}"
    if isinstance(dataset.get("size"), int):
        doc["contentSize"] = f"{dataset['size']} B"
    techniques = [_technique(t) for t in dataset.get("techniques") or []]
    if any(techniques):
        doc["measurementTechnique"] = [t for t in techniques if t]
    if dataset.get("inputDatasets"):
        used = [_input(pid, inputs) for pid in dataset["inputDatasets"]]
        doc["isBasedOn"] = used
        doc[INPUT_DATASET] = [dict(item) for item in used]
    if dataset.get("usedSoftware"):
        doc[USED_SOFTWARE] = [_software(name) for name in dataset["usedSoftware"]]
    variables = _variables(dataset.get("scientificMetadata"))
    if variables:
        doc["variableMeasured"] = variables
    if parts:
        doc["hasPart"] = [dict(part) for part in parts]
    return doc


def _input(pid: str, inputs: InputArks) -> dict[str, str]:
    """An input dataset: a link to its ARK when it is a record here, else its pid."""
    found = inputs.get(pid)
    return {"@id": found} if found else {"identifier": pid}


def _software(name: str) -> str | dict[str, str]:
    """Software named by a URL or an ARK is a link; a name or version text stays a text."""
    if _URL.match(name) or arks.submitted_ark(name) == name:
        return {"@id": name}
    return name


_ORCID = re.compile(r"^(?:https?://(?:www\.)?orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])/?$")


def orcid_iri(value: object) -> str | None:
    """`https://orcid.org/<id>` when `value` is an ORCID iD (bare or as a URL), else None: a
    harvester links the owner to the person by it, but free text is no IRI."""
    found = _ORCID.match(value.strip()) if isinstance(value, str) else None
    return f"https://orcid.org/{found.group(1)}" if found else None


def _technique(technique: object) -> dict[str, Any] | None:
    """A technique as a DefinedTerm: its name, its pid as `identifier` (kept as text: a pid
    is often a vocabulary IRI, but nothing makes it one)."""
    if not isinstance(technique, dict):
        return None
    term: dict[str, Any] = {"@type": "DefinedTerm"}
    for source, target in (("name", "name"), ("pid", "identifier")):
        if isinstance(technique.get(source), str) and technique[source]:
            term[target] = technique[source]
    return term if len(term) > 1 else None


def _variables(metadata: object) -> list[dict[str, Any]]:
    """Top-level scientific metadata as schema.org PropertyValues (a quantity with its unit)."""
    if not isinstance(metadata, dict):
        return []
    found = []
    for key, node in metadata.items():
        item: dict[str, Any] = {"@type": "PropertyValue", "name": key}
        if isinstance(node, dict) and "value" in node:
            value = node["value"]
            if isinstance(node.get("unit"), str):
                item["unitText"] = node["unit"]
        else:
            value = node
        if isinstance(value, str | int | float | bool):
            item["value"] = value
            found.append(item)
    return found


# -- where the fields are kept, for queries --------------------------------------------------

COLUMN_FIELDS: dict[str, Column] = {
    "ownerGroup": Column.OWNER_GROUP,
    "type": Column.KIND,
    "createdAt": Column.CREATED_AT,
    "updatedAt": Column.UPDATED_AT,
}
"""Dataset fields a record column holds (indexed, and the same value by construction).
`datasetName` and `description` are not among them: the columns are the JSON-LD summary's,
kept in their full length, while a path compares what the value index holds."""

NUMBER_FIELDS = frozenset(
    name for name, kind in FIELDS.items() if kind in (Kind.INTEGER, Kind.NUMBER)
)
DATE_FIELDS = TIME_FIELDS | {"createdAt", "updatedAt"}
ARRAY_FIELDS = frozenset(
    name
    for name, kind in FIELDS.items()
    if kind in (Kind.TEXTS, Kind.EMAILS, Kind.TECHNIQUES, Kind.RELATIONSHIPS)
)
QUERY_ALIASES = dict(V3_ALIASES)
"""Obsolete field names a v3 filter may still use (the backend translates them too)."""


def query_field(name: str, location: str = "where") -> Field:
    """Where a dataset field (`size`, `scientificMetadata.temperature.value`, v3's
    `proposalId`) is kept: a record column or a path of the native document."""
    if not isinstance(name, str) or not name:
        raise InvalidQuery("a field name must be a non-empty string", location)
    head, _, rest = name.partition(".")
    head = QUERY_ALIASES.get(head, head)
    if head in COLUMN_FIELDS and not rest:
        return Field(column=COLUMN_FIELDS[head])
    if head in {"_id", "id"}:
        head = "pid"
    if head not in FIELDS and head not in {"createdBy", "updatedBy"}:
        raise InvalidQuery(f"'{name[:80]}' is not a field of a dataset", location)
    return Field.parse(f"native.{head}" + (f".{rest}" if rest else ""), location)


def time_field(name: str) -> bool:
    """Whether a field holds timestamps (its query values are compared as instants)."""
    return QUERY_ALIASES.get(name, name) in DATE_FIELDS


def _authors(creators: list[dict[str, Any]], investigators: list[dict[str, Any]]) -> list[Any]:
    """`author` as FAIRSCAPE's JSON-LD has it: the owner, then each principal investigator who is
    not the owner (by name), so FAIRSCAPE's views and search show who made the dataset."""
    authors = list(creators)
    names = {a.get("name") for a in authors}
    authors += [p for p in investigators if p.get("name") not in names]
    return authors
