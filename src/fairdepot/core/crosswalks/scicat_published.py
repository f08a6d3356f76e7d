"""SciCat v4's PublishedData shape (`datasetPids`, `metadata`), beside v3's (`pidArray`, flat
DataCite fields) in scicat_objects.py: both are the same record kind with the doi as its
identifier, so a PublishedData created through one version is read through the other.

v4's workflow statuses are `private` (new), `public` (published, not yet a DOI), `registered`
and `amended`; v3's `pending_registration` reads as `private` on v4.
"""

from __future__ import annotations

import copy
from typing import Any

from fairdepot.core.crosswalks.scicat_objects import (
    PENDING,
    PUBLISHED_DATA,
    REGISTERED,
    ObjectKind,
    Type,
)

PRIVATE = "private"
PUBLIC = "public"
AMENDED = "amended"
STATUSES = (PRIVATE, PUBLIC, REGISTERED, AMENDED)

PUBLISHED_DATA_V4 = ObjectKind(
    kind=PUBLISHED_DATA.kind,
    id_field="doi",
    scheme=PUBLISHED_DATA.scheme,
    fields={
        "doi": Type.TEXT,
        "title": Type.TEXT,
        "abstract": Type.TEXT,
        "datasetPids": Type.TEXTS,
        "registeredTime": Type.TIME,
        "status": Type.TEXT,
        "metadata": Type.OBJECT,
        "numberOfFiles": Type.NUMBER,
        "sizeOfArchive": Type.NUMBER,
    },
    required=("title", "abstract", "datasetPids"),
    schema_type=PUBLISHED_DATA.schema_type,
    name_field="title",
    description_field="abstract",
)
"""The backend's CreatePublishedDataV4Dto (numberOfFiles/sizeOfArchive are the server's)."""


def dataset_pids(document: dict[str, Any]) -> list[str]:
    """The datasets a PublishedData of either shape publishes."""
    pids = document.get("datasetPids") or document.get("pidArray") or []
    return [str(pid) for pid in pids]


def v4_view(published: dict[str, Any]) -> dict[str, Any]:
    """A PublishedData as v4 clients read it, whichever version wrote it."""
    view = copy.deepcopy(published)
    view["datasetPids"] = dataset_pids(published)
    view.pop("pidArray", None)
    if view.get("status") not in STATUSES:
        view["status"] = PRIVATE if view.get("status") in (None, PENDING) else view["status"]
    view.setdefault("createdBy", "")
    view.setdefault("updatedBy", view["createdBy"])
    return view


def datacite_fields(document: dict[str, Any], year: int) -> dict[str, Any]:
    """The flat fields a DataCite registration reads (services/datacite.py doi_body), from
    a document of either shape: v4 keeps creators, publisher, publicationYear and
    resourceType in `metadata` (DataCite's names); `year` when it gives none."""
    if "pidArray" in document:
        return document
    given = document.get("metadata")
    metadata: dict[str, Any] = given if isinstance(given, dict) else {}
    creators = metadata.get("creators") or []
    names = [c.get("name") if isinstance(c, dict) else c for c in creators]
    publisher = metadata.get("publisher")
    if isinstance(publisher, dict):
        publisher = publisher.get("name")
    return {
        "title": document.get("title", ""),
        "abstract": document.get("abstract", ""),
        "creator": [str(n) for n in names if n],
        "publisher": str(publisher or ""),
        "publicationYear": int(metadata.get("publicationYear") or year),
        "resourceType": str(metadata.get("resourceType") or "Dataset"),
    }
