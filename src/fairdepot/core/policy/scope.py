"""The records `allows(actor, READ_*, ·)` accepts, as data the storage layer compiles to SQL.

`storage.db.records.readable(scope)` is the one place a scope becomes a WHERE clause; a listing
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

    Records not in plain view are seen by their owner (`owner_id`) and by the organizations in
    `trash_organizations` (Visibility.TRASHED) or `moderated_organizations`
    (Visibility.AWAITING_MODERATION); the storage layer applies these where it stores those
    states.
    """

    everything: bool = False
    owner_id: str | None = None
    owner_groups: frozenset[str] = field(default_factory=frozenset)
    access_groups: frozenset[str] = field(default_factory=frozenset)
    organizations: frozenset[str] = field(default_factory=frozenset)
    metadata_public: bool = False
    published: bool = False
    trash_organizations: frozenset[str] = field(default_factory=frozenset)
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
        moderated_organizations=actor.moderates(),
    )
