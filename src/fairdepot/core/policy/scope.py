"""The records `allows(actor, READ_*, ·)` accepts, as data the storage layer compiles to SQL.

`storage.db.scope.readable(scope)` is the one place a scope becomes a WHERE clause; a listing
or search AND-s it into its own statement, so that no row is ever checked one by one and what a
search shows is what a resolve opens (tests/storage/test_policy_agreement.py proves it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from fairdepot.core.policy.actions import READ_ACTIONS, Action
from fairdepot.core.policy.roles import Actor, Role


class Mine(StrEnum):
    """A listing restricted to what the actor owns."""

    OWNER = "owner"
    """Records the actor owns (gCat's own_only)."""
    OWNER_OR_GROUP = "owner_or_group"
    """Records the actor or one of the actor's groups owns (FAIRSCAPE's crate listing);
    administrators own everything."""


@dataclass(frozen=True)
class ReadScope:
    """Any one clause that matches grants access to a record in plain view.

    Records not in plain view are seen by their owner (`owner_id`) and: trashed ones by whoever
    may delete them (`trash_organizations` for an organization's Admins and Managers,
    `trash_everything` for DELETE_GROUPS members, `trash_shared_groups` for owner groups of
    records that share editing); those awaiting moderation by the Moderators of
    `moderated_organizations`. The storage layer applies each set to the matching state.
    """

    everything: bool = False
    owner_id: str | None = None
    owner_groups: frozenset[str] = field(default_factory=frozenset)
    access_groups: frozenset[str] = field(default_factory=frozenset)
    organizations: frozenset[str] = field(default_factory=frozenset)
    metadata_public: bool = False
    published: bool = False
    trash_organizations: frozenset[str] = field(default_factory=frozenset)
    trash_everything: bool = False
    trash_shared_groups: frozenset[str] = field(default_factory=frozenset)
    moderated_organizations: frozenset[str] = field(default_factory=frozenset)


NOTHING = ReadScope()


def read_scope(
    actor: Actor, action: Action = Action.READ_METADATA, *, mine: Mine | None = None
) -> ReadScope:
    """The set of records `allows(actor, action, ·)` accepts (narrowed to `mine` if given)."""
    if action not in READ_ACTIONS:
        raise ValueError(f"no read scope for {action.value}")
    if mine is Mine.OWNER:
        return ReadScope(owner_id=actor.user_id) if actor.user_id else NOTHING
    if actor.is_facility_admin:
        return ReadScope(everything=True)
    if mine is Mine.OWNER_OR_GROUP:
        return ReadScope(owner_id=actor.user_id, owner_groups=actor.groups)
    return ReadScope(
        owner_id=actor.user_id,
        owner_groups=actor.groups,
        access_groups=actor.groups,
        organizations=actor.organizations_with(Role.MEMBER),
        metadata_public=action is Action.READ_METADATA,
        published=True,
        trash_organizations=actor.organizations_with(Role.ADMIN),
        trash_everything=actor.in_facility_list(actor.facility.delete),
        trash_shared_groups=actor.groups,
        moderated_organizations=actor.moderates(),
    )
