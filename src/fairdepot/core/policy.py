"""The one place that decides who may do what to a record.

The same rules answer two questions so that they can never disagree: `allows()` decides for one
record, and `read_scope()` describes the set of readable records as data that the storage layer
turns into a WHERE clause (a search over a million records never checks rows one by one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from fairdepot.core.records import Access, PublicationStatus


class Action(StrEnum):
    READ_METADATA = "read_metadata"
    READ_FILES = "read_files"
    UPDATE = "update"
    DELETE = "delete"
    PUBLISH = "publish"


@dataclass(frozen=True)
class Actor:
    """The caller as the policy sees it. `user_id` None means anonymous."""

    user_id: str | None = None
    username: str | None = None
    email: str | None = None
    groups: frozenset[str] = field(default_factory=frozenset)
    is_admin: bool = False

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None


ANONYMOUS = Actor()


@dataclass(frozen=True)
class ReadScope:
    """Which records an actor may read, as data: any one clause that matches grants access."""

    everything: bool = False
    owner_id: str | None = None
    groups: frozenset[str] = field(default_factory=frozenset)
    metadata_public: bool = False
    published: bool = False


def _is_member(actor: Actor, access: Access) -> bool:
    return bool(access.owner_group and access.owner_group in actor.groups) or bool(
        actor.groups.intersection(access.access_groups)
    )


def _is_owner(actor: Actor, access: Access) -> bool:
    return actor.user_id is not None and actor.user_id == access.owner_id


def allows(actor: Actor, action: Action, access: Access) -> bool:
    if actor.is_admin:
        return True
    published = access.publication == PublicationStatus.PUBLISHED
    if action is Action.READ_METADATA:
        return (
            access.metadata_public
            or published
            or _is_owner(actor, access)
            or _is_member(actor, access)
        )
    if action is Action.READ_FILES:
        return published or _is_owner(actor, access) or _is_member(actor, access)
    # Writes: the owner, or the owner group when the record's face shares editing with it.
    if _is_owner(actor, access):
        return True
    return bool(access.group_write and access.owner_group and access.owner_group in actor.groups)


def read_scope(actor: Actor, action: Action = Action.READ_METADATA) -> ReadScope:
    """The set of records `allows(actor, action, ·)` accepts, for listings and search."""
    if actor.is_admin:
        return ReadScope(everything=True)
    return ReadScope(
        owner_id=actor.user_id,
        groups=actor.groups,
        metadata_public=action is Action.READ_METADATA,
        published=True,
    )
