"""A gCat item's resources (CKAN resources): checked, kept in the item's native document, and
shown in CKAN's resource shape; a record's files shown as resources too.

A gCat item keeps its resources in its native document's `resources`, each with the server's
`id` (a uuid), `position` (its index), `created` and `last_modified` (CKAN's ISO form without
zone), beside the client's fields, which are kept as given (CKAN keeps unknown resource keys
as resource extras). A resource whose `url` is an external address is also a record file
(`files_of`, `external_url`), so every face lists it. A record of another face shows each of
its files as a resource (`resource_from_file`), its `url` a host-free download link that the
face renders.

gCat's checks (reference §2 rows 12 and 14) are 400s in gCat's words; `size` that is not a
whole number is CKAN's 409 (`CkanValidationError`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from fairdepot.core import links
from fairdepot.core.crosswalks.ckan_rules import CkanValidationError
from fairdepot.core.crosswalks.scicat_parts import download_link
from fairdepot.core.errors import InvalidInput, NotFound, Problem
from fairdepot.core.records import RecordFile

MISSING_URL = "The content must contains the url property"
SERVER_FIELDS = frozenset(
    {
        "package_id",
        "position",
        "created",
        "last_modified",
        "metadata_modified",
        "state",
        "revision_id",
        "datastore_active",
        "cache_url",
        "cache_last_updated",
    }
)
"""Resource fields the server decides; a client's values for them are ignored (a client may
send back the resource it read)."""

RESOURCE_FILES = "resources/"
"""Where a gCat item's resources are among its record files: `resources/<id>`."""

NewId = Callable[[], str]


def _uuid4() -> str:
    return str(uuid.uuid4())


def ckan_time(instant: datetime) -> str:
    """An instant as CKAN shows `metadata_created` and resource times: UTC, ISO 8601 with
    microseconds and no zone (`2026-03-22T11:48:42.612063`)."""
    utc = instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds")


def package_id_mismatch(item: str, given: str) -> str:
    return (
        f"Item ID {item} does not match {given} which is the value of package_id contained "
        "in the representation."
    )


def resource_id_mismatch(resource_id: str, given: str) -> str:
    return (
        f"Resource ID {resource_id} does not match {given} which is the value of id "
        "contained in the representation."
    )


def unknown_resource(resource_id: str) -> str:
    """gCat's words (its spelling kept) for a PUT of an item naming a resource it lacks."""
    return f"The content cotains a resource with id {resource_id} which does not exists"


def validate_resource(
    body: object,
    item_name: str,
    *,
    item_id: str | None = None,
    resource_id: str | None = None,
    location: str = "",
) -> dict[str, Any]:
    """A resource body as the item keeps it: the client's fields without the server's (its
    `id` kept where given, for a PUT of the item to match), or gCat's 400: `package_id` must
    be the item's name or id, `id` the path's resource id (`resource_id`, on a resource PUT),
    `url` an absolute URL. `location` prefixes each problem's place (`resources[2].`)."""
    if not isinstance(body, dict):
        raise InvalidInput(
            "a resource must be a JSON object",
            problems=[Problem("must be a JSON object", location.rstrip(".") or None)],
        )
    package_id = body.get("package_id")
    if package_id is not None and package_id not in (item_name, item_id):
        message = package_id_mismatch(item_name, str(package_id))
        raise InvalidInput(message, problems=[Problem(message, f"{location}package_id")])
    given_id = body.get("id")
    if given_id is not None and not isinstance(given_id, str):
        raise InvalidInput(
            "a resource id is text", problems=[Problem("must be a string", f"{location}id")]
        )
    if resource_id is not None and given_id is not None and given_id != resource_id:
        message = resource_id_mismatch(resource_id, given_id)
        raise InvalidInput(message, problems=[Problem(message, f"{location}id")])
    url = body.get("url")
    if not isinstance(url, str) or not url:
        raise InvalidInput(MISSING_URL, problems=[Problem(MISSING_URL, f"{location}url")])
    if not _absolute_url(url):
        message = f"The url {url!r} is not an absolute URL (scheme://host/...)"
        raise InvalidInput(message, problems=[Problem(message, f"{location}url")])
    size = body.get("size")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
        raise CkanValidationError([Problem("Invalid integer", f"{location}size")])
    return {key: value for key, value in body.items() if key not in SERVER_FIELDS}


def checked_resources(
    value: object, *, item_name: str, item_id: str | None
) -> list[dict[str, Any]]:
    """An item body's `resources`, each checked by `validate_resource` (absent: none)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidInput(
            "'resources' must be a list",
            problems=[Problem("must be a list of resource objects", "resources")],
        )
    return [
        validate_resource(body, item_name, item_id=item_id, location=f"resources[{index}].")
        for index, body in enumerate(value)
    ]


def _absolute_url(url: str) -> bool:
    if links.is_host_free(url):
        return True
    parts = urlsplit(url)
    return bool(parts.scheme and parts.netloc) and not any(c.isspace() for c in url)


# -- kept in the native document ------------------------------------------------------------


def new_resource(
    checked: dict[str, Any], *, now: datetime, new_id: NewId = _uuid4
) -> dict[str, Any]:
    """A created resource as kept: a new `id` (a client's is not taken, as CKAN's
    resource_create mints one), `created` and `last_modified` now."""
    fields = {key: value for key, value in checked.items() if key != "id"}
    stamp = ckan_time(now)
    return {"id": new_id(), **fields, "created": stamp, "last_modified": stamp}


def updated_resource(
    stored: dict[str, Any], checked: dict[str, Any], *, now: datetime
) -> dict[str, Any]:
    """A resource replaced by a PUT: its `id` and `created` kept, `last_modified` now when
    anything shown changed (a resource sent back as read, CKAN's defaults filled in, is
    unchanged)."""
    fields = {key: value for key, value in checked.items() if key != "id"}
    kept = {k: v for k, v in stored.items() if k not in SERVER_FIELDS and k != "id"}
    same = {**RESOURCE_DEFAULTS, **fields} == {**RESOURCE_DEFAULTS, **kept}  # as shown
    modified = stored.get("last_modified") if same else ckan_time(now)
    return {
        "id": stored["id"],
        **fields,
        "created": stored.get("created"),
        "last_modified": modified,
    }


def numbered(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The resources with `position` their index, as CKAN keeps it."""
    return [{**resource, "position": index} for index, resource in enumerate(resources)]


