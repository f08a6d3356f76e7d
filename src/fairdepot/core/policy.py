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
    DELETE = "delete"  # to the trash (FAIRSCAPE's delete, a tombstone at once, asks it too)
    PURGE = "purge"
    PUBLISH = "publish"
    MODERATE = "moderate"


WRITE_ACTIONS = frozenset({Action.UPDATE, Action.DELETE, Action.PURGE, Action.PUBLISH})


@dataclass(frozen=True)
class Actor:
    """The caller as the policy sees it. `user_id` None means anonymous."""

    user_id: str | None = None
    username: str | None = None
    email: str | None = None
    groups: frozenset[str] = field(default_factory=frozenset)
    is_admin: bool = False
    # Approves and rejects records awaiting moderation, and reads them meanwhile. A flag until
    # moderators are a role per organization.
    is_moderator: bool = False

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
    # records whose owner group shares editing (group_write) with one of these groups
    writable_groups: frozenset[str] = field(default_factory=frozenset)
    # also every record awaiting moderation (others see those only through `owner_id`)
    awaiting_moderation: bool = False


def _is_member(actor: Actor, access: Access) -> bool:
    return bool(access.owner_group and access.owner_group in actor.groups) or bool(
        actor.groups.intersection(access.access_groups)
    )


def _is_owner(actor: Actor, access: Access) -> bool:
    return actor.user_id is not None and actor.user_id == access.owner_id


def allows(actor: Actor, action: Action, access: Access) -> bool:
    if actor.is_admin:
        return True
    if action is Action.MODERATE:
        return actor.is_moderator
    published = access.publication == PublicationStatus.PUBLISHED
    if access.moderation.state.awaits_approval:
        # until approved, only its author and the moderators see it, and only its author edits
        return _is_owner(actor, access) or (actor.is_moderator and action not in WRITE_ACTIONS)
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
    if action is Action.MODERATE:
        return ReadScope(everything=actor.is_moderator)
    if action in WRITE_ACTIONS:
        return ReadScope(owner_id=actor.user_id, writable_groups=actor.groups)
    return ReadScope(
        owner_id=actor.user_id,
        groups=actor.groups,
        metadata_public=action is Action.READ_METADATA,
        published=True,
        awaiting_moderation=actor.is_moderator,
    )
