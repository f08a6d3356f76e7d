"""A gCat item (a CKAN package) ↔ a record, and any record as a CKAN package (docs/crosswalks.md,
"Record ↔ CKAN package (gCat)").

A gCat item's native document is the package as `ckan_validation.validate_package` checked
it, its resources with the server's ids and times (`ckan_resources`); its JSON-LD is a
schema.org Dataset derived from it; its access comes from `private` (false: published, anyone
reads; true: a draft its organization's members and its owner read). `package_of` shows any
record as CKAN's `package_show` does: a gCat item from its native document, a record of
another face by a fixed mapping of its JSON-LD summary, files and identifiers
(`ckan_records`). What the server decides (`id`, `metadata_created`, `state`, `private`,
`owner_org`, ...) comes from the record, so it cannot disagree with it.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from fairdepot.core.crosswalks.ckan_names import package_id, package_name
from fairdepot.core.crosswalks.ckan_records import record_fields
from fairdepot.core.crosswalks.ckan_resources import (
    RESOURCE_FILES,
    NewId,
    ckan_time,
    files_of,
    new_resource,
    numbered,
    resource_of,
    resources_for_item,
)
from fairdepot.core.crosswalks.ckan_rules import PACKAGE_TEXT_FIELDS
from fairdepot.core.licenses import find_license
from fairdepot.core.metadata.contexts import FAIRSCAPE_CONTEXT
from fairdepot.core.record_changes import FileChanges, MetadataChange, RecordChanges
from fairdepot.core.records import (
    Access,
    Face,
    IdentifierScheme,
    PublicationStatus,
    Record,
    RecordState,
)

KIND = "dataset"
"""The record kind of a gCat item (CKAN's package `type`)."""


def _uuid4() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class PackageOrganization:
    """The organization a package is shown in, as the face knows it (CKAN's `organization`)."""

    id: str
    name: str
    title: str | None = None
    description: str = ""
    image_url: str = ""
    created: datetime | None = None

    def document(self) -> dict[str, Any]:
        """The `organization` object of `package_show`."""
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title or self.name,
            "type": "organization",
            "description": self.description,
            "image_url": self.image_url,
            "created": ckan_time(self.created) if self.created else None,
            "is_organization": True,
            "approval_status": "approved",
            "state": "active",
        }


def record_of(
    package: dict[str, Any],
    *,
    ark: str,
    item_id: str,
    owner_id: str | None,
    organization: str | None,
    now: datetime,
    new_id: NewId = _uuid4,
) -> Record:
    """A new record for a checked package (`validate_package`): face gCat, kind `dataset`,
    identifiers `name` and `id` (`item_id`, a uuid the caller mints), each resource given a
    new id (`new_id`), `created` and `last_modified` `now`; the external ones also files."""
    resources = numbered(
        [new_resource(body, now=now, new_id=new_id) for body in package.get("resources") or []]
    )
    native = {**package, "resources": resources}
    return Record(
        ark=ark,
        kind=KIND,
        face=Face.GCAT,
        metadata=jsonld_of(native, ark),
        access=Access(
            owner_id=owner_id, organization=organization, publication=publication_of(native)
        ),
        types=["Dataset"],
        name=native["title"],
        description=native.get("notes"),
        keywords=[tag["name"] for tag in native.get("tags") or []],
        native=native,
        identifiers={
            IdentifierScheme.GCAT_NAME.value: native["name"],
            IdentifierScheme.GCAT_ID.value: item_id,
        },
        files=files_of(resources),
    )


def changes_of(
    record: Record, package: dict[str, Any], *, now: datetime, new_id: NewId = _uuid4
) -> RecordChanges:
    """What a PUT (or a PATCH, `patched_package` then `validate_package`) changes: the native
    document (resources matched by id as gCat matches them: kept, created, removed), the
    JSON-LD, the resource files, and publication from `private`; owner, organization,
    identifiers and moderation stay."""
    stored = list((record.native or {}).get("resources") or [])
    resources = resources_for_item(stored, package.get("resources") or [], now=now, new_id=new_id)
    native = {**package, "resources": resources}
    return replace(_document_changes(record, native), publication=publication_of(native))


def resource_changes(record: Record, resources: list[dict[str, Any]]) -> RecordChanges:
    """What a change of one resource changes (`resources` from `replaced_resource`,
    `without_resource`, or a `new_resource` appended, then `numbered`): the native
    document's resources, the JSON-LD and the resource files."""
    return _document_changes(record, {**(record.native or {}), "resources": resources})


def _document_changes(record: Record, native: dict[str, Any]) -> RecordChanges:
    """The native document, its JSON-LD and the resource files: those of resources no longer
    there (or no longer external) removed, by path, so files loaded or not make no odds."""
    stored = (record.native or {}).get("resources") or []
    files = files_of(native.get("resources") or [])
    kept = {file.path for file in files}
    removed = frozenset(
        path
        for path in (RESOURCE_FILES + str(resource.get("id")) for resource in stored)
        if path not in kept
    )
    metadata = jsonld_of(native, record.ark)
    return RecordChanges(
        metadata=MetadataChange(
            metadata,
            native.get("title") or native.get("name"),
            native.get("notes"),
            tuple(tag["name"] for tag in native.get("tags") or []),
            ("Dataset",),
        ),
        native=native,
        files=FileChanges(added=tuple(files), removed=removed),
    )