def resources_for_item(
    stored: list[dict[str, Any]],
    checked: list[dict[str, Any]],
    *,
    now: datetime,
    new_id: NewId = _uuid4,
) -> list[dict[str, Any]]:
    """An item's resources after a create or PUT (gCat's rule): one with an `id` updates the
    stored resource of that id (an unknown one is gCat's 400), one without is created, the
    stored ones not named are removed. On create `stored` is empty, so an `id` is refused."""
    by_id = {resource["id"]: resource for resource in stored}
    result = []
    for index, body in enumerate(checked):
        given = body.get("id")
        if given is None:
            result.append(new_resource(body, now=now, new_id=new_id))
        elif given in by_id:
            result.append(updated_resource(by_id.pop(given), body, now=now))
        else:
            message = unknown_resource(given)
            raise InvalidInput(message, problems=[Problem(message, f"resources[{index}].id")])
    return numbered(result)


def find_resource(stored: list[dict[str, Any]], resource_id: str) -> dict[str, Any]:
    """The stored resource of this id, or NotFound (gCat's 404)."""
    for resource in stored:
        if resource.get("id") == resource_id:
            return resource
    raise NotFound(f"the item has no resource with id {resource_id}")


def replaced_resource(
    stored: list[dict[str, Any]], resource_id: str, checked: dict[str, Any], *, now: datetime
) -> list[dict[str, Any]]:
    """The item's resources after a PUT of one of them (NotFound if it has none of that id)."""
    old = find_resource(stored, resource_id)
    return numbered([updated_resource(old, checked, now=now) if r is old else r for r in stored])


def without_resource(stored: list[dict[str, Any]], resource_id: str) -> list[dict[str, Any]]:
    """The item's resources after a DELETE of one (NotFound if it has none of that id)."""
    old = find_resource(stored, resource_id)
    return numbered([r for r in stored if r is not old])


def files_of(resources: list[dict[str, Any]]) -> list[RecordFile]:
    """The record files of an item's resources with an external `url` (`resources/<id>`):
    every face lists them; their bytes are where the URL says."""
    files = []
    for resource in resources:
        url = resource.get("url")
        if isinstance(url, str) and not links.is_host_free(url):
            size = resource.get("size")
            mimetype = resource.get("mimetype")
            files.append(
                RecordFile(
                    path=RESOURCE_FILES + str(resource["id"]),
                    size=size if isinstance(size, int) else 0,
                    media_type=mimetype if isinstance(mimetype, str) else None,
                    external_url=url,
                )
            )
    return files


# -- shown as CKAN resources ----------------------------------------------------------------

RESOURCE_DEFAULTS: dict[str, Any] = {
    "name": None,
    "description": "",
    "format": "",
    "mimetype": None,
    "mimetype_inner": None,
    "hash": "",
    "size": None,
    "resource_type": None,
    "url_type": None,
    "cache_url": None,
    "cache_last_updated": None,
    "datastore_active": False,
    "state": "active",
}
"""What CKAN's resource_show gives for a field a resource does not set."""


def resource_of(stored: dict[str, Any], *, package_id: str, position: int) -> dict[str, Any]:
    """A kept resource in CKAN's `resource_show` shape: its fields, CKAN's defaults for the
    others, the item's id as `package_id`, its `position`."""
    fields = {k: v for k, v in stored.items() if k not in ("position", "package_id")}
    return {
        "id": stored.get("id"),
        "package_id": package_id,
        "url": stored.get("url"),
        **RESOURCE_DEFAULTS,
        **fields,
        "position": position,
    }


def resource_from_file(
    file: RecordFile,
    *,
    ark: str,
    package_id: str,
    position: int,
    created: datetime | None,
    modified: datetime | None,
) -> dict[str, Any]:
    """A record file of another face as a CKAN resource: a stable id (uuid5 of ARK and path),
    its path as name, its external URL or the host-free download link of its bytes, its media
    type, size and sha256 (`hash`)."""
    suffix = file.path.rsplit(".", 1)[-1] if "." in file.path.rsplit("/", 1)[-1] else ""
    stored = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{ark}#{file.path}")),
        "name": file.path,
        "url": file.external_url or download_link(ark, file.path),
        "format": suffix.upper(),
        "mimetype": file.media_type,
        "hash": file.sha256 or "",
        "size": file.size,
        "created": ckan_time(created) if created else None,
        "last_modified": ckan_time(modified) if modified else None,
    }
    return resource_of(stored, package_id=package_id, position=position)
