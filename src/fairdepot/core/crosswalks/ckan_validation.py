"""A gCat item body (a CKAN package) checked as gCat and the CKAN behind it check it.

Two sides, two statuses (docs/crosswalks.md, "Record ↔ CKAN package"; reference §1, §3.1):

* gCat's own checks, in gCat's order and words, stop at the first failure: the name
  (`^[a-z0-9_-]{2,100}$`, and on PUT/PATCH equal to the path's), `private`, the licence
  (given, and one of `GET /licenses`), `owner_org`, each resource's `url`.
  They raise `InvalidInput`: **400**.
* What CKAN's package schema refuses (tags, `version` length, groups, extras, the reserved
  names `new`/`edit`/`search`, fields of the wrong type) is collected in one
  `CkanValidationError`, a CKAN "Validation Error": gCat forwards CKAN's **409**.

The checked package is the item's native document: only the fields a package has (CKAN drops
the others), the server's fields (`id`, `metadata_created`, ...) ignored so that a client may
send back what it read, `capacity` dropped, `author`/`author_email`/`owner_org` the server's.
"""

from __future__ import annotations

import re
from typing import Any

from fairdepot.core.crosswalks.ckan_resources import checked_resources
from fairdepot.core.crosswalks.ckan_rules import (
    NAME_RULE,
    PACKAGE_TEXT_FIELDS,
    CkanValidationError,
    tag_problem,
)
from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.licenses import find_license

NAME_REGEX_TEXT = "^[a-z0-9_\\-]{2,100}$"
"""gCat's NAME_REGEX as its message prints it."""

MISSING_NAME = "Unable to obtain a correct 'name' from the provided content"
BAD_NAME = (
    "The 'name' must be between 2 and 100 characters long and contain only lowercase "
    "alphanumeric characters, '-' and '_'. You can validate your name using the regular "
    "expression : " + NAME_REGEX_TEXT
)
MISSING_LICENSE = (
    "You must specify a license identifier for the item. "
    "License list can be retrieved using licence collection"
)
UNKNOWN_LICENSE = (
    "You must specify an existing license identifier for the item. "
    "License list can be retrieved using licence collection"
)
WRONG_ORGANIZATION = "You can only publish in the Organization associate to the current VRE"
RESERVED_PREFIX = "ark-"
RESERVED_PREFIX_MESSAGE = (
    "The 'name' must not begin with 'ark-': such names are those of the catalogue's records "
    "from its other faces, named after their ARK"
)

RESERVED_NAMES = frozenset({"new", "edit", "search"})
"""Names CKAN's name validator refuses ("That name cannot be used")."""

VERSION_MAX = 100
_EMAIL = re.compile(
    r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*"
)

TEXT_FIELDS = ("title", "notes", "url", "version", "maintainer", "maintainer_email")
PACKAGE_FIELDS = frozenset(
    {
        "id",
        "name",
        "title",
        *PACKAGE_TEXT_FIELDS,
        "license_id",
        "private",
        "state",
        "type",
        "owner_org",
        "tags",
        "groups",
        "extras",
        "resources",
    }
)
"""Top-level fields of CKAN's package schema: an extra may not take one of these keys."""


def name_mismatch(path_name: str, body_name: str) -> str:
    """gCat's words when a PUT's body names another item than its path."""
    return (
        f"The name ({path_name}) does not match with the 'name' contained in the provided "
        f"content ({body_name})."
    )


def validate_package(
    body: object,
    *,
    author: str | None,
    author_email: str | None,
    owner_org: str | None,
    owner_org_id: str | None = None,
    path_name: str | None = None,
    item_id: str | None = None,
) -> dict[str, Any]:
    """A create (or PUT) body as the item's native document, or the first gCat problem
    (`InvalidInput`, 400) or CKAN's problems (`CkanValidationError`, 409).

    `author`, `author_email`: the caller's account, which the item records whatever the body
    says; `owner_org`: the organization the item is published in (its name; `owner_org_id`
    its id, which a body may name instead); `path_name`: on PUT/PATCH, the item's name in the
    path, which the body's must equal; `item_id`: on PUT/PATCH, the item's id, which a
    resource's `package_id` may name instead of its name."""
    name = _checked_name(body, path_name)
    assert isinstance(body, dict)  # _checked_name refuses anything else
    private = body.get("private", False)
    if not isinstance(private, bool):
        raise InvalidInput(
            "'private' must be true or false",
            problems=[Problem("must be true or false", "private")],
        )
    license_id = _checked_license(body.get("license_id"))
    given_org = body.get("owner_org")
    if given_org is not None and given_org not in (owner_org, owner_org_id):
        raise InvalidInput(WRONG_ORGANIZATION, problems=[Problem(WRONG_ORGANIZATION, "owner_org")])
    resources = checked_resources(body.get("resources"), item_name=name, item_id=item_id)

    problems: list[Problem] = []
    if name in RESERVED_NAMES:
        problems.append(Problem("That name cannot be used", "name"))
    package: dict[str, Any] = {"name": name}
    for field in TEXT_FIELDS:
        value = body.get(field)
        if value is not None and not isinstance(value, str):
            problems.append(Problem("must be a string", field))
        elif value is not None:
            package[field] = value
    if not package.get("title"):
        package["title"] = name  # CKAN: if empty, same as name
    if len(package.get("version", "")) > VERSION_MAX:
        problems.append(
            Problem(f"Version must be a maximum of {VERSION_MAX} characters long", "version")
        )
    email = package.get("maintainer_email")
    if email and not _EMAIL.fullmatch(email):
        problems.append(Problem(f"Email {email} is not a valid format", "maintainer_email"))
    package.update(
        {
            "license_id": license_id,
            "private": private,
            "author": author,
            "author_email": author_email,
            "owner_org": owner_org,
            "tags": _tags(body.get("tags"), problems),
            "groups": _groups(body.get("groups"), problems),
            "extras": _extras(body.get("extras"), problems),
            "resources": resources,
        }
    )
    if problems:
        raise CkanValidationError(problems)
    return package