def publication_of(package: Mapping[str, Any]) -> PublicationStatus:
    """`private: false` is published (anyone reads it); `private: true` a draft (its owner
    and its organization's members read it, core.policy)."""
    return PublicationStatus.DRAFT if package.get("private") else PublicationStatus.PUBLISHED


def jsonld_of(package: Mapping[str, Any], ark: str) -> dict[str, Any]:
    """The schema.org Dataset a package describes (field by field in docs/crosswalks.md)."""
    doc: dict[str, Any] = {
        "@context": dict(FAIRSCAPE_CONTEXT),
        "@id": ark,
        "@type": "Dataset",
        "identifier": [ark],
        "name": package.get("title") or package.get("name"),
    }
    if package.get("notes"):
        doc["description"] = package["notes"]
    tags = [tag["name"] for tag in package.get("tags") or []]
    if tags:
        doc["keywords"] = tags
    license = find_license(package.get("license_id"))
    if license is not None:
        doc["license"] = license.url or license.id
    for field in ("version", "url"):
        if package.get(field):
            doc[field] = package[field]
    for field, target in (("author", "creator"), ("maintainer", "maintainer")):
        person = _person(package.get(field), package.get(f"{field}_email"))
        if person:
            doc[target] = [person] if target == "creator" else person
    distribution = [_download(resource) for resource in package.get("resources") or []]
    if distribution:
        doc["distribution"] = distribution
    extras = package.get("extras") or []
    if extras:
        doc["additionalProperty"] = [
            {"@type": "PropertyValue", "name": extra["key"], "value": extra["value"]}
            for extra in extras
        ]
    return doc


def _person(name: object, email: object) -> dict[str, Any] | None:
    if not isinstance(name, str) or not name:
        return None
    person: dict[str, Any] = {"@type": "Person", "name": name}
    if isinstance(email, str) and email:
        person["email"] = email
    return person


def _download(resource: Mapping[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"@type": "DataDownload", "contentUrl": resource.get("url")}
    if resource.get("id"):
        entry["identifier"] = resource["id"]
    for source, target in (("name", "name"), ("description", "description")):
        if isinstance(resource.get(source), str) and resource[source]:
            entry[target] = resource[source]
    media = resource.get("mimetype") or resource.get("format")
    if isinstance(media, str) and media:
        entry["encodingFormat"] = media
    if isinstance(resource.get("size"), int):
        entry["contentSize"] = f"{resource['size']} B"
    return entry


# -- any record as a package ----------------------------------------------------------------


def is_item(record: Record) -> bool:
    """Whether the record is a gCat item (its native document is a package)."""
    return record.face is Face.GCAT and isinstance(record.native, dict)


def package_of(
    record: Record,
    *,
    organization: PackageOrganization | None = None,
    groups: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The record as CKAN's `package_show` gives a package: a gCat item from its native
    document, any other record by the mapping of `ckan_records`; `organization` the one it
    is shown in (`owner_org` its id), `groups` the face's group documents by name (a group
    the face does not give is shown from its name alone). Links are host-free: the face
    renders them (core.links)."""
    identifier = package_id(record)
    if is_item(record):
        native = copy.deepcopy(record.native or {})  # the answer shares nothing with it
        stored = native.get("resources") or []
        resources = [
            resource_of(r, package_id=identifier, position=index) for index, r in enumerate(stored)
        ]
    else:
        native, resources = record_fields(record, package_id=identifier)
    license_id = native.get("license_id")
    license = find_license(license_id)
    tags = [_tag(tag["name"]) for tag in native.get("tags") or []]
    package: dict[str, Any] = {
        "id": identifier,
        "name": package_name(record),
        "title": native.get("title") or package_name(record),
    }
    for field in PACKAGE_TEXT_FIELDS:
        package[field] = native.get(field)
    package["license_id"] = license_id
    package["license_title"] = license.title if license else license_id
    if license is not None and license.url:
        package["license_url"] = license.url
    package.update(
        {
            "isopen": license.isopen if license else False,
            "state": "deleted" if record.state is not RecordState.ACTIVE else "active",
            "type": KIND,
            "private": record.access.publication is not PublicationStatus.PUBLISHED,
            "owner_org": organization.id if organization else None,
            "organization": organization.document() if organization else None,
            "metadata_created": ckan_time(record.created_at) if record.created_at else None,
            "metadata_modified": ckan_time(record.updated_at) if record.updated_at else None,
            "creator_user_id": record.access.owner_id,
            "num_resources": len(resources),
            "num_tags": len(tags),
            "resources": resources,
            "tags": tags,
            "groups": [_group(ref, groups or {}) for ref in native.get("groups") or []],
            "extras": [dict(extra) for extra in native.get("extras") or []],
            "relationships_as_object": [],
            "relationships_as_subject": [],
        }
    )
    return package


def _tag(name: str) -> dict[str, Any]:
    """A tag as `package_show` lists it; its id is stable (uuid5 of its name): the catalogue
    keeps no tag table."""
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"tag:{name}")),
        "name": name,
        "display_name": name,
        "state": "active",
        "vocabulary_id": None,
    }


def _group(reference: Mapping[str, str], known: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    name = reference.get("name") or reference.get("id") or ""
    if name in known:
        return dict(known[name])
    return {
        "id": reference.get("id") or name,
        "name": name,
        "title": name,
        "display_name": name,
        "description": "",
        "image_display_url": "",
    }
