"""A record of another face (a FAIRSCAPE crate or member, a SciCat dataset) as the fields of a
CKAN package, for `ckan.package_of` (docs/crosswalks.md, "Records of other faces").

Read only, from what every record has: its JSON-LD summary (name, description, keywords), a
few schema.org properties (`license`, `version`, `url`, `author`/`creator`, `maintainer`), its
files (as resources, `ckan_resources.resource_from_file`) and its identifiers and place in the
catalogue (as extras, keys `fairdepot:...`, so that a gCat client sees where the record came
from and how the other faces name it).
"""

from __future__ import annotations

from typing import Any

from fairdepot.core.crosswalks.ckan_resources import resource_from_file
from fairdepot.core.crosswalks.ckan_rules import tag_problem
from fairdepot.core.licenses import license_for_url
from fairdepot.core.records import Record

NOT_SPECIFIED = "notspecified"
EXTRA_PREFIX = "fairdepot:"


def record_fields(
    record: Record, *, package_id: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The package fields of a record of another face and its files as resources."""
    metadata = record.metadata or {}
    author, author_email = _person(metadata.get("author") or metadata.get("creator"))
    maintainer, maintainer_email = _person(metadata.get("maintainer"))
    fields: dict[str, Any] = {
        "title": record.name or _text(metadata.get("name")) or record.ark,
        "notes": record.description,
        "url": _text(metadata.get("url")),
        "version": _version(metadata.get("version")),
        "author": author,
        "author_email": author_email,
        "maintainer": maintainer,
        "maintainer_email": maintainer_email,
        "license_id": license_id_of(metadata.get("license")),
        "tags": [{"name": name} for name in tag_names(record.keywords)],
        "groups": [],
        "extras": extras_of(record),
    }
    resources = [
        resource_from_file(
            file,
            ark=record.ark,
            package_id=package_id,
            position=index,
            created=record.created_at,
            modified=record.updated_at,
        )
        for index, file in enumerate(record.files)
    ]
    return fields, resources


def license_id_of(value: object) -> str:
    """The licence's id when the list has it (`license_for_url`); else the text the record
    gives (CKAN shows an id it does not know as its own title); `notspecified` without one."""
    if isinstance(value, list):
        value = value[0] if value else None
    found = license_for_url(value)
    if found is not None:
        return found
    if isinstance(value, dict):
        value = value.get("@id")
    text = _text(value)
    return text if text else NOT_SPECIFIED


def tag_names(keywords: list[str]) -> list[str]:
    """The keywords that are valid CKAN tags (trimmed; a repeated one once). Others are left
    out: a CKAN client could not send them back."""
    names: list[str] = []
    for keyword in keywords:
        name = keyword.strip()
        if tag_problem(name) is None and name not in names:
            names.append(name)
    return names


def extras_of(record: Record) -> list[dict[str, str]]:
    """Where the record came from and how the other faces name it, then its schema.org
    PropertyValues (`additionalProperty`, `variableMeasured`) with a plain value."""
    extras = [
        {"key": EXTRA_PREFIX + "ark", "value": record.ark},
        {"key": EXTRA_PREFIX + "face", "value": record.face.value},
        {"key": EXTRA_PREFIX + "kind", "value": record.kind},
    ]
    extras += [
        {"key": EXTRA_PREFIX + scheme, "value": value}
        for scheme, value in record.identifiers.items()
    ]
    if record.parent_ark:
        extras.append({"key": EXTRA_PREFIX + "isPartOf", "value": record.parent_ark})
    metadata = record.metadata or {}
    for field in ("dateCreated", "datePublished"):
        if _text(metadata.get(field)):
            extras.append({"key": EXTRA_PREFIX + field, "value": metadata[field].strip()})
    for field in ("additionalProperty", "variableMeasured"):
        values = metadata.get(field)
        for item in values if isinstance(values, list) else [values]:
            pair = _property(item)
            if pair is not None:
                extras.append({"key": pair[0], "value": pair[1]})
    return extras


def _property(item: object) -> tuple[str, str] | None:
    if not isinstance(item, dict) or not _text(item.get("name")):
        return None
    value = item.get("value")
    if isinstance(value, bool):
        return str(item["name"]), "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(item["name"]), str(value)
    return None


def _person(value: object) -> tuple[str | None, str | None]:
    """The first person a property names: its name (a text as written) and e-mail."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return (value.strip() or None), None
    if isinstance(value, dict):
        return _text(value.get("name")), _text(value.get("email"))
    return None, None


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _version(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    return _text(value)
