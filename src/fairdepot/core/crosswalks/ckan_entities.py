"""CKAN's organizations, groups and users as gCat sends and shows them, and back.

Bodies are read into the core's `Organization`, `Collection` and account fields; stored ones
are shown in CKAN's shapes (`organization_show`, `group_show`, `user_show`). What CKAN
computes (`display_name`, `package_count`, `users`, `created`...) is ignored in a body, as are
keys CKAN does not know; `id` is ours (a uuid given at creation). Two fields are fairdepot's
own, documented in docs/api-gcat.md: an organization's `moderated` and a group's
`organization`. Where a PUT leaves them out they keep their stored value, so a CKAN client
that never heard of them cannot clear them by accident.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from fairdepot.core.accounts import User
from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.organizations import Collection, Extra, GroupState, Organization
from fairdepot.core.policy import Role
from fairdepot.core.timestamps import as_utc

NAME_RULE = (
    "The 'name' must be between 2 and 100 characters long and contain only lowercase "
    "alphanumeric characters, '-' and '_'"
)
"""gCat's words for a bad name, on every collection (reference §3.1, §10.10)."""

_NAME = re.compile(r"[a-z0-9_-]{2,100}")  # fullmatch: `$` also matches before a final "\n"
_CAPACITY = {
    Role.MEMBER: "member",
    Role.MODERATOR: "member",
    Role.EDITOR: "editor",
    Role.ADMIN: "admin",
    Role.MANAGER: "admin",
}
_CAPACITY_RANK = {"member": 0, "editor": 1, "admin": 2}
_TEXT_FIELDS = ("title", "description", "image_url")


def checked_name(body: Mapping[str, Any]) -> str:
    """The body's `name`, held to CKAN's rule with gCat's 400."""
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidInput(
            "Unable to obtain a correct 'name' from the provided content",
            problems=[Problem("is required", "name")],
        )
    if not _NAME.fullmatch(name):
        raise InvalidInput(NAME_RULE, problems=[Problem(NAME_RULE, "name")])
    return name


def check_path_name(path_name: str, body: Mapping[str, Any], *, required: bool) -> None:
    """A PUT's (required) or a PATCH's (if given) `name` must be the path's."""
    if "name" not in body and not required:
        return
    given = body.get("name")
    if given != path_name:
        message = (
            f"The name ({path_name}) does not match with the 'name' contained in the "
            f"provided content ({given})."
        )
        raise InvalidInput(message, problems=[Problem(message, "name")])


def organization_from(body: Mapping[str, Any], stored: Organization | None = None) -> Organization:
    """An organization as a POST or PUT body describes it (`stored`: what a PUT replaces)."""
    fields = _group_fields(body)
    moderated = body.get("moderated", stored.moderated if stored else False)
    if not isinstance(moderated, bool):
        raise _invalid("must be true or false", "moderated")
    base = stored or Organization(checked_name(body))
    return replace(base, moderated=moderated, **fields)


def collection_from(
    body: Mapping[str, Any], stored: Collection | None = None, *, organization: str | None = None
) -> Collection:
    """A group as a POST or PUT body describes it; `organization` is the one it gets when the
    body names none (a PUT keeps the stored one)."""
    fields = _group_fields(body)
    owner = body.get("organization", stored.organization if stored else organization)
    if owner is not None and not isinstance(owner, str):
        raise _invalid("must be an organization's name or null", "organization")
    base = stored or Collection(checked_name(body))
    return replace(base, organization=owner, **fields)


