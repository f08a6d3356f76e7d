"""Organizations (gCat's contexts, CKAN organizations): who a record belongs to beyond its owner."""

from __future__ import annotations

import re
from dataclasses import KW_ONLY, dataclass
from datetime import datetime
from enum import StrEnum

from fairdepot.core.errors import InvalidInput, Problem

_NAME = re.compile(r"[a-z0-9_-]{2,100}")  # fullmatch: `$` also matches before a final "\n"


class GroupState(StrEnum):
    """CKAN's state of an organization or a group: a deleted one is out of every listing but
    keeps its name until it is purged."""

    ACTIVE = "active"
    DELETED = "deleted"


@dataclass(frozen=True)
class Extra:
    """One CKAN extra of an organization or group: a key and its text, in the order sent."""

    key: str
    value: str


@dataclass(frozen=True)
class Group:
    """What organizations and collections both hold, as CKAN (where an organization is a kind
    of group) shows them on a group's page.

    Past `name` and `title` the fields are keyword-only, so each kind's own field (an
    organization's `moderated`, a collection's `organization`) stays the third positional one.
    """

    name: str
    title: str | None = None
    _: KW_ONLY
    id: str | None = None
    """A UUID given when it is stored (CKAN's `id`); the name stays the key."""
    description: str = ""
    image_url: str = ""
    state: GroupState = GroupState.ACTIVE
    extras: tuple[Extra, ...] = ()
    created: datetime | None = None


@dataclass(frozen=True)
class Organization(Group):
    moderated: bool = False
    """Records submitted to a moderated organization wait for a Moderator's approval."""


@dataclass(frozen=True)
class Collection(Group):
    """A named group of records (CKAN/gCat groups, SciCat collections)."""

    organization: str | None = None


def check_organization_name(name: str) -> str:
    """CKAN's rule for names (2-100 of a-z, 0-9, - and _), so every face can use them in URLs."""
    if not _NAME.fullmatch(name):
        raise InvalidInput(
            f"invalid name {name!r}: 2 to 100 characters of a-z, 0-9, '-' and '_'",
            problems=[Problem("must be 2 to 100 characters of a-z, 0-9, '-' and '_'", "name")],
        )
    return name