def patched_package(stored: dict[str, Any], patch: object, path_name: str) -> dict[str, Any]:
    """A PATCH body merged as CKAN's `package_patch` merges it: each top-level key given
    replaces the stored one (a `resources` or `extras` list whole); the result is checked
    again by `validate_package(..., path_name=...)`. A body without `name` keeps the item's;
    one with another name is gCat's 400."""
    if not isinstance(patch, dict):
        raise InvalidInput(MISSING_NAME, problems=[Problem(MISSING_NAME, "name")])
    if "name" in patch and patch["name"] != path_name:
        message = name_mismatch(path_name, str(patch["name"]))
        raise InvalidInput(message, problems=[Problem(message, "name")])
    merged = {**stored, **patch}
    merged["name"] = path_name
    return merged


def _checked_name(body: object, path_name: str | None) -> str:
    name = body.get("name") if isinstance(body, dict) else None
    if not isinstance(name, str):
        raise InvalidInput(MISSING_NAME, problems=[Problem(MISSING_NAME, "name")])
    if not NAME_RULE.fullmatch(name):
        raise InvalidInput(BAD_NAME, problems=[Problem(BAD_NAME, "name")])
    if path_name is not None and name != path_name:
        message = name_mismatch(path_name, name)
        raise InvalidInput(message, problems=[Problem(message, "name")])
    if name.startswith(RESERVED_PREFIX):
        raise InvalidInput(
            RESERVED_PREFIX_MESSAGE, problems=[Problem(RESERVED_PREFIX_MESSAGE, "name")]
        )
    return name


def _checked_license(license_id: object) -> str:
    if license_id is None or license_id == "":
        raise InvalidInput(MISSING_LICENSE, problems=[Problem(MISSING_LICENSE, "license_id")])
    found = find_license(license_id)
    if found is None:
        raise InvalidInput(UNKNOWN_LICENSE, problems=[Problem(UNKNOWN_LICENSE, "license_id")])
    return found.id


def _tags(value: object, problems: list[Problem]) -> list[dict[str, str]]:
    """`[{"name"}]` in the client's order, a repeated name once (CKAN keeps a set)."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem("must be a list of {name} objects", "tags"))
        return []
    tags: list[dict[str, str]] = []
    for index, tag in enumerate(value):
        name = tag.get("name") if isinstance(tag, dict) else None
        if not isinstance(name, str):
            problems.append(Problem("Missing value", f"tags[{index}].name"))
            continue
        problem = tag_problem(name)
        if problem:
            problems.append(Problem(problem, f"tags[{index}].name"))
        elif all(known["name"] != name for known in tags):
            tags.append({"name": name})
    return tags


def _groups(value: object, problems: list[Problem]) -> list[dict[str, str]]:
    """`[{"name"} | {"id"}]`: the group a client names (whether it exists is the service's)."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem("must be a list of {name} or {id} objects", "groups"))
        return []
    groups: list[dict[str, str]] = []
    for index, group in enumerate(value):
        reference = {
            key: group[key]
            for key in ("name", "id")
            if isinstance(group, dict) and isinstance(group.get(key), str) and group[key]
        }
        if not reference:
            problems.append(Problem("must name a group by 'name' or 'id'", f"groups[{index}]"))
        else:
            groups.append({"name": reference["name"]} if "name" in reference else reference)
    return groups


def _extras(value: object, problems: list[Problem]) -> list[dict[str, str]]:
    """`[{"key", "value"}]` in order, a key repeated as often as given (gCat's multi-valued
    fields); a value must be text, a key non-empty text that is not a package field."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem("must be a list of {key, value} objects", "extras"))
        return []
    extras: list[dict[str, str]] = []
    for index, extra in enumerate(value):
        if not isinstance(extra, dict):
            problems.append(Problem("must be a {key, value} object", f"extras[{index}]"))
            continue
        key, text = extra.get("key"), extra.get("value")
        if not isinstance(key, str) or not key:
            problems.append(Problem("Missing value", f"extras[{index}].key"))
        elif key in PACKAGE_FIELDS:
            problems.append(
                Problem("There is a schema field with the same name", f"extras[{index}].key")
            )
        elif not isinstance(text, str):
            problems.append(Problem("must be a string", f"extras[{index}].value"))
        else:
            extras.append({"key": key, "value": text})
    return extras
