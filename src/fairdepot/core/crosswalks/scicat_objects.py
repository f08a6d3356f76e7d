"""SciCat's proposals, samples and instruments <-> records (docs/crosswalks.md, "SciCat").

Each is a record of face SciCat whose kind is "Proposal", "Sample" or "Instrument", with an
ARK like every record; its SciCat id (`proposalId`, `sampleId`, the instrument's `pid`) is an
identifier of its own scheme, so the unique index of identifiers refuses a duplicate (409).
The native document is the body as the client sent it, checked field by field the way the
backend's DTOs check it (an unknown property or a wrong type is a 400 naming it), plus the
server's `createdBy`/`updatedBy`; `createdAt`/`updatedAt` come from the record, so they cannot
disagree with it. These functions are pure: the services decide ids, ARKs and permissions.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from fairdepot.core.crosswalks.scicat import access_of as dataset_access
from fairdepot.core.document_values import parse_timestamp
from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.metadata.contexts import FAIRSCAPE_CONTEXT
from fairdepot.core.record_changes import MetadataChange, RecordChanges
from fairdepot.core.records import Access, Face, IdentifierScheme, PublicationStatus, Record
from fairdepot.core.timestamps import format_time


class Type(Enum):
    """What a field of a proposal, sample or instrument must hold (the DTOs' decorators)."""

    TEXT = "a string"
    TEXTS = "an array of strings"
    OBJECT = "an object"
    OBJECTS = "an array of objects"
    BOOLEAN = "a boolean value"
    TIME = "a valid ISO 8601 date string"
    NUMBER = "a number"


OWNABLE: dict[str, Type] = {
    "ownerGroup": Type.TEXT,
    "accessGroups": Type.TEXTS,
    "instrumentGroup": Type.TEXT,
    "isPublished": Type.BOOLEAN,
}
"""The backend's OwnableDto: who owns an object and who else reads it."""


@dataclass(frozen=True)
class ObjectKind:
    """One kind of SciCat object: its fields, which are required, and what identifies it."""

    kind: str
    id_field: str
    scheme: IdentifierScheme
    fields: dict[str, Type]
    required: tuple[str, ...]
    schema_type: str
    name_field: str | None
    description_field: str | None
    owned: bool = True
    """Owned objects read by ownerGroup/accessGroups/isPublished; instruments by anyone."""
    defaults: tuple[tuple[str, Any], ...] = ()
    """What the backend stores for a field a new object leaves out (the SDK requires them)."""

    def __str__(self) -> str:
        return self.kind


PROPOSAL = ObjectKind(
    kind="Proposal",
    id_field="proposalId",
    scheme=IdentifierScheme.SCICAT_PROPOSAL_ID,
    fields={
        **OWNABLE,
        "proposalId": Type.TEXT,
        "pi_email": Type.TEXT,
        "pi_firstname": Type.TEXT,
        "pi_lastname": Type.TEXT,
        "email": Type.TEXT,
        "firstname": Type.TEXT,
        "lastname": Type.TEXT,
        "title": Type.TEXT,
        "abstract": Type.TEXT,
        "startTime": Type.TIME,
        "endTime": Type.TIME,
        "MeasurementPeriodList": Type.OBJECTS,
        "metadata": Type.OBJECT,
        "parentProposalId": Type.TEXT,
        "type": Type.TEXT,
        "instrumentIds": Type.TEXTS,
        "keywords": Type.TEXTS,
    },
    required=("proposalId", "email", "title", "ownerGroup"),
    defaults=(("type", "Default Proposal"), ("keywords", ())),
    schema_type="ResearchProject",
    name_field="title",
    description_field="abstract",
)

SAMPLE = ObjectKind(
    kind="Sample",
    id_field="sampleId",
    scheme=IdentifierScheme.SCICAT_SAMPLE_ID,
    fields={
        **OWNABLE,
        "sampleId": Type.TEXT,
        "sampleName": Type.TEXT,
        "parentSampleId": Type.TEXT,
        "type": Type.TEXT,
        "owner": Type.TEXT,
        "description": Type.TEXT,
        "sampleCharacteristics": Type.OBJECT,
        "proposalId": Type.TEXT,
        "datasetsId": Type.TEXT,
        "datasetId": Type.TEXT,
        "rawDatasetId": Type.TEXT,
        "derivedDatasetId": Type.TEXT,
    },
    required=("ownerGroup",),
    schema_type="Thing",
    name_field="sampleName",
    description_field="description",
)

INSTRUMENT = ObjectKind(
    kind="Instrument",
    id_field="pid",
    scheme=IdentifierScheme.SCICAT_INSTRUMENT_PID,
    fields={
        "pid": Type.TEXT,
        "uniqueName": Type.TEXT,
        "name": Type.TEXT,
        "customMetadata": Type.OBJECT,
    },
    required=("uniqueName", "name"),
    schema_type="Thing",
    name_field="name",
    description_field=None,
    owned=False,
)

PUBLISHED_DATA = ObjectKind(
    kind="PublishedData",
    id_field="doi",
    scheme=IdentifierScheme.SCICAT_DOI,
    fields={
        "doi": Type.TEXT,
        "creator": Type.TEXTS,
        "publisher": Type.TEXT,
        "publicationYear": Type.NUMBER,
        "title": Type.TEXT,
        "url": Type.TEXT,
        "abstract": Type.TEXT,
        "dataDescription": Type.TEXT,
        "resourceType": Type.TEXT,
        "numberOfFiles": Type.NUMBER,
        "sizeOfArchive": Type.NUMBER,
        "pidArray": Type.TEXTS,
        "authors": Type.TEXTS,
        "registeredTime": Type.TIME,
        "status": Type.TEXT,
        "scicatUser": Type.TEXT,
        "thumbnail": Type.TEXT,
        "relatedPublications": Type.TEXTS,
        "downloadLink": Type.TEXT,
        "affiliation": Type.TEXT,
    },
    required=(
        "creator",
        "publisher",
        "publicationYear",
        "title",
        "abstract",
        "dataDescription",
        "resourceType",
        "pidArray",
    ),
    schema_type="Dataset",
    name_field="title",
    description_field="abstract",
)
"""v3's (obsolete) PublishedData. It has no owner group: its creator and administrators read
it until it is registered; then anyone does (it is published)."""

REGISTERED = "registered"
PENDING = "pending_registration"

OBJECT_KINDS = (PROPOSAL, SAMPLE, INSTRUMENT, PUBLISHED_DATA)
KIND_NAMES = frozenset(k.kind for k in OBJECT_KINDS)
"""Record kinds that are SciCat objects, not datasets: a dataset query must leave them out."""

SERVER_FIELDS = frozenset({"createdBy", "updatedBy", "createdAt", "updatedAt", "_id", "id"})
"""Fields the server fills in; a client may send them back (as pyscicat and the SDK do after
reading an object) and they are ignored, never stored from the body."""


def validate_object(kind: ObjectKind, body: object, *, partial: bool = False) -> dict[str, Any]:
    """The body, checked against `kind`'s DTO: every problem at once, each naming its field.

    `partial` is a PATCH: nothing is required and the id may not change (it is the path's).
    Timestamps are normalised to UTC with milliseconds, as the backend stores them.
    """
    if not isinstance(body, dict):
        raise InvalidInput(
            f"a {kind.kind.lower()} is a JSON object",
            problems=[Problem("the body must be a JSON object", "body")],
        )
    problems: list[Problem] = []
    checked: dict[str, Any] = {}
    for name, value in body.items():
        if name in SERVER_FIELDS:
            continue
        expected = kind.fields.get(name)
        if expected is None:
            problems.append(Problem(f"property {name} should not exist", name))
            continue
        if value is None and partial:
            checked[name] = None  # merge-patch: remove the field
            continue
        good = _checked(expected, value)
        if good is _BAD:
            problems.append(Problem(f"{name} must be {expected.value}", name))
        else:
            checked[name] = good
    if not partial:
        for name in kind.required:
            if name not in checked and not any(p.location == name for p in problems):
                problems.append(Problem(f"{name} must be {kind.fields[name].value}", name))
    if problems:
        raise InvalidInput(f"the {kind.kind.lower()} is not valid", problems=problems)
    if not partial:
        for name, value in kind.defaults:
            checked.setdefault(name, list(value) if isinstance(value, tuple) else value)
    return checked


_BAD = object()


def _checked(expected: Type, value: Any) -> Any:
    if expected is Type.TEXT:
        return value if isinstance(value, str) else _BAD
    if expected is Type.TEXTS:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return list(value) if ok else _BAD
    if expected is Type.OBJECT:
        return copy.deepcopy(value) if isinstance(value, dict) else _BAD
    if expected is Type.OBJECTS:
        ok = isinstance(value, list) and all(isinstance(v, dict) for v in value)
        return copy.deepcopy(value) if ok else _BAD
    if expected is Type.BOOLEAN:
        return value if isinstance(value, bool) else _BAD
    if expected is Type.NUMBER:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return value if ok else _BAD
    instant = parse_timestamp(value) if isinstance(value, str) else None
    return _BAD if instant is None else format_time(instant)


def merged(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """A checked PATCH applied to a native document (top-level merge; null removes)."""
    result = copy.deepcopy(current)
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = copy.deepcopy(value)
    return result


def access_of(kind: ObjectKind, document: dict[str, Any], owner_id: str | None) -> Access:
    """SciCat's permission model as record access. Owned objects: the owner group reads and
    writes, access groups read, a published one anyone reads. Instruments are facility
    furniture: anyone reads them, only administrators change them (no owner, no group)."""
    if not kind.owned:
        return Access(owner_id=None, metadata_public=True, publication=PublicationStatus.PUBLISHED)
    if kind.kind == PUBLISHED_DATA.kind:  # v3's shape or v4's (scicat_published.py)
        registered = document.get("status") in (REGISTERED, "public", "amended")
        return Access(
            owner_id=owner_id,
            publication=PublicationStatus.PUBLISHED if registered else PublicationStatus.DRAFT,
        )
    return dataset_access(document, owner_id)


def jsonld_of(kind: ObjectKind, document: dict[str, Any], ark: str) -> dict[str, Any]:
    """The schema.org view of an object: its id as identifier, name and description."""
    doc: dict[str, Any] = {
        "@context": dict(FAIRSCAPE_CONTEXT),
        "@id": ark,
        "@type": kind.schema_type,
        "additionalType": f"scicat:{kind.kind}",
        "identifier": [document[kind.id_field]],
    }
    if kind.name_field and isinstance(document.get(kind.name_field), str):
        doc["name"] = document[kind.name_field]
    if kind.description_field and isinstance(document.get(kind.description_field), str):
        doc["description"] = document[kind.description_field]
    if kind is PROPOSAL and isinstance(document.get("email"), str):
        doc["contactPoint"] = [{"@type": "ContactPoint", "email": document["email"]}]
    return doc


def record_of(
    kind: ObjectKind,
    document: dict[str, Any],
    *,
    ark: str,
    owner_id: str | None,
    created_by: str | None,
) -> Record:
    """A new record for a checked object that holds its id (`validate_object`)."""
    object_id = document.get(kind.id_field)
    if not isinstance(object_id, str) or not object_id:
        raise ValueError(f"a {kind.kind} needs its {kind.id_field} before it becomes a record")
    native = copy.deepcopy(document)
    if created_by is not None:
        native["createdBy"] = created_by
        native["updatedBy"] = created_by
    metadata = jsonld_of(kind, document, ark)
    return Record(
        ark=ark,
        kind=kind.kind,
        face=Face.SCICAT,
        metadata=metadata,
        access=access_of(kind, document, owner_id),
        types=[kind.schema_type],
        name=metadata.get("name"),
        description=metadata.get("description"),
        native=native,
        identifiers={kind.scheme.value: object_id},
    )


def changes_of(
    kind: ObjectKind, record: Record, document: dict[str, Any], *, updated_by: str | None
) -> RecordChanges:
    """What replacing `record`'s document by `document` (a merged PATCH) changes: the native
    document, its JSON-LD and the access SciCat's fields decide; the owner and `createdBy`
    stay (server fields in `document` are not the client's to set)."""
    native = {k: copy.deepcopy(v) for k, v in document.items() if k not in SERVER_FIELDS}
    created_by = (record.native or {}).get("createdBy")
    if created_by is not None:
        native["createdBy"] = created_by
    if updated_by is not None:
        native["updatedBy"] = updated_by
    metadata = jsonld_of(kind, document, record.ark)
    access = access_of(kind, document, record.access.owner_id)
    return RecordChanges(
        metadata=MetadataChange(
            metadata,
            metadata.get("name"),
            metadata.get("description"),
            (),
            (kind.schema_type,),
        ),
        native=native,
        access=replace(
            record.access,
            owner_group=access.owner_group,
            access_groups=access.access_groups,
            publication=access.publication,
        ),
    )


def object_of(record: Record) -> dict[str, Any]:
    """The object a SciCat client reads: the native document, `_id` (its id, as Mongo's is)
    and the record's timestamps in SciCat's form (UTC, milliseconds, `Z`)."""
    kind = kind_of(record.kind)
    document = copy.deepcopy(record.native or {})
    document[kind.id_field] = record.identifiers.get(kind.scheme.value, document.get(kind.id_field))
    document["_id"] = document[kind.id_field]
    if kind.owned and "ownerGroup" in kind.fields:
        document["isPublished"] = record.access.publication is PublicationStatus.PUBLISHED
        document.setdefault("accessGroups", [])
    if record.created_at is not None:
        document["createdAt"] = format_time(record.created_at)
    if record.updated_at is not None:
        document["updatedAt"] = format_time(record.updated_at)
    return document


def kind_of(name: str) -> ObjectKind:
    for kind in OBJECT_KINDS:
        if kind.kind == name:
            return kind
    raise ValueError(f"{name!r} is not a SciCat object kind")
