"""Who an actor is: groups, roles in organizations, and the facility's group lists.

Roles are gCat's: Member < Editor < Admin < Manager, and Moderator outside that ladder (it may
moderate but gives no editing rights). The facility-wide lists are SciCat's (ADMIN_GROUPS,
DELETE_GROUPS, CREATE_DATASET_WITH_PID_GROUPS, CREATE_DATASET_PRIVILEGED_GROUPS), configured
once in settings (docs/configuration.md) and carried by every actor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    MEMBER = "member"
    EDITOR = "editor"
    ADMIN = "admin"
    MANAGER = "manager"
    MODERATOR = "moderator"

    @classmethod
    def parse(cls, text: str) -> Role:
        """A role from its name in any case (gCat writes `Catalogue-Editor`, we `editor`)."""
        name = text.strip().lower().removeprefix("catalogue-")
        try:
            return cls(name)
        except ValueError:
            known = ", ".join(r.value for r in cls)
            raise ValueError(f"unknown role {text!r}; roles are {known}") from None


_RANK = {Role.MEMBER: 1, Role.EDITOR: 2, Role.ADMIN: 3, Role.MANAGER: 4}


def at_least(role: Role, minimum: Role) -> bool:
    """Whether `role` has every right of `minimum` on the Member < ... < Manager ladder.

    A Moderator is off the ladder: it reads like a Member and edits nothing (moderation is
    asked for by name, `Actor.moderates`)."""
    if role is Role.MODERATOR or minimum is Role.MODERATOR:
        return role is minimum or minimum is Role.MEMBER
    return _RANK[role] >= _RANK[minimum]


@dataclass(frozen=True)
class Membership:
    """One role of a user in one organization (a user may hold several roles in one)."""

    organization: str
    role: Role


@dataclass(frozen=True)
class FacilityGroups:
    """Facility-wide group lists from settings; membership of any listed group is enough.

    Empty by default, so that an actor built without settings gets no right from a group name.
    """

    admin: frozenset[str] = frozenset()
    delete: frozenset[str] = frozenset()
    create_with_pid: frozenset[str] = frozenset()
    create_for_any_owner_group: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Actor:
    """The caller as the policy sees it. `user_id` None means anonymous.

    `is_admin` is the account's own flag; `facility` says which groups make one an
    administrator (or a deleter, or a creator with a pid / for any owner group).
    """

    user_id: str | None = None
    username: str | None = None
    email: str | None = None
    groups: frozenset[str] = field(default_factory=frozenset)
    is_admin: bool = False
    memberships: frozenset[Membership] = field(default_factory=frozenset)
    facility: FacilityGroups = field(default_factory=FacilityGroups)

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def is_facility_admin(self) -> bool:
        return self.is_admin or bool(self.groups & self.facility.admin)

    def in_facility_list(self, listed: frozenset[str]) -> bool:
        return not self.is_anonymous and bool(self.groups & listed)

    def organizations_with(self, minimum: Role) -> frozenset[str]:
        """The organizations where this actor holds `minimum` or a higher role."""
        return frozenset(m.organization for m in self.memberships if at_least(m.role, minimum))

    def moderates(self) -> frozenset[str]:
        return frozenset(m.organization for m in self.memberships if m.role is Role.MODERATOR)

    def holds(self, organization: str | None, minimum: Role) -> bool:
        return organization is not None and organization in self.organizations_with(minimum)


ANONYMOUS = Actor()