def merged(stored_document: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """A PATCH: the stored document with the body's top-level keys replaced (CKAN's
    `*_patch`)."""
    if not isinstance(patch, Mapping):
        raise _invalid("the body must be a JSON object", "")
    return {**stored_document, **patch}


def organization_document(
    organization: Organization, *, members: Iterable[tuple[str, Role]] = (), records: int = 0
) -> dict[str, Any]:
    """`organization_show`: CKAN's fields, `users` with their capacity, our `moderated`."""
    document = _group_document(organization, "organization", records)
    document["moderated"] = organization.moderated
    document["users"] = _users(members)
    return document


def collection_document(collection: Collection, *, records: int = 0) -> dict[str, Any]:
    """`group_show`: CKAN's fields and our `organization` (the one managing it, or null)."""
    document = _group_document(collection, "group", records)
    document["organization"] = collection.organization
    document["users"] = []
    return document


MIN_PASSWORD_LENGTH = 4
"""CKAN's rule; fairdepot has no stricter one (argon2 stores what is given)."""


@dataclass(frozen=True)
class AccountFields:
    """What a `POST /users` or `PUT /users/{NAME}` body asks for (password None: keep it)."""

    name: str
    email: str
    full_name: str
    about: str
    password: str | None


def account_fields(
    body: Mapping[str, Any], *, path_name: str | None = None, stored: User | None = None
) -> AccountFields:
    """A user body read as CKAN's `user_create` (name, email, password required) or, with
    `path_name`, `user_update` (the password only when given; the e-mail kept if left out)."""
    if not isinstance(body, Mapping):
        raise _invalid("the body must be a JSON object", "")
    if path_name is None:
        name = checked_name(body)
    else:
        check_path_name(path_name, body, required=True)
        name = path_name
    email = body.get("email", stored.email if stored else None)
    if not isinstance(email, str) or "@" not in email.strip("@"):
        raise _invalid("must be an e-mail address", "email")
    texts = {}
    for key in ("fullname", "about"):
        value = body.get(key)
        if value is not None and not isinstance(value, str):
            raise _invalid("must be a string", key)
        texts[key] = value or ""
    password = body.get("password")
    if password is None and path_name is None:
        raise _invalid("is required", "password")
    if password is not None and (
        not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH
    ):
        raise _invalid(f"must be a string of at least {MIN_PASSWORD_LENGTH} characters", "password")
    return AccountFields(name, email, texts["fullname"], texts["about"], password)


def user_document(user: User, *, show_email: bool, sysadmin: bool) -> dict[str, Any]:
    """`user_show`; the e-mail only for the account itself and those who manage it."""
    document: dict[str, Any] = {
        "id": user.id,
        "name": user.username,
        "fullname": user.full_name or "",
        "display_name": user.full_name or user.username,
        "about": user.about or "",
        "created": ckan_time(user.created),
        "state": "active" if user.active else "deleted",
        "sysadmin": sysadmin,
    }
    if show_email:
        document["email"] = user.email
    return document


def ckan_time(value: datetime | None) -> str | None:
    """CKAN's timestamps: UTC, without an offset (`2018-03-22T11:48:42.612063`)."""
    instant = as_utc(value)
    return instant.replace(tzinfo=None).isoformat() if instant else None


def _group_fields(body: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(body, Mapping):
        raise _invalid("the body must be a JSON object", "")
    fields: dict[str, Any] = {}
    for key in _TEXT_FIELDS:
        value = body.get(key)
        if value is not None and not isinstance(value, str):
            raise _invalid("must be a string", key)
        fields[key] = value if key == "title" else (value or "")
    state = body.get("state", GroupState.ACTIVE.value)
    try:
        fields["state"] = GroupState(state)
    except ValueError:
        raise _invalid("must be 'active' or 'deleted'", "state") from None
    fields["extras"] = _extras(body.get("extras"))
    return fields


def _extras(value: Any) -> tuple[Extra, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _invalid("must be a list of {key, value}", "extras")
    extras = []
    for index, entry in enumerate(value):
        where = f"extras[{index}]"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("key"), str):
            raise _invalid("must be an object with a string 'key'", where)
        if entry.get("deleted") in (True, "True", "true"):
            continue  # CKAN: an extra sent with deleted=True is removed
        text = entry.get("value", "")
        if not isinstance(text, str):
            raise _invalid("must be a string", f"{where}.value")
        extras.append(Extra(entry["key"], text))
    return tuple(extras)


def _group_document(group: Organization | Collection, kind: str, records: int) -> dict[str, Any]:
    title = group.title or ""
    return {
        "id": group.id,
        "name": group.name,
        "title": title,
        "display_name": title or group.name,
        "description": group.description,
        "image_url": group.image_url,
        "image_display_url": group.image_url,
        "created": ckan_time(group.created),
        "state": group.state.value,
        "type": kind,
        "is_organization": kind == "organization",
        "approval_status": "approved",
        "package_count": records,
        "extras": [{"key": e.key, "value": e.value} for e in group.extras],
        "groups": [],
        "tags": [],
    }


def _users(members: Iterable[tuple[str, Role]]) -> list[dict[str, str]]:
    """One entry per user, with the highest CKAN capacity of their roles."""
    best: dict[str, str] = {}
    for username, role in members:
        capacity = _CAPACITY[role]
        if _CAPACITY_RANK[capacity] >= _CAPACITY_RANK.get(best.get(username, ""), -1):
            best[username] = capacity
    return [{"name": name, "capacity": best[name]} for name in sorted(best)]


def _invalid(message: str, location: str) -> InvalidInput:
    where = f"'{location}' " if location else ""
    return InvalidInput(f"{where}{message}".strip(), problems=[Problem(message, location or None)])
